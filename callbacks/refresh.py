"""The cheap change check shared by the pages: one single-row read per interval."""
from __future__ import annotations

from dash import no_update

from callbacks.context import service


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
