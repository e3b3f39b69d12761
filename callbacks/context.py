"""What callbacks need from the running app, reached through Flask's ``current_app``
(so that nothing imports ``app``)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from dashboard.service import DataService
from dashboard.settings import Settings

EXTENSION = "zhangqiu_dashboard"


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    service: DataService


def runtime() -> Runtime:
    return current_app.extensions[EXTENSION]


def service() -> DataService:
    return runtime().service


def filter_from_state(svc: DataService, state: dict):
    """The Filter a page's stored filter state stands for, or (None, the Chinese reason why not)."""
    from dashboard.indicators import FilterError
    from dashboard.query import parse_query, resolve

    if state.get("error"):
        return None, state["error"]
    try:
        with svc.store.engine.connect() as conn:
            return resolve(conn, parse_query(state.get("query"))), None
    except FilterError as exc:
        return None, str(exc)
