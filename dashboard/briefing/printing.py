"""The briefing as a PDF, printed by the system Chromium through Playwright (no browser download)."""
from __future__ import annotations

from collections.abc import Sequence

from dashboard.briefing.document import build_html
from dashboard.indicators import Filter

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def html_to_pdf(page_html: str, executable: str | None = None) -> bytes:
    """Print the page with Chromium (Playwright, the system browser; nothing downloaded).

    Runs on a thread of its own: Playwright's sync API refuses a thread whose asyncio loop is
    already running (a web server's, a test's browser session)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as pool:
        return pool.submit(_print_pdf, page_html, executable).result()


def _print_pdf(page_html: str, executable: str | None) -> bytes:
    from playwright.sync_api import sync_playwright

    from dashboard.export import RenderUnavailable, browser_path

    exe = executable or browser_path() or "/usr/bin/chromium"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                # nothing may leave the machine: the page has no external resources, and this proves it
                page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("data:", "about:"))
                           else route.continue_())
                page.set_content(page_html, wait_until="load")
                return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except Exception as exc:
        if "Executable doesn't exist" in str(exc) or "Failed to launch" in str(exc):
            raise RenderUnavailable(f"无法启动 Chromium 打印 PDF({exe}):{exc}") from exc
        raise


def build_pdf(svc, f: Filter, charts: Sequence[str] | None = None, version: int | None = None) -> bytes:
    return html_to_pdf(build_html(svc, f, charts, version))


