"""Fixtures of the dashboard's tests: one seeded site a session, one headless Chromium a
module, a fresh browser context (no cookies) a test, and a screenshot when a test fails."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.seed import COMMUNITY, Story, tell
from tests.web.site import Site, site_config

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("MODBOT_ARTIFACTS", ROOT / "tmp" / "artifacts"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"
ACCOUNTS = {"ada": "admin", "mona": "moderator", "vic": "viewer"}
# Flags a page's script cannot reach: set by an injected script or handler if one ran.
CANARY = """
window.__xss = 0;
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"report_{report.when}", report)


def screenshot_on_failure(node: pytest.Item, page: Any) -> Path | None:
    """Save the page as ARTIFACTS/<test name>.png when the test's call failed."""
    report = getattr(node, "report_call", None)
    if report is None or not report.failed:
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Story]]:
    """The seeded dashboard the browser tests share; each test uses its own rows of it."""
    running = Site(tmp_path_factory.mktemp("site"), site_config(COMMUNITY))
    story = running.call(tell(running))
    for name, role in ACCOUNTS.items():
        running.add_user(name, role, PASSWORD)
    yield running, story
    running.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module. Playwright's synchronous API keeps an event loop
    running in this thread while it is open, which `asyncio.run` and the async tests of
    other modules must not meet, so each browser module closes its own."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Chromium is missing: run `sh tools/system-deps.sh` first"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh context, with the XSS canary armed and every dialog recorded."""
    context = browser.new_context(accept_downloads=True)
    context.add_init_script(CANARY)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    opened.dialogs = []
    opened.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    yield opened
    try:
        screenshot_on_failure(request.node, opened)
    finally:
        context.close()


def sign_in(page: Any, site: Site, name: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{site.url}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(re.compile(r"/(playground|cases)$"))
