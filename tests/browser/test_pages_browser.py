"""The QA desk and the production floor in a real browser (Debian's Chromium driven by Playwright) against a
real `printline api` process: the QA desk by keyboard alone, production's bulk steps, and the key handling.
States are read back through the API. Skips without Chromium or Playwright (fails under CI=true)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.browser.stack import CHROMIUM, launch_chromium, start
from tests.conftest import unavailable

pytestmark = pytest.mark.integration
UNDO_MS = 700


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is not installed at {CHROMIUM} (Debian package chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    stack = start(tmp_path_factory.mktemp("pages"))
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def browser(stack):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _sign_in(page, stack, path: str, role: str) -> None:
    page.goto(stack.base + path)
    page.locator("#login-key").focus()
    page.keyboard.type(stack.keys[role])
    page.keyboard.press("Enter")
    _until(page, "!document.body.classList.contains('signed-out')")


def _until(page, expression: str, timeout_ms: int = 10_000) -> None:
    """Poll a JavaScript expression (the pages' CSP forbids eval, which wait_for_function needs)."""
    for _ in range(timeout_ms // 100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def _wait_state(stack, job_id: str, state: str, page) -> dict:
    for _ in range(50):
        job = stack.job(job_id)
        if job["state"] == state:
            return job
        page.wait_for_timeout(100)
    raise AssertionError(f"{job_id} is {job['state']}, not {state}")


def test_qa_desk_by_keyboard_alone(stack, page):
    jobs = [stack.order(f"MP-2026-00050{n}") for n in range(3)]
    assert [stack.render(j) for j in jobs] == ["qa_pending"] * 3  # 68 ppi on 20 x 30 cm: QA must look
    _sign_in(page, stack, f"/qa?undo_ms={UNDO_MS}", "qa")
    _until(page, "document.getElementById('counts').textContent.startsWith('3 ')")
    assert page.evaluate("document.activeElement.id") == "stage"
    _until(page, "document.getElementById('mode').textContent.includes('soft proof')")

    with page.expect_response(lambda r: "/proof/0/tiles/12/" in r.url and r.status == 200):
        page.keyboard.press("z")  # 1:1 print pixels: tiles of the last level
    assert "1:1" in page.locator("#mode").text_content()
    page.keyboard.press("+")
    assert "200 %" in page.locator("#mode").text_content()
    page.keyboard.press("-")
    page.keyboard.press("z")
    assert "fit" in page.locator("#mode").text_content()
    page.keyboard.press("s")
    _until(page, "document.getElementById('mode').textContent.includes('original')")
    page.keyboard.press("s")

    first = page.locator("#job-head h2").text_content()
    page.keyboard.press("j")
    _until(page, f"(document.querySelector('#job-head h2') || {{}}).textContent !== {first!r}")
    page.keyboard.press("k")
    _until(page, f"(document.querySelector('#job-head h2') || {{}}).textContent === {first!r}")

    page.keyboard.press("a")  # the oldest job: approved after the undo delay
    _wait_state(stack, jobs[0], "approved", page)

    page.keyboard.press("r")
    page.wait_for_selector("#reject-dialog[open]")
    page.keyboard.press("2")
    page.keyboard.press("Tab")
    page.keyboard.type("soft at 1:1")
    page.keyboard.press("Enter")
    rejected = _wait_state(stack, jobs[1], "rejected", page)
    assert rejected["reason"] == "Blurry or too low resolution: soft at 1:1"
    assert page.evaluate("document.activeElement.id") == "stage"

    page.keyboard.press("a")
    page.keyboard.press("u")  # undone before it was sent
    page.wait_for_timeout(UNDO_MS + 600)
    assert stack.job(jobs[2])["state"] == "qa_pending"
    assert "1 waiting" in page.locator("#counts").text_content()
    assert page.evaluate("document.activeElement.id") == "stage"


def test_qa_desk_refuses_other_roles_and_forgets_bad_keys(stack, page):
    page.goto(stack.base + "/qa")
    page.locator("#login-key").fill(stack.keys["production"])
    page.keyboard.press("Enter")
    _until(page, "document.getElementById('login-msg').textContent.includes('qa role')")
    assert page.evaluate("sessionStorage.getItem('printline-key')") is None
    page.locator("#login-key").fill("pl_not-a-key")
    page.keyboard.press("Enter")
    _until(page, "document.getElementById('login-msg').textContent.includes('forgotten')")
    assert page.evaluate("sessionStorage.getItem('printline-key')") is None


def test_production_bulk_download_print_ship_retry(stack, page):
    jobs = [stack.order(f"MP-2026-00060{n}", quantity=n + 1, name=f"Kunde {n}") for n in range(3)]
    for job_id in jobs:
        stack.stand_in(job_id, verdict="ok")
    failed = stack.order("MP-2026-000699")
    stack.fail(failed)
    _sign_in(page, stack, "/production", "production")
    page.wait_for_selector(f"tr[data-job='{jobs[0]}']")
    assert "Kunde 0" in page.locator(f"tr[data-job='{jobs[0]}']").text_content()

    for job_id in jobs[:2]:
        page.locator(f"input[data-job='{job_id}']").check()
    page.locator("#b-download").click()
    page.wait_for_selector("#confirm[open]")
    with page.expect_download() as info:
        page.locator("#confirm-ok").click()
    data = Path(info.value.path()).read_bytes()
    assert sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) == [
        "MP-2026-000600-1-poster-20x30-x1.pdf", "MP-2026-000601-1-poster-20x30-x2.pdf"]

    page.locator("#b-printed").click()
    page.wait_for_selector("#confirm[open]")
    page.locator("#confirm-ok").click()
    for job_id in jobs[:2]:
        _wait_state(stack, job_id, "printed", page)
    assert stack.job(jobs[2])["state"] == "approved"

    page.locator("[data-state=printed]").click()
    page.locator("#all").check()
    page.locator("#b-shipped").click()
    page.wait_for_selector("#confirm[open]")
    page.locator("#tracking-0").fill("00340434161094042557")
    page.locator("#tracking-1").fill("00340434161094042558")
    page.locator("#confirm-ok").click()
    shipped = _wait_state(stack, jobs[0], "shipped", page)
    assert (shipped["carrier"], shipped["tracking_number"]) == ("DHL", "00340434161094042557")
    assert _wait_state(stack, jobs[1], "shipped", page)["tracking_number"] == "00340434161094042558"

    page.locator("[data-state=failed]").click()
    page.locator(f"tr[data-job='{failed}'] button").click()
    page.wait_for_selector("#confirm[open]")
    page.locator("#confirm-ok").click()
    _wait_state(stack, failed, "queued", page)


def test_production_forgets_a_refused_key(stack, page):
    _sign_in(page, stack, "/production", "production")
    page.evaluate("sessionStorage.setItem('printline-key', 'pl_revoked')")
    page.locator("#reload").click()
    _until(page, "document.getElementById('login-msg').textContent.includes('forgotten')")
    assert page.evaluate("sessionStorage.getItem('printline-key')") is None
    assert page.locator("#forget").is_visible()
