"""The house rules of the package, checked on its source (docs/architecture.md).

- No module under quizapp/ is longer than 500 lines (migrations and the bank parser aside).
- No import circle: every import counts, also one inside a function.
- No blueprint imports another blueprint's views or forms; shared forms live in
  quizapp/forms.py, and only the application factory registers blueprints.
- The pure rooms (scheduling, grading, readiness, question types, rosters, the bank format,
  the text-safety rule) import no Flask and no database.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "quizapp"
MAX_LINES = 500
LONG_ALLOWED = {"bank/parser.py"}
BLUEPRINTS = {"auth", "catalog", "study", "trainer", "people", "hr", "admin", "dashboard",
              "assignments", "exams", "examroom"}  # fmt: skip
PURE = ["srs", "grading", "readiness", "questions", "roster", "bank/model.py", "bank/parser.py",
        "bank/syntax.py", "bank/export.py", "bank/render.py", "textsafety.py",
        "exams/draw.py", "exams/scoring.py", "exams/stats.py"]  # fmt: skip
WEB_OR_DATABASE = {
    "flask",
    "flask_login",
    "flask_wtf",
    "werkzeug",
    "sqlalchemy",
    "flask_sqlalchemy",
}


def source_files() -> dict[str, Path]:
    """Module name → file, for every module of the package but the migrations."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        if "migrations" in relative.parts:
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = source_files()


def imports_of(name: str, path: Path) -> set[str]:
    """The package's modules that `name` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # `from pkg import mod` imports the module pkg.mod; `from mod import name`, mod.
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module
                for alias in node.names
            ]
        else:
            continue
        found |= {target for target in targets if target in MODULES and target != name}
    return found


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_is_longer_than_500_lines():
    long = {
        str(path.relative_to(PACKAGE)): length
        for path in MODULES.values()
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(long) <= LONG_ALLOWED, long


def test_no_import_circle_in_the_package():
    assert cycles(GRAPH) == []


def test_the_circle_finder_finds_circles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    # Imports resolve to modules: `from .. import srs` is quizapp.srs, and imports inside
    # functions count (the factory registers the blueprints from inside create_app).
    assert GRAPH["quizapp.readiness.model"] == {"quizapp.srs"}
    assert "quizapp.study.views" in GRAPH["quizapp"]


def test_no_blueprint_imports_another_blueprints_views_or_forms():
    wrong = []
    for name, targets in GRAPH.items():
        owner = name.split(".")[1] if name.count(".") >= 1 else None
        for target in targets:
            parts = target.split(".")
            web = len(parts) == 3 and parts[1] in BLUEPRINTS and parts[2] in ("views", "forms")
            if web and name != "quizapp" and parts[1] != owner:
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_every_blueprint_is_defined_in_its_views_and_registered_by_the_factory():
    for blueprint in BLUEPRINTS:
        assert f"quizapp.{blueprint}.views" in GRAPH["quizapp"], blueprint
        # Its package's __init__ imports nothing (no views imported for their side effect).
        assert GRAPH[f"quizapp.{blueprint}"] == set(), blueprint


def test_pure_rooms_import_no_flask_and_no_database():
    wrong = []
    for room in PURE:
        paths = [PACKAGE / room] if room.endswith(".py") else (PACKAGE / room).rglob("*.py")
        for path in paths:
            if path.name == "cli.py":  # grading's `quizapp grade` command (click only)
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module if not node.level else "." * node.level + node.module]
                for module in names:
                    top = module.split(".")[0]
                    local = module.lstrip(".").split(".")[0]
                    if top in WEB_OR_DATABASE or local in ("models", "extensions", "database"):
                        wrong.append(f"{path.relative_to(PACKAGE)}: {module}")
    assert wrong == []
