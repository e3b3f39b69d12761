"""明细 pages (``/records/<kind>?<filter>&<selectors>&page=&sort=&desc=&q=``) and their .xlsx
download: read the query, ask the core for one page of records within the asker's scope, and
hand it to :mod:`layouts.records`."""
from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode

from callbacks.context import asked_filter, principal, service
from dashboard.export import is_demo
from dashboard.indicators import FilterError
from dashboard.records import MAX_SEARCH, Drill, DrillError

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


def drill_of(kind: str, params: dict[str, list[str]]) -> Drill:
    return Drill.from_query({"kind": kind, **{k: v for k, v in params.items() if k not in PAGE_KEYS}})


def records_content(kind: str, search: str) -> dict:
    """What the 明细 page shows: a page of records, or a Chinese message why not."""
    params = _params(search)
    list_query = {k: v for k, v in params.items() if k not in PAGE_KEYS}
    filter_query = urlencode(list_query_filter(list_query), doseq=True)
    back = f"/?{filter_query}" if filter_query else "/"
    try:
        drill = drill_of(kind, params)
        words = _one(params, "q")
        if len(words) > MAX_SEARCH:
            raise FilterError(f"搜索词最多 {MAX_SEARCH} 个字")
        svc = service()
        f = asked_filter(svc, filter_query)
        sort = _one(params, "sort") or None
        descending = _one(params, "desc") == "1"
        names = principal().may("view:names")
        rp = svc.records(drill, f, sort=sort, descending=descending, search=words,
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
    may_download = principal().may("export:data") and names
    return {"page": rp, "sort": sort, "descending": descending, "search": words, "href": href, "hidden": hidden,
            "back": back, "names_hidden": not names, "demo": is_demo(svc),
            "download": f"{DOWNLOAD_PATH}{kind}.xlsx?{urlencode(list_query, doseq=True)}" if may_download else None}


def list_query_filter(list_query: dict[str, list[str]]) -> dict[str, list[str]]:
    """The page filter's part of a list's query (what the overview understands)."""
    from dashboard.query import KNOWN_KEYS

    return {k: v for k, v in list_query.items() if k in KNOWN_KEYS}


def records_workbook(kind: str, search: str) -> tuple[bytes | None, str]:
    """(the .xlsx, "") or (None, a Chinese reason): the whole list in the ledger's own columns.
    Names are in it, so it needs the right to see them as well as to export data."""
    if not principal().may("view:names"):
        return None, "无权下载含人员姓名的明细。"
    params = _params(search)
    try:
        drill = drill_of(kind, params)
        list_query = {k: v for k, v in params.items() if k not in PAGE_KEYS}
        svc = service()
        f = asked_filter(svc, urlencode(list_query_filter(list_query), doseq=True))
        return svc.records_workbook(drill, f), ""
    except (FilterError, DrillError) as exc:
        return None, str(exc)
