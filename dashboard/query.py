"""Filters in the URL: ``/?street=370114001000&street=…&branch=12&period=2026&as_of=…``.

The same query string drives the staff page, the big screen, embedded panels and exports.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import parse_qs, urlencode

from sqlalchemy.engine import Connection

from dashboard.indicators.filters import Filter, FilterError, resolve_filter, resolve_streets

FIRST_YEAR = 2013
ALL_BRANCHES = "all"  # the branch control's "全部党组织"
KNOWN_KEYS = {"street", "branch", "period", "from", "to", "as_of", "rotate", "width", "height", "scale", "preset", "theme"}


@dataclass(frozen=True)
class FilterArgs:
    """What a user asked for, before it is checked against the store."""
    streets: tuple[str, ...] = ()
    branch: str | None = None
    period: str = "12m"  # 12m | year | YYYY | custom
    start: dt.date | None = None
    end: dt.date | None = None
    as_of: dt.date | None = None
    ignored: tuple[str, ...] = field(default=(), compare=False)

    def to_query(self) -> str:
        """The canonical query string (defaults left out), with a leading ``?`` or empty."""
        pairs: list[tuple[str, str]] = [("street", s) for s in self.streets]
        if self.branch:
            pairs.append(("branch", self.branch))
        if self.period != "12m":
            pairs.append(("period", self.period))
        if self.period == "custom":
            pairs += [("from", self.start.isoformat()), ("to", self.end.isoformat())]
        if self.as_of:
            pairs.append(("as_of", self.as_of.isoformat()))
        return "?" + urlencode(pairs) if pairs else ""


def _parse_day(key: str, raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise FilterError(f"参数 {key} 不是有效日期:“{raw}”(格式:YYYY-MM-DD)") from None


def parse_query(search: str | dict | None) -> FilterArgs:
    """Parse a query string (or Dash's keyword arguments) into :class:`FilterArgs`."""
    if isinstance(search, dict):
        params = {k: v if isinstance(v, list) else [v] for k, v in search.items()}
    else:
        params = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    streets: list[str] = []
    for value in params.get("street", []):
        streets += [s for s in re.split(r"[,,]", value) if s.strip()]
    branch = (params.get("branch") or [None])[-1]
    period = (params.get("period") or ["12m"])[-1].strip() or "12m"
    start = end = None
    if period == "custom" or "from" in params or "to" in params:
        if "from" not in params or "to" not in params:
            raise FilterError("自定义期间须同时给出 from 和 to 两个日期")
        start, end = _parse_day("from", params["from"][-1]), _parse_day("to", params["to"][-1])
        period = "custom"
    elif period not in ("12m", "year") and not re.fullmatch(r"\d{4}", period):
        raise FilterError(f"未知的统计期间:“{period}”(可选:12m、year、四位年份或 custom)")
    as_of = _parse_day("as_of", params["as_of"][-1]) if params.get("as_of") else None
    ignored = tuple(sorted(set(params) - KNOWN_KEYS))
    return FilterArgs(tuple(dict.fromkeys(s.strip() for s in streets)), branch.strip() if branch else None,
                      period, start, end, as_of, ignored)


def resolve(conn: Connection, args: FilterArgs, today: dt.date | None = None) -> Filter:
    """Check the arguments against the store; raise :class:`FilterError` in Chinese if they don't fit."""
    today = today or dt.date.today()
    as_of, start, end, period = args.as_of, args.start, args.end, args.period
    if re.fullmatch(r"\d{4}", period):
        year = int(period)
        if not FIRST_YEAR <= year <= today.year:
            raise FilterError(f"年份 {year} 不在 {FIRST_YEAR}–{today.year} 之间")
        as_of = as_of or min(today, dt.date(year, 12, 31))
        start, end, period = dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of), "custom"
    elif period == "custom":
        as_of = as_of or min(today, end)
    earliest = dt.date(FIRST_YEAR, 1, 1)
    for name, day in (("截至日", as_of), ("起始日", start), ("截止日", end)):
        # outside the ledgers' years a day is a typing slip, and year 1 or 9999 breaks date arithmetic
        if day is not None and not earliest <= day <= today:
            raise FilterError(f"{name} {day.isoformat()} 须在 {earliest.isoformat()} 至今天({today.isoformat()})之间")
    return resolve_filter(conn, streets=args.streets, branch=args.branch, as_of=as_of or today,
                          start=start, end=end, period=period)


def args_from_controls(streets, branch, period, start, end, as_of) -> FilterArgs:
    """The staff page's controls as :class:`FilterArgs` (dates come as ISO strings or None)."""
    def day(value):
        return dt.date.fromisoformat(value[:10]) if value else None

    period = period or "12m"
    start_day, end_day = day(start), day(end)
    if period == "custom" and (start_day is None or end_day is None):
        # switching to a custom range starts from the last 12 months, ready to be edited
        from dashboard.indicators.filters import default_period

        start_day, end_day = default_period(day(as_of) or dt.date.today())
    if period != "custom":
        start_day = end_day = None
    return FilterArgs(tuple(streets or ()), str(branch) if branch not in (None, "", ALL_BRANCHES) else None,
                      period, start_day, end_day, day(as_of))


def parse_qs_kwargs(search: str | None) -> dict[str, str | list[str]]:
    """A query string as layout keyword arguments (repeated keys become lists)."""
    out: dict[str, str | list[str]] = {}
    for key, values in parse_qs((search or "").lstrip("?")).items():
        out[key] = values if len(values) > 1 or key == "street" else values[0]
    return out


def canonical(conn: Connection, args: FilterArgs) -> FilterArgs:
    """The same arguments with streets given by name turned into their codes."""
    return replace(args, streets=resolve_streets(conn, args.streets)) if args.streets else args


def args_of(f: Filter) -> FilterArgs:
    """A resolved filter as the arguments that give it again (streets by code, the branch by id,
    the period as its days)."""
    return FilterArgs(f.streets, str(f.branch_id) if f.branch_id is not None else None, "custom", f.start, f.end,
                      f.as_of)


RECORDS_PATH = "/records/"


@lru_cache(maxsize=512)
def _filter_query(f: Filter, street: str | None) -> str:
    # a page's tables link every cell (a street × four columns…) under the same filter: made once
    args = args_of(f)
    if street is not None:  # one street's records: the filter narrows to it, and says it once
        args = replace(args, streets=(street,))
    return args.to_query()


def records_href(link: dict, f: Filter) -> str:
    """The URL of the records list ``link`` names (``{"kind": …, **selectors}``) under filter ``f``."""
    query = _filter_query(f, str(link["street"]) if "street" in link else None)
    selectors = [(key, str(value)) for key, value in link.items() if key not in ("kind", "street") and value is not None]
    extra = urlencode(selectors) if selectors else ""
    return f"{RECORDS_PATH}{link['kind']}{query}{('&' if query else '?') + extra if extra else ''}"
