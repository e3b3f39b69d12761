"""Fixtures shared by the export and briefing tests."""
from __future__ import annotations

import shutil

import pytest

from dashboard import export
from dashboard.service import DataService


@pytest.fixture(scope="session")
def warm_renderer() -> export.Renderer:
    """Start the process's kaleido renderer once; skip (CI: fail) when it cannot run here."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        pytest.skip("kaleido is not installed (pip install kaleido)")
    if export.browser_path() is None and shutil.which("chromium") is None:
        pytest.skip("Chromium not found for kaleido (apt-get install chromium, or set BROWSER_PATH)")
    try:
        return export.renderer().start()
    except export.RenderUnavailable as exc:
        pytest.skip(f"kaleido/Chromium renderer cannot start: {exc}")


@pytest.fixture
def svc(report_store) -> DataService:
    return DataService(report_store)
