"""Browser-test fixtures for every shopper page: Debian's Chromium through Playwright, axe, screenshots.

Tests under tests/browser/ get them directly; elsewhere, import them into that directory's conftest:
`from tests.browser.conftest import axe_check, browser, page, page_without_js, screenshot  # noqa: F401`.

@pytest.mark.browser
def test_my_page(page, live_server, axe_check, screenshot):
    page.goto(f"{live_server.url}/casa-verde/returns/")
    screenshot(page, "returns-portal")          # tests/artifacts/returns-portal-390.png and -1280.png
    assert axe_check(page) == []                # no serious or critical violations
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
WIDTHS = (390, 1280)
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module.

    Not per session: Playwright's sync API keeps an event loop marked as running in this thread while
    it lives, which breaks the ORM in every later test and any other suite's own Playwright. pytest
    tears a module fixture down before the next module's tests run, so nothing else ever sees it.
    """
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        # CI installs Chromium first, so there a missing browser is a failure, never a quiet skip.
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # The ORM calls the tests make around the browser are plain synchronous set-up; only while the
    # loop lives does Django's async-safety guard need telling so, and never in a subprocess after.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_page(browser: Any, *, javascript: bool) -> Any:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh phone-sized page (JavaScript on, which axe needs; our pages ship none)."""
    context, tab = _new_page(browser, javascript=True)
    yield tab
    context.close()


@pytest.fixture
def page_without_js(browser: Any) -> Iterator[Any]:
    """A phone-sized page with JavaScript off, as the least capable shopper has it (axe cannot run here)."""
    context, tab = _new_page(browser, javascript=False)
    yield tab
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page, each as {id, impact, help, targets}."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]


@pytest.fixture
def axe_check() -> Callable[[Any], list[dict[str, Any]]]:
    """axe_check(page) → serious and critical violations; assert it is empty."""
    return axe_violations


@pytest.fixture
def screenshot() -> Callable[..., list[Path]]:
    """screenshot(page, name) → full-page PNGs at 390px and 1280px in tests/artifacts/."""

    def take(page: Any, name: str, widths: tuple[int, ...] = WIDTHS) -> list[Path]:
        ARTIFACTS.mkdir(exist_ok=True)
        original = page.viewport_size
        paths = []
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            path = ARTIFACTS / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        if original:
            page.set_viewport_size(original)
        return paths

    return take
