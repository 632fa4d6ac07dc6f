"""The shape of the code, read from the code: which package imports which (function-level imports
counted), no cycle between packages, the pure packages free of web, queue, SQL and S3 libraries, the
vocabulary at the bottom, and no module over 450 lines."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "orders", "printfiles", "printline", "profiles", "queues", "records", "render", "storage",
            "vocab")
OUTSIDE = {"flask", "apiflask", "werkzeug", "celery", "kombu", "sqlalchemy", "alembic", "psycopg", "boto3",
           "botocore", "redis", "waitress"}
PURE = ("render", "printfiles", "vocab", "profiles")
MAX_LINES = 450


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every absolute import in the file, at any depth (function-level ones too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def _graph() -> dict[str, dict[str, list[str]]]:
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for package in PACKAGES:
        if not (ROOT / package).is_dir():
            continue
        for path in _modules(package):
            for name, line in _imports(path):
                top = name.split(".")[0]
                if top in PACKAGES and top != package:
                    edges[package][top].append(f"{path.relative_to(ROOT)}:{line}")
    return edges


def test_no_cycle_between_packages():
    edges = _graph()
    seen: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        seen[node] = 1
        for nxt in edges.get(node, {}):
            if seen.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt):], nxt] if nxt in trail else [node, nxt])
            elif nxt not in seen:
                visit(nxt, [*trail, nxt])
        seen[node] = 2

    for package in PACKAGES:
        if package not in seen:
            visit(package, [package])
    detail = [" -> ".join(c) + "\n    " + "\n    ".join(
        w for a, b in zip(c, c[1:]) for w in edges[a][b][:3]) for c in cycles]
    assert not cycles, "\n".join(detail)


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_no_web_queue_sql_or_s3_library(package):
    bad = [f"{path.relative_to(ROOT)}:{line} imports {name}" for path in _modules(package)
           for name, line in _imports(path) if name.split(".")[0] in OUTSIDE]
    assert not bad, "\n".join(bad)


def test_the_vocabulary_imports_nothing_of_ours():
    ours = [f"{path.relative_to(ROOT)}:{line} imports {name}" for path in _modules("vocab")
            for name, line in _imports(path) if name.split(".")[0] in PACKAGES and name.split(".")[0] != "vocab"]
    assert not ours, "\n".join(ours)


def test_nothing_imports_the_composition_root():
    """`printline/` builds the parts per role (API, worker, CLI); no other package imports it back."""
    edges = _graph()
    back = [w for package, targets in edges.items() if package != "printline"
            for w in targets.get("printline", [])]
    assert not back, "\n".join(back)


def test_no_module_is_over_450_lines():
    long = [f"{path.relative_to(ROOT)}: {n} lines" for package in PACKAGES if (ROOT / package).is_dir()
            for path in _modules(package) if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, "\n".join(long)
