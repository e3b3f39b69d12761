"""The cheap change check shared by the pages: one single-row read per interval."""
from __future__ import annotations

from dash import no_update

from callbacks.context import service
from dashboard import wording
from layouts import components


def poll_version(current: dict | None):
    """The new version record, or ``no_update`` when nothing changed (so no panel is rebuilt).
    When the store cannot be reached, the last record is kept and marked ``ok: False``."""
    try:
        v = service().version()
    except Exception:  # noqa: BLE001 - any store failure means "unreachable" to the screen
        if current and current.get("ok", True):
            return {**current, "ok": False}
        return no_update
    if current and current.get("version") == v.version and current.get("ok", True):
        return no_update
    return v.record()


def status_marks(svc, version: dict) -> dict:
    """The header's 数据更新于 text and 演示数据 mark for a store version record (the staff page and the screen)."""
    return {"updated": wording.updated_text(components.parse_changed_at(version.get("changed_at"))),
            "demo": components.demo_mark(svc.store.demo_info() is not None)}
