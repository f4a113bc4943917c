"""A real browser for the tests of kg serve's pages: Playwright driving the system's Chromium.

    from tests.browser import browsing, needs_browser
    from tests.test_serve import built, serving  # a store from examples/, the real kg serve

    @needs_browser
    def test_page(built):
        with serving(built) as server, browsing() as b:   # browsing(phone=True): a phone's viewport and touch
            b.page.goto(f"http://127.0.0.1:{server.port}/sparql")
            ...
            b.screenshot("sparql")            # build/screenshots/sparql.png
            assert b.fits_width()             # no sideways scrolling (phone=True above for a phone)
            assert not b.problems()           # console errors, page errors, requests off 127.0.0.1

Playwright's own browser download is not used (kg downloads nothing when it runs or is tested):
it drives Debian's ``chromium`` at /usr/bin/chromium, which ``make test`` installs with
apt-get where it can (root on Debian); without it the browser tests skip and say why. Every
request to a host other than 127.0.0.1 or localhost is recorded and refused, so a page that
would reach for a CDN fails its test instead of hanging on a network the tests do not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a common phone's CSS pixels


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return (f"no Chromium at {CHROMIUM}: `make test` installs it as root on Debian "
                "(apt-get install chromium fonts-noto-cjk); Playwright's browser download is not used")
    return None


needs_browser = pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))


@dataclass
class Browsing:
    """One browser tab and what went wrong in it."""

    page: Any  # playwright.sync_api.Page (imported only when a browser runs)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    off_host: list[str] = field(default_factory=list)  # URLs requested of another host (refused)

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        """The page as a PNG under build/screenshots/, for a person to look at."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def fits_width(self) -> bool:
        """The page does not scroll sideways. Measured against the viewport, not window.innerWidth:
        a phone widens its layout viewport to fit a page that overflows."""
        return self.page.evaluate("() => document.documentElement.scrollWidth") <= self.page.viewport_size["width"]

    def problems(self) -> list[str]:
        """Every console error, uncaught page error and off-host request so far, one line each."""
        return ([f"console: {m}" for m in self.console_errors] + [f"page error: {m}" for m in self.page_errors]
                + [f"off-host request: {u}" for u in self.off_host])


def _off_host(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss", "ftp") and (parts.hostname or "") not in LOCAL_HOSTS


@contextmanager
def browsing(phone: bool = False, timeout_ms: float = 15_000) -> Iterator[Browsing]:
    """A fresh Chromium tab (desktop viewport, or a phone's with touch), closed afterwards."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            context = chromium.new_context(viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone,
                                           device_scale_factor=2 if phone else 1, locale="zh-CN", service_workers="block")
            context.set_default_timeout(timeout_ms)
            page = context.new_page()
            seen = Browsing(page)
            page.on("console", lambda message: seen.console_errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: seen.page_errors.append(str(error)))

            def guard(route) -> None:
                if _off_host(route.request.url):
                    seen.off_host.append(route.request.url)
                    route.abort("blockedbyclient")
                else:
                    route.continue_()

            context.route("**/*", guard)
            yield seen
        finally:
            chromium.close()

