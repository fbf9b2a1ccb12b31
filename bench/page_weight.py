"""Bytes a phone downloads for each study page: HTML plus the CSS and JS it loads, gzipped.

    .venv/bin/python bench/page_weight.py [--limit 30000] [--role 客服前台]

Builds a fresh SQLite file (migrated, question_bank/*.md imported) and, through Flask's test
client (no server), logs in one employee of --role and answers every card of the role once:
each card page (by item type: single, multi, judge, cloze, qa), each feedback page (qa split
into a typed answer graded by key points and a self-rated reveal), then the progress page
and the "done for today" page. Every page's HTML and each stylesheet and script it links
(`<link rel="stylesheet" href>`, `<script src>`) are compressed with gzip level 6, as a
reverse proxy would send them; a page's weight is the sum. The issue's target: every study
page under 30 KB transferred (here 30,000 bytes; --limit). Exits 1 if a page is over.

The assets are counted on every page, as on a first visit with an empty cache.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from study_loop_bench import LOGIN_CSRF, PASSWORD, answer_form

ROOT = Path(__file__).resolve().parent.parent
ASSET = re.compile(r'<(?:link rel="stylesheet" href|script src)="(/[^"]+)"')
MAX_CARDS = 1000  # bound on the loop, far above any role's item count


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def weigh(client, html: str, assets: dict[str, tuple[int, int]]) -> dict:
    """Raw and gzipped bytes of a page and the assets it loads."""
    paths = ASSET.findall(html)
    for path in paths:
        if path not in assets:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            data = response.get_data()
            response.close()
            assets[path] = (len(data), gzipped(data))
    data = html.encode("utf-8")
    return {
        "html": len(data),
        "html_gz": gzipped(data),
        "assets": sum(assets[p][0] for p in paths),
        "assets_gz": sum(assets[p][1] for p in paths),
        "paths": paths,
    }


def collect(role: str) -> tuple[dict[str, list[dict]], dict[str, tuple[int, int]]]:
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models.types import utcnow
    from quizapp.people.service import NewPerson, create_person

    pages: dict[str, list[dict]] = defaultdict(list)
    assets: dict[str, tuple[int, int]] = {}
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/weight.sqlite3", "SECRET_KEY": "bench"}
        )
        runner = app.test_cli_runner()
        for args in (
            ["db", "upgrade"],
            ["bank", "import", *sorted(str(p) for p in (ROOT / "question_bank").glob("*.md"))],
        ):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, (args, result.output)
        with app.app_context():
            person, _ = create_person(
                db.session,
                NewPerson(employee_no="W0001", name="页面", job_role=role),
                None,
                utcnow(),
                password=PASSWORD,
            )
            person.must_change_password = False
            person.job_role.daily_new_cap = 100_000
            db.session.commit()
        client = app.test_client()
        token = LOGIN_CSRF.search(client.get("/login").get_data(as_text=True))[1]
        login = {"employee_no": "W0001", "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=login).status_code == 302
        typed_turn = False
        for _ in range(MAX_CARDS):
            html = client.get("/study/").get_data(as_text=True)
            form = answer_form(html, rng)
            if form is None:
                pages["done"].append(weigh(client, html, assets))
                break
            kind, fields = form
            pages[f"card: {kind}"].append(weigh(client, html, assets))
            label = kind
            if kind == "qa":  # alternate a typed answer and a self-rated reveal
                typed_turn = not typed_turn
                fields = [(n, v) for n, v in fields if n not in ("text", "self_rating")]
                if typed_turn:
                    fields.append(("text", "登记报修内容，通知维修人员，处理完后回访业主"))
                    label = "qa (typed)"
                else:
                    fields.append(("self_rating", "good"))
                    label = "qa (self-rated)"
            response = client.post("/study/answer", data=_multidict(fields))
            assert response.status_code == 200, response.status_code
            pages[f"feedback: {label}"].append(
                weigh(client, response.get_data(as_text=True), assets)
            )
        html = client.get("/study/progress").get_data(as_text=True)
        pages["progress"].append(weigh(client, html, assets))
        with app.app_context():
            db.engine.dispose()
    return pages, assets


def _multidict(fields: list[tuple[str, str]]):
    from werkzeug.datastructures import MultiDict

    return MultiDict(fields)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=30_000, help="bytes, gzipped")
    parser.add_argument("--role", default="客服前台")
    args = parser.parse_args()
    pages, assets = collect(args.role)

    print("assets (raw → gzip -6):")
    for path, (raw, packed) in sorted(assets.items()):
        print(f"  {path:<24} {raw:>7,} → {packed:>6,} bytes")
    print()
    print(
        f"| page | pages | HTML gz median | HTML gz max | CSS+JS gz | total max | < {args.limit:,} |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    over = []
    order = sorted(pages, key=lambda name: (not name.startswith("card"), name))
    for name in order:
        sizes = pages[name]
        heaviest = max(sizes, key=lambda s: s["html_gz"] + s["assets_gz"])
        total = heaviest["html_gz"] + heaviest["assets_gz"]
        median = statistics.median(s["html_gz"] for s in sizes)
        ok = total < args.limit
        if not ok:
            over.append(name)
        print(
            f"| {name} | {len(sizes)} | {median:,.0f} | {heaviest['html_gz']:,} | "
            f"{heaviest['assets_gz']:,} | {total:,} | {'yes' if ok else 'NO'} |"
        )
    heaviest_raw = max(s["html"] for sizes in pages.values() for s in sizes)
    print(f"\nlargest HTML before compression: {heaviest_raw:,} bytes")
    if over:
        print(f"over {args.limit:,} bytes: {', '.join(over)}")
        sys.exit(1)
    print(f"every study page is under {args.limit:,} bytes transferred (gzip -6)")


if __name__ == "__main__":
    main()
