"""What callbacks need from the running app, reached through Flask's ``current_app`` and ``g``
(so that nothing imports ``app``): the settings, the data service and who is asking."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g

from dashboard.access import Principal, check_link_query
from dashboard.access.principal import resolve_scoped
from dashboard.indicators import Filter, FilterError
from dashboard.query import parse_query
from dashboard.service import DataService
from dashboard.settings import Settings

EXTENSION = "zhangqiu_dashboard"


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    service: DataService
    secret: bytes = b""


def runtime() -> Runtime:
    return current_app.extensions[EXTENSION]


def service() -> DataService:
    return runtime().service


def principal() -> Principal | None:
    """Who is asking (set by ``callbacks.auth`` before any callback runs); None outside a request."""
    return g.get("principal")


def may_see_names() -> bool:
    """Whether the page being built may show people's names: a principal allowed ``view:names``
    (never a signed link; the big screen never asks)."""
    p = principal()
    return p is not None and p.may("view:names")


def refusal(action: str, target: str | None = None) -> str | None:
    """None if the current principal may do ``action`` (on ``target``, for links), else why not, in Chinese."""
    p = principal()
    if p is None:
        return "请先登录"
    if not p.may(action):
        return f"{p.role_name}无权访问此内容"
    if target is not None and not p.opens(target):
        return "此链接不能打开这个页面"
    return None


def filter_from_state(svc: DataService, state: dict, action: str, target: str | None = None
                      ) -> tuple[Filter | None, str | None]:
    """The Filter a page's stored filter state stands for, checked against who is asking, or
    (None, the Chinese reason why not). The state comes from the browser: it is never trusted."""
    if state.get("error"):
        return None, state["error"]
    why = refusal(action, target)
    if why:
        return None, why
    try:
        check_link_query(principal(), state.get("query") or "")
        return asked_filter(svc, state.get("query")), None
    except FilterError as exc:
        return None, str(exc)


def asked_filter(svc: DataService, query: str | dict | None) -> Filter:
    """The filter a query string asks for, within what the current principal may see
    (:class:`FilterError` in Chinese when it asks for more)."""
    with svc.store.engine.connect() as conn:
        return resolve_scoped(conn, principal(), parse_query(query))


class Callbacks:
    """A module's callbacks, recorded by ``@callbacks.callback(...)`` and given to each app by
    :meth:`register` (Dash's global ``dash.callback`` hands them to the first app made in a
    process only)."""

    def __init__(self) -> None:
        self._server: list[tuple[tuple, dict, object]] = []
        self._client: list[tuple[tuple, dict]] = []

    def callback(self, *args, **kwargs):
        def record(fn):
            self._server.append((args, kwargs, fn))
            return fn
        return record

    def clientside(self, *args, **kwargs) -> None:
        self._client.append((args, kwargs))

    def register(self, app) -> None:
        for args, kwargs, fn in self._server:
            app.callback(*args, **kwargs)(fn)
        for args, kwargs in self._client:
            app.clientside_callback(*args, **kwargs)
