"""`make screenshots`: PNGs of the QA desk and the production floor with real jobs, into docs/screenshots/.

Starts a real `printline api` on a fresh embedded stack (tests/browser/stack.py), renders a few generated
photos through the worker's code, and photographs the pages in Debian's Chromium (Playwright).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.stack import CHROMIUM, launch_chromium, start

OUT = ROOT / "docs" / "screenshots"


def _seed(stack) -> None:
    # for QA: real renders whose preflight warns or fails (low resolution at print size)
    for n, (product, size, name, country) in enumerate([
            ("poster-30x40", (1800, 2400), "Anna Muster", "DE"), ("poster-20x30", (600, 800), "Jonas Weber", "AT"),
            ("poster-40x60", (1600, 2400), "Lea Fischer", "DE"), ("poster-20x30", (900, 1200), "Tom Bauer", "DE")]):
        job = stack.order(f"MP-2026-0012{n:02d}", product=product, size=size, name=name, country=country)
        stack.render(job)
    # for production: real renders, approved by QA (verdict ok ones are approved by preflight)
    for n, (product, quantity, name, country) in enumerate([
            ("poster-50x70", 1, "Marie Schmidt", "DE"), ("poster-50x70", 3, "Paul Huber", "AT"),
            ("poster-30x40", 2, "Sophie Meier", "DE"), ("canvas-40x30", 1, "Lukas Keller", "DE"),
            ("poster-30x40", 1, "Emma Wolf", "DE")]):
        job = stack.order(f"MP-2026-0013{n:02d}", product=product, quantity=quantity, name=name, country=country,
                          size=(1200, 1600) if product != "canvas-40x30" else (1600, 1200))
        if stack.render(job) == "qa_pending":
            stack.act("approve", job)
    printed = stack.order("MP-2026-001399", product="poster-20x30", name="Ben Schulz")
    stack.render(printed)
    if stack.job(printed)["state"] == "qa_pending":
        stack.act("approve", printed)
    stack.act("mark_printed", printed, role="production")
    stack.fail(stack.order("MP-2026-001398", name="Mia Koch"), "The photo is a truncated JPEG; upload it again.")


def _wait(page, expression: str) -> None:
    for _ in range(100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)


def _sign_in(page, stack, path: str, role: str) -> None:
    page.goto(stack.base + path)
    page.locator("#login-key").fill(stack.keys[role])
    page.keyboard.press("Enter")
    _wait(page, "!document.body.classList.contains('signed-out')")


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        stack = start(Path(tmp))
        try:
            _seed(stack)
            with sync_playwright() as p:
                browser = launch_chromium(p)
                desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
                page = desk.new_page()
                _sign_in(page, stack, "/qa", "qa")
                _wait(page, "document.getElementById('mode').textContent.includes('soft proof')")
                page.wait_for_timeout(800)
                page.screenshot(path=OUT / "qa-desk.png")
                page.keyboard.press("z")
                page.keyboard.press("Shift+K")
                page.keyboard.press("Shift+H")
                page.wait_for_timeout(1200)
                page.screenshot(path=OUT / "qa-zoom-1to1.png")
                page.keyboard.press("z")
                page.keyboard.press("r")
                page.keyboard.press("2")
                page.wait_for_timeout(300)
                page.screenshot(path=OUT / "qa-reject.png")
                page.keyboard.press("Escape")
                tablet = browser.new_context(viewport={"width": 820, "height": 1180}, locale="de-DE",
                                             device_scale_factor=1, has_touch=True)
                tab = tablet.new_page()
                _sign_in(tab, stack, "/qa", "qa")
                _wait(tab, "document.getElementById('mode').textContent.includes('Softproof')")
                tab.wait_for_timeout(800)
                tab.screenshot(path=OUT / "qa-tablet-de.png")

                floor = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
                page = floor.new_page()
                _sign_in(page, stack, "/production", "production")
                _wait(page, "document.querySelectorAll('#rows tr[data-job]').length > 0")
                boxes = page.locator("#rows input[type=checkbox]")
                for i in range(min(3, boxes.count())):
                    boxes.nth(i).check()
                page.screenshot(path=OUT / "production.png")
                page.locator("[data-state=printed]").click()
                page.locator("#all").check()
                page.locator("#b-shipped").click()
                page.locator("#tracking-0").fill("00340434161094042557")
                page.wait_for_timeout(200)
                page.screenshot(path=OUT / "production-ship.png")
                browser.close()
        finally:
            stack.stop()
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
