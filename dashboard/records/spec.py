"""What a kind of record is: its list columns, how it is searched and sorted, and its statement."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from dashboard.indicators.filters import Filter, FilterError, resolve_streets
from dashboard.records.drill import Drill, DrillError

ID = "_id"  # every list statement carries its record's id under this label (not shown)


@dataclass(frozen=True)
class Column:
    """A list column: its key (the statement's label, and the ``sort`` value), its Chinese
    label, and whether it names or otherwise identifies a person."""
    key: str
    label: str
    personal: bool = False
    blank_first: bool = False  # a blank sorts before every value (never contacted: the longest ago)


@dataclass(frozen=True)
class Kind:
    """A kind of record. ``rows(conn, f, drill)`` is the statement of the whole list: one row per
    record, labelled by the column keys and :data:`ID`; its row count is the figure's value.
    ``dated``: the list is of the period (else: as of the as-of day); ``district``: it ignores
    the street and branch filter, as the report figures do."""
    name: str
    noun: str
    columns: tuple[Column, ...]
    search: tuple[str, ...]
    sort: str
    rows: Callable[[Connection, Filter, Drill], Select]
    descending: bool = False
    dated: bool = False
    district: bool = False

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


def street_code(conn: Connection, drill: Drill) -> str | None:
    """The drill's street (a code or a name) as its code; an unknown street is a Chinese error."""
    if drill.street is None:
        return None
    try:
        return resolve_streets(conn, [drill.street])[0]
    except FilterError as exc:
        raise DrillError(str(exc)) from None


def one_of(conn: Connection, model, ident: int, noun: str) -> str:
    """The name of the record ``ident`` of ``model``, or a Chinese error when there is none."""
    name = conn.execute(select(model.name).where(model.id == ident)).scalar_one_or_none()
    if name is None:
        raise DrillError(f"没有编号为 {ident} 的{noun}")
    return name
