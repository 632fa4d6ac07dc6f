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
MAX_FUNCTION_LINES = 60
# What each package may import of ours: the layers, bottom up. docs/ARCHITECTURE.md prints this table
# ("What each package may import"); test_the_architecture_lists_the_import_rules keeps the two equal.
MAY_IMPORT: dict[str, set[str]] = {
    "vocab": set(),
    "storage": set(),
    "profiles": {"vocab"},
    "records": {"vocab"},
    "render": {"profiles", "vocab"},
    "printfiles": {"render", "profiles", "vocab"},
    "orders": {"records", "render", "profiles", "vocab"},
    "queues": {"orders", "records", "printfiles", "render", "storage", "profiles", "vocab"},
    "api": {"orders", "records", "queues", "render", "storage", "profiles", "vocab"},
    "printline": {"api", "orders", "printfiles", "profiles", "queues", "records", "render", "storage", "vocab"},
}


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


def test_every_import_between_packages_is_allowed():
    """A new arrow between packages is a design decision: it goes into MAY_IMPORT (and the
    architecture document) first, or the import goes elsewhere."""
    edges = _graph()
    assert set(MAY_IMPORT) == {p for p in PACKAGES if (ROOT / p).is_dir()}
    bad = [f"{package} -> {target}: " + ", ".join(where[:3]) for package, targets in sorted(edges.items())
           for target, where in sorted(targets.items()) if target not in MAY_IMPORT[package]]
    assert not bad, "\n".join(bad)


def test_the_architecture_lists_the_import_rules():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## What each package may import", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`"):
            rows[cells[0].strip("`/")] = {c.strip(" `/") for c in cells[1].split(",") if c.strip(" `/-—")}
    assert rows == MAY_IMPORT
    picture = text.split("## Packages", 1)[1].split("```mermaid", 1)[1].split("```", 1)[0]
    arrows: dict[str, set[str]] = {package: set() for package in MAY_IMPORT}
    for line in picture.splitlines():
        if "-->" in line:
            source, target = (part.strip() for part in line.split("-->"))
            arrows[source].add(target)
    assert arrows == MAY_IMPORT  # the picture of packages and arrows draws the same rules


def test_no_function_is_over_60_lines():
    """Long functions hide steps; one over the limit says why in its docstring (`long: ...`)."""
    long = []
    for package in PACKAGES:
        for path in _modules(package) if (ROOT / package).is_dir() else ():
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    size = node.end_lineno - node.lineno + 1
                    if size > MAX_FUNCTION_LINES and "long:" not in (ast.get_docstring(node) or ""):
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {size} lines")
    assert not long, "\n".join(long)


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


# Source modules without a mirrored test module (`tests/<package>/.../test_<module>.py`, or
# `test_<module>_<aspect>.py` beside it; a package's `__init__.py` is mirrored by `test_<package>.py`).
# Shrink this list; never grow it without a reason next to the entry.
NO_BEHAVIOUR_OF_ITS_OWN = {
    "records/models.py",  # table declarations (test_migrate.py compares them)
    "orders/errors.py", "printfiles/impose/errors.py", "render/errors.py",  # exception classes only
    "printfiles/preflight/models.py",  # pydantic report models, no logic
    "profiles/base.py",  # a path and an exception class
    "vocab/options.py",  # enums only
    "storage/base.py",  # the Storage protocol and its errors (tests/storage/test_backends.py runs it)
    "api/context.py", "queues/ports.py",  # protocols
    "profiles/fonts/__init__.py", "queues/webhooks/__init__.py",  # re-exports
    "orders/lifecycle/__init__.py",  # re-exports and the class made of the action groups (tests/orders/lifecycle/)
}
ALLOWED_WITHOUT_TEST_MODULE = NO_BEHAVIOUR_OF_ITS_OWN


def _mirror(path: Path) -> tuple[Path, str] | None:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if len(parts) == 1:  # a top-level package's __init__: re-exports, mirrored by the package's folder
        return None
    return ROOT / "tests" / Path(*parts[:-1]), parts[-1]


def _has_test_module(path: Path) -> bool:
    mirror = _mirror(path)
    if mirror is None:
        return True
    folder, name = mirror
    return (folder / f"test_{name}.py").is_file() or any(folder.glob(f"test_{name}_*.py"))


def test_every_module_has_its_test_module():
    """A newcomer finds a module's tests by its path: `orders/lifecycle/jobs.py` is tested in
    `tests/orders/lifecycle/test_jobs.py`. A new module without one fails here."""
    sources = {path.relative_to(ROOT).as_posix(): path for package in PACKAGES if (ROOT / package).is_dir()
               for path in _modules(package)}
    missing = sorted(name for name, path in sources.items()
                     if name not in ALLOWED_WITHOUT_TEST_MODULE and not _has_test_module(path))
    assert not missing, ("no test module mirrors these (add tests/<package>/.../test_<module>.py):\n"
                         + "\n".join(missing))
    stale = sorted(name for name in ALLOWED_WITHOUT_TEST_MODULE
                   if name not in sources or _has_test_module(sources[name]))
    assert not stale, ("allowed without a test module but gone or mirrored now; drop from the list:\n"
                       + "\n".join(stale))


def test_the_walk_of_one_job_names_functions_that_exist():
    """The architecture document walks one job as `file.py::function`; each must be there."""
    import re

    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    walk = text.split("One job, file by file:", 1)[1].split("\n\n", 1)[0]
    named = re.findall(r"`([\w/]+\.py)::(\w+)`", walk)
    assert len(named) >= 10
    missing = [f"{path}::{name}" for path, name in named
               if not any(isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name
                          for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))))]
    assert not missing, missing
