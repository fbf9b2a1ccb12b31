"""Read an uploaded 应知应会 document (plain text or Word) into text.

Plain text comes in whatever encoding the trainer's editor saved: UTF-8 with or without a
byte-order mark, UTF-16 with a mark (Windows Notepad's "Unicode"), or GBK/GB18030 (older
Chinese Windows). Word files are read with python-docx, paragraphs and table cells in
document order. Anything else, or a file that does not decode, raises `DocumentError` with a
message that says what to do.
"""

from __future__ import annotations

import io
import re
import zipfile

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# A .docx is a zip: refuse one that would unpack to more than this (a zip bomb).
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".text")
DOCX_SUFFIX = ".docx"
# C0 controls other than tab, line feed, form feed and carriage return: a text file has none.
_BINARY_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")


class DocumentError(ValueError):
    """The document cannot be read; the message says why and what to do."""


def read_document(data: bytes, filename: str) -> str:
    """The text of a .txt or .docx document given as bytes.

    Raises DocumentError for a file too big, of another type, or that does not decode.
    """
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{name}: the file is larger than {MAX_DOCUMENT_BYTES // 2**20} MB "
            f"({len(data) / 2**20:.1f} MB): split the document"
        )
    if suffix in TEXT_SUFFIXES:
        return _decode_text(data, name)
    if suffix == DOCX_SUFFIX:
        return _read_docx(data, name)
    if suffix == ".doc":
        raise DocumentError(
            f"{name}: old Word (.doc) files cannot be read: save it as .docx "
            "(Word: 另存为 → Word 文档 .docx) or as plain text (.txt)"
        )
    raise DocumentError(
        f"{name}: unsupported file type {suffix or '(no extension)'!r}: "
        "give a plain-text (.txt) or Word (.docx) file"
    )


def _decode_text(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _BINARY_RE.search(text):
            break  # decodes, but holds control characters: not text
        return text.removeprefix("\ufeff")
    raise DocumentError(
        f"{name}: the file is not text in UTF-8 or GBK: save it as UTF-8 text "
        "(在编辑器中另存为 UTF-8 编码), or upload the Word file (.docx)"
    )


def _read_docx(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(f"{name}: not a valid Word (.docx) file ({exc})") from exc
    if unpacked > MAX_DOCX_UNPACKED_BYTES:
        raise DocumentError(
            f"{name}: the Word file unpacks to more than "
            f"{MAX_DOCX_UNPACKED_BYTES // 2**20} MB: split the document"
        )
    try:
        import docx  # python-docx: used here only
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                lines.extend(_table_lines(block))
    except DocumentError:
        raise
    except Exception as exc:  # python-docx raises many kinds on a damaged file
        raise DocumentError(f"{name}: the Word (.docx) file cannot be read ({exc})") from exc
    return "\n".join(lines)


def _table_lines(table) -> list[str]:
    """Each cell's text, row by row; a merged cell (repeated by python-docx) once."""
    lines: list[str] = []
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            key = id(cell._tc)
            if key in seen:
                continue
            seen.add(key)
            for paragraph in cell.paragraphs:
                lines.append(paragraph.text)
            for inner in cell.tables:
                lines.extend(_table_lines(inner))
    return lines
