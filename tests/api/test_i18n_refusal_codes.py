"""The refusals of the order and render code against the API's catalogues, read from the code itself.

Every `FieldError(...)` / `OrderRejected(...)` the code builds (found with `ast`, so a new one cannot
be forgotten) must name a literal kebab-case `code`; each code needs the text `domain-{code}` in every
language of `api/locales`, and a text may only use placeholders its raisers supply. A refusal without
a code would reach a German customer in English; a placeholder the raiser does not give would make
the API fall back to English for every language.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

from api import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "orders", "printfiles", "printline", "profiles", "queues", "records", "render", "storage",
            "vocab")
CLASSES = {"FieldError", "OrderRejected"}
Assigned = dict[str, list[tuple[int, ast.expr]]]  # local name -> (line, value) of each assignment
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Refusals still without a code, in files outside this change; each must disappear from here once its
# file gives them one (the test fails when a listed one no longer exists, so the list only shrinks).
UNCODED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Raiser:
    where: str  # path:line
    function: str
    code: str | None  # None: no literal code
    values: frozenset[str] | None  # None: values not readable from the code


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _dict_keys(node: ast.expr | None, assigned: Assigned, line: int) -> frozenset[str] | None:
    """The keys of a `{...}` literal, or of the literal a local name was last given before `line`;
    none for no argument at all, None when the code does not show them (a parameter, a call)."""
    if node is None:
        return frozenset()
    if isinstance(node, ast.Name):
        earlier = [(at, value) for at, value in assigned.get(node.id, []) if at < line]
        if not earlier:
            return None
        node = max(earlier, key=lambda pair: pair[0])[1]
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
        return frozenset(k.value for k in node.keys)
    return None


def _argument(call: ast.Call, keyword: str, position: int) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def _values(call: ast.Call, assigned: Assigned) -> frozenset[str] | None:
    if _name(call.func) == "FieldError":
        return _dict_keys(_argument(call, "values", 3), assigned, call.lineno)
    names = {kw.arg for kw in call.keywords if kw.arg not in (None, "code")}
    for kw in call.keywords:
        if kw.arg is None:  # **{...}
            keys = _dict_keys(kw.value, assigned, call.lineno)
            if keys is None:
                return None
            names |= keys
    return frozenset(names)


def _forwards(call: ast.Call) -> bool:
    """`FieldError(exc.field, exc.message, exc.code, exc.values)`: a refusal passed on, not raised."""
    code, message = _argument(call, "code", 2), _argument(call, "message", 1)
    return isinstance(code, ast.Attribute) and isinstance(message, ast.Attribute)


def _own(scope: ast.AST):
    """The nodes of a module or function, without those of the functions defined inside it."""
    for child in ast.iter_child_nodes(scope):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield child
            yield from _own(child)


def raisers(source: str, path: str) -> list[Raiser]:
    """Every refusal built in `source`, with its code and the names of the values it supplies."""
    found = []
    tree = ast.parse(source)
    scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]
    for scope in scopes:
        nodes = list(_own(scope))
        assigned: Assigned = {}
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append((node.lineno, node.value))
        for call in nodes:
            if not (isinstance(call, ast.Call) and _name(call.func) in CLASSES) or _forwards(call):
                continue
            code = _argument(call, "code", 2)
            literal = code.value if isinstance(code, ast.Constant) and isinstance(code.value, str) else None
            name = getattr(scope, "name", "<module>")
            found.append(Raiser(f"{path}:{call.lineno}", name, literal, _values(call, assigned)))
    return sorted(found, key=lambda r: (r.where, r.code or ""))


def placeholders(template: str) -> set[str]:
    return {re.split(r"[.\[]", name)[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def problems(found: list[Raiser], catalogues: dict[str, dict]) -> list[str]:
    """What a customer would get wrong: no code, a code with no text in a language, a text that needs
    a value the raiser does not give."""
    out = []
    for r in found:
        if r.code is None:
            if (r.where.split(":")[0], r.function) not in UNCODED:
                out.append(f"{r.where}: a refusal without a literal code")
            continue
        if not KEBAB.match(r.code):
            out.append(f"{r.where}: code {r.code!r} is not kebab-case")
        for language, texts in catalogues.items():
            text = texts.get("error", {}).get(f"domain-{r.code}")
            if text is None:
                out.append(f"{r.where}: no text domain-{r.code} in {language}.toml")
            elif r.values is None:
                out.append(f"{r.where}: the values of {r.code!r} cannot be read from the code")
            elif missing := placeholders(text) - r.values:
                out.append(f"{r.where}: {language}.toml domain-{r.code} uses {sorted(missing)}, "
                           f"not supplied (supplied: {sorted(r.values)})")
    return out


def _project() -> list[Raiser]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found += raisers(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return found


@pytest.fixture(scope="module")
def project() -> list[Raiser]:
    return _project()


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict]:
    return {language: i18n.catalogue(language) for language in i18n.LANGUAGES}


def test_every_refusal_has_a_code_with_a_text_in_every_language(project, catalogues):
    assert problems(project, catalogues) == []


def test_the_scan_reads_the_real_raisers(project):
    """Guards the scan itself: the refusals of plan, validation and pricing are seen, with their values."""
    by_code = {r.code: r for r in project}
    assert by_code["crop-aspect-mismatch"].where.startswith("render/plan.py")
    assert by_code["crop-aspect-mismatch"].values == {"aspect", "expected", "width_mm", "height_mm"}
    assert by_code["unknown-product"].where.startswith("orders/validation.py")
    assert by_code["wrong-currency"].values == {"market", "currency", "expected"}
    assert by_code["unknown-slot"].values == {"product", "slot", "slots"}  # a dict given by name
    assert len({r.code for r in project if r.code}) >= 29


def test_every_domain_text_has_a_raiser(project, catalogues):
    """A text whose code nothing raises is a typo in a code, or a dead text."""
    raised = {f"domain-{r.code}" for r in project if r.code}
    texts = {key for key in catalogues["en"]["error"] if key.startswith("domain-")}
    assert texts - raised == set()


def test_known_uncoded_refusals_still_exist(project):
    """Once orders/vat.py codes its refusals, `UNCODED` must lose them (so it never hides a new one)."""
    uncoded = {(r.where.split(":")[0], r.function) for r in project if r.code is None}
    assert UNCODED <= uncoded


SLOPPY = '''
def check(order, markets, product):
    if order.x:
        raise OrderRejected("market", "English only")
    if order.y:
        raise OrderRejected("currency", "wrong", code="wrong-currency", market=order.market,
                            currency=order.currency)
    values = {"product": product}
    errors = [FieldError("image", "no slot", code="no-photo-slot", values=values),
              FieldError("image", "?", code="no-such-code", values={}),
              FieldError("image", "?", code=f"upload-{order.state}"),
              FieldError("images", "?", code="slot-taken", values=order.values())]
    return FieldError(e.field, e.message, e.code, e.values), errors
'''


def test_the_check_catches_each_kind_of_mistake(catalogues):
    found = problems(raisers(SLOPPY, "x.py"), catalogues)
    assert len([p for p in found if "without a literal code" in p]) == 2  # no code; a computed one
    assert len([p for p in found if "uses ['expected']" in p]) == len(i18n.LANGUAGES)  # market given only
    assert len([p for p in found if "no text domain-no-such-code" in p]) == len(i18n.LANGUAGES)
    assert len([p for p in found if "values of 'slot-taken' cannot be read" in p]) == len(i18n.LANGUAGES)
    assert not [p for p in found if "no-photo-slot" in p]  # supplied by name, texts complete
    assert len(found) == 2 + 3 * len(i18n.LANGUAGES)
