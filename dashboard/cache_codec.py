"""The shared cache's wire format: JSON with a closed set of types, never pickle.

Whoever can write to the shared cache (Redis) chooses the bytes the app reads back, so reading
them must not run code or build arbitrary objects. A cached value is what a data source returns
(``dashboard.service.SOURCES`` and ``DataService.streets``): None, bool, int, float, str, lists,
tuples, dicts with str keys, ``datetime.date`` and the frozen dataclasses in :data:`DATACLASSES`.

The payload is ``{"fmt": "zq-cache", "v": 1, "value": <node>}``. Inside it, JSON arrays are
lists and JSON scalars are themselves; every JSON object is a tagged node with exactly one form:

- ``{"__tuple": [<node>, ...]}``: a tuple;
- ``{"__dict": {"key": <node>, ...}}``: a dict (its keys are strings);
- ``{"__d": "2020-07-01"}``: a ``datetime.date``;
- ``{"__float": "nan" | "inf" | "-inf"}``: a float that JSON cannot spell;
- ``{"__t": "SiteRow", "f": {"field": <node>, ...}}``: a dataclass of :data:`DATACLASSES`,
  made by calling it with exactly its init fields (so frozen dataclasses work).

A class is only ever looked up in that registry by its registered name: nothing is imported by
a name found in the data. :func:`decode` raises :class:`CacheDecodeError` on anything else
(invalid UTF-8 or JSON, another format or version, unknown tags, wrong fields); the service
treats that as a miss. A new format gets a new ``v``, and the old one then reads as a miss.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

from dashboard.attention import Attention, Item, Thresholds
from dashboard.indicators.breakdowns import ActivityRow, BranchOption, MemberStructure, SiteRow, StreetRow
from dashboard.indicators.care import BirthdayRow, Birthdays, ContactRow, ContactShare
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import Kpis, KpiValues
from dashboard.indicators.three_meetings import BranchMeetings
from dashboard.indicators.volunteering import Service, TalentPool, VolunteerService
from dashboard.reach.coverage import Coverage, GridCell, Share
from dashboard.reach.rules import ReachRules
from dashboard.reach.suggest import Suggestion, Suggestions

FORMAT = "zq-cache"
VERSION = 1
MAX_DEPTH = 32  # the sources nest four deep (Kpis → KpiValues → dict → int); more is not ours

#: The only classes a payload can name, by the name it uses. Add a class here when a source returns it.
DATACLASSES: dict[str, type] = {
    "Attention": Attention,
    "AttentionItem": Item,
    "Thresholds": Thresholds,
    "Kpis": Kpis,
    "KpiValues": KpiValues,
    "Filter": Filter,
    "StreetRow": StreetRow,
    "BranchOption": BranchOption,
    "SiteRow": SiteRow,
    "MemberStructure": MemberStructure,
    "ActivityRow": ActivityRow,
    "BranchMeetings": BranchMeetings,
    "VolunteerService": VolunteerService,
    "Service": Service,
    "TalentPool": TalentPool,
    # 关心照顾 (care)
    "ContactShare": ContactShare,
    "ContactRow": ContactRow,
    "Birthdays": Birthdays,
    "BirthdayRow": BirthdayRow,
    "ReachRules": ReachRules,
    "ReachCoverage": Coverage,
    "ReachShare": Share,
    "ReachGridCell": GridCell,
    "ReachSuggestions": Suggestions,
    "ReachSuggestion": Suggestion,
}
_NAMES: dict[type, str] = {cls: name for name, cls in DATACLASSES.items()}
_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class CacheEncodeError(TypeError):
    """The value holds something outside the closed set of types (a bug in a source, not in the data)."""


class CacheDecodeError(ValueError):
    """The bytes are not a cache entry this version wrote: read them as a miss."""


def _init_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def _enc(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise CacheEncodeError(f"nested deeper than {MAX_DEPTH}")
    t = type(value)
    if value is None or t is bool or t is int or t is str:
        return value
    if t is float:
        if math.isfinite(value):
            return value
        return {"__float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if t is list:
        return [_enc(v, depth + 1) for v in value]
    if t is tuple:
        return {"__tuple": [_enc(v, depth + 1) for v in value]}
    if t is dict:
        for k in value:
            if type(k) is not str:
                raise CacheEncodeError(f"dict key of type {type(k).__name__}, not str")
        return {"__dict": {k: _enc(v, depth + 1) for k, v in value.items()}}
    if t is dt.date:  # exactly a date: a datetime would lose its time
        return {"__d": value.isoformat()}
    if t in _NAMES:
        return {"__t": _NAMES[t], "f": {name: _enc(getattr(value, name), depth + 1) for name in _init_fields(t)}}
    raise CacheEncodeError(f"cannot cache a value of type {t.__module__}.{t.__qualname__}")


def encode(value: Any) -> bytes:
    """The payload for ``value``, or :class:`CacheEncodeError` if it holds a type outside the set."""
    body = {"fmt": FORMAT, "v": VERSION, "value": _enc(value, 0)}
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _short(x: Any) -> str:
    """Something from the payload, cut short for an error message (the payload is not ours)."""
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


def _only(node: dict, keys: set[str], what: str) -> None:
    if set(node) != keys:
        raise CacheDecodeError(f"{what} with keys {_short(sorted(node))}")


def _dec(node: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise CacheDecodeError(f"nested deeper than {MAX_DEPTH}")
    t = type(node)
    if node is None or t is bool or t is int or t is float or t is str:
        return node
    if t is list:
        return [_dec(v, depth + 1) for v in node]
    if t is not dict or len(node) == 0:
        raise CacheDecodeError(f"unexpected JSON value {_short(node)}")
    if "__tuple" in node:
        _only(node, {"__tuple"}, "tuple")
        items = node["__tuple"]
        if type(items) is not list:
            raise CacheDecodeError("tuple that is not a list")
        return tuple(_dec(v, depth + 1) for v in items)
    if "__dict" in node:
        _only(node, {"__dict"}, "dict")
        items = node["__dict"]
        if type(items) is not dict:
            raise CacheDecodeError("dict that is not an object")
        return {k: _dec(v, depth + 1) for k, v in items.items()}
    if "__d" in node:
        _only(node, {"__d"}, "date")
        text = node["__d"]
        try:
            day = dt.date.fromisoformat(text) if type(text) is str else None
        except ValueError:
            day = None
        if day is None or day.isoformat() != text:
            raise CacheDecodeError(f"bad date {_short(text)}")
        return day
    if "__float" in node:
        _only(node, {"__float"}, "float")
        name = node["__float"]
        if type(name) is not str or name not in _SPECIAL_FLOATS:
            raise CacheDecodeError(f"bad float {_short(name)}")
        return _SPECIAL_FLOATS[name]
    if "__t" in node:
        _only(node, {"__t", "f"}, "dataclass")
        name, values = node["__t"], node["f"]
        cls = DATACLASSES.get(name) if type(name) is str else None
        if cls is None:
            raise CacheDecodeError(f"type {_short(name)} is not one the cache holds")
        if type(values) is not dict or set(values) != set(_init_fields(cls)):
            raise CacheDecodeError(f"fields of {name} do not match")
        kwargs = {k: _dec(v, depth + 1) for k, v in values.items()}
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:  # a __post_init__ that checks its fields
            raise CacheDecodeError(f"{name} refused its fields: {exc}") from exc
    raise CacheDecodeError(f"unknown tag in {_short(sorted(node))}")


def _no_constants(name: str) -> None:
    raise CacheDecodeError(f"non-standard JSON constant {name}")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise CacheDecodeError("duplicate key in a JSON object")
    return out


def decode(raw: bytes | str) -> Any:
    """The value in a payload :func:`encode` wrote, or :class:`CacheDecodeError`."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else raw
        if type(text) is not str:
            raise CacheDecodeError(f"payload of type {type(raw).__name__}")
        body = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
    except CacheDecodeError:
        raise
    except UnicodeDecodeError as exc:
        raise CacheDecodeError("payload is not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise CacheDecodeError(f"payload is not JSON: {exc.msg} at {exc.pos}") from exc
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise CacheDecodeError(f"payload is not readable JSON: {_short(str(exc))}") from exc
    except RecursionError as exc:
        raise CacheDecodeError("payload nested too deep") from exc
    if type(body) is not dict or body.get("fmt") != FORMAT:
        raise CacheDecodeError("payload is not a cache entry")
    if body.get("v") != VERSION or type(body.get("v")) is not int:
        raise CacheDecodeError(f"cache format version {_short(body.get('v'))}, this app reads {VERSION}")
    if set(body) != {"fmt", "v", "value"}:
        raise CacheDecodeError(f"cache entry with keys {_short(sorted(body))}")
    return _dec(body["value"], 0)
