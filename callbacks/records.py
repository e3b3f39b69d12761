"""明细 pages (``/records/<kind>?<filter>&<selectors>&page=&sort=&desc=&q=``) and their .xlsx
download: read the query, ask the core for one page of records within the asker's scope, and
hand it to :mod:`layouts.records`."""
from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode

from callbacks.context import asked_filter, principal, service
from dashboard.export import is_demo
from dashboard.indicators import FilterError
from dashboard.indicators.filters import Filter
from dashboard.query import KNOWN_KEYS
from dashboard.records import MAX_SEARCH, Drill

log = logging.getLogger("dashboard.records")

PAGE_KEYS = ("page", "sort", "desc", "q")  # the list's own parameters; the rest are filter and selectors
PAGE_SIZE = 50
DOWNLOAD_PATH = "/data/records/"  # /data/records/<kind>.xlsx?…: a download of ledger data (export:data)


def _params(search: str) -> dict[str, list[str]]:
    return parse_qs((search or "").lstrip("?"), keep_blank_values=False)


def _one(params: dict[str, list[str]], key: str) -> str:
    values = params.get(key) or [""]
    return values[-1].strip()


def _page_number(raw: str) -> int:
    if not raw:
        return 1
    if not raw.isdigit() or len(raw) > 6:
        raise FilterError(f"页码须为正整数,收到“{raw[:20]}”")
    return max(1, int(raw))


def _filter_query(params: dict[str, list[str]]) -> str:
    """The page filter's part of a list's query (what the overview understands too)."""
    return urlencode({k: v for k, v in params.items() if k in KNOWN_KEYS}, doseq=True)


def _asked(kind: str, params: dict[str, list[str]]) -> tuple[Drill, Filter, dict[str, list[str]]]:
    """The list a query asks for, within the asker's scope: (drill, filter, the query without the
    list's own parameters). :class:`FilterError` in Chinese."""
    list_query = {k: v for k, v in params.items() if k not in PAGE_KEYS}
    drill = Drill.from_query({"kind": kind, **list_query})
    return drill, asked_filter(service(), _filter_query(params)), list_query


def records_content(kind: str, search: str) -> dict:
    """What the 明细 page shows: a page of records, or a Chinese message why not."""
    params = _params(search)
    filter_query = _filter_query(params)
    back = f"/?{filter_query}" if filter_query else "/"
    p = principal()
    names = p.may("view:names")
    try:
        drill, f, list_query = _asked(kind, params)
        words = _one(params, "q")
        if len(words) > MAX_SEARCH:
            raise FilterError(f"搜索词最多 {MAX_SEARCH} 个字")
        sort = _one(params, "sort") or None
        descending = _one(params, "desc") == "1"
        rp = service().records(drill, f, sort=sort, descending=descending, search=words,
                               page=_page_number(_one(params, "page")), size=PAGE_SIZE, personal=names)
    except FilterError as exc:  # DrillError too
        return {"error": str(exc), "back": back}
    except Exception:
        log.exception("records page failed")
        return {"error": "无法读取看板数据库,请稍后重试。", "back": back}

    def href(**changed) -> str:
        state = {"page": str(rp.page), "sort": sort or "", "desc": "1" if descending else "", "q": words}
        state.update({k: ("1" if v is True else "" if v is False else str(v)) for k, v in changed.items()})
        pairs = [(k, v) for k, values in list_query.items() for v in values]
        pairs += [(k, v) for k, v in state.items() if v and not (k == "page" and v == "1")]
        return f"/records/{kind}?{urlencode(pairs)}"

    hidden = dict(list_query)
    if sort:
        hidden["sort"] = [sort]
        if descending:
            hidden["desc"] = ["1"]
    may_download = p.may("export:data") and names
    return {"page": rp, "sort": sort, "descending": descending, "search": words, "href": href, "hidden": hidden,
            "back": back, "names_hidden": not names, "demo": is_demo(service()),
            "download": f"{DOWNLOAD_PATH}{kind}.xlsx?{urlencode(list_query, doseq=True)}" if may_download else None}


def records_workbook(kind: str, search: str) -> bytes:
    """The whole list in the ledger's own columns. Names are in it, so it needs the right to see
    them as well as to export data (:class:`Forbidden`); a wrong query raises :class:`FilterError`."""
    principal().require("view:names")
    drill, f, _ = _asked(kind, _params(search))
    return service().records_workbook(drill, f)
