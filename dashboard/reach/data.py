"""The only SQL of 四就近: the cadres in a filter's scope with their homes, and the sites.

Cadres are the cadres on the day as the care figures count them
(:func:`dashboard.indicators.care.cadre_ids`: a party or volunteer-team membership in force, so a
cadre who died or moved away, whose memberships ended, no longer counts; a street filter means
living there, a branch filter its members). A cadre without a home position or 居住街道 cannot be
placed: they are counted apart (``unplaced``) and left out of the shares.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from dashboard.indicators.care import cadre_ids
from dashboard.indicators.filters import Filter
from dashboard.schema import Person, Site, Street


@dataclass(frozen=True)
class Cadres:
    """Placed cadres as parallel arrays (home street code, its kind, lon, lat), and how many in
    scope could not be placed, by 居住街道 (None: none recorded)."""
    street: np.ndarray
    street_kind: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    unplaced: dict[str | None, int]


def _people(f: Filter):
    """The scope's cadres as conditions on Person."""
    return [Person.id.in_(cadre_ids(f))]


def cadres(conn: Connection, f: Filter) -> Cadres:
    """The cadres in the filter's scope on its as-of day."""
    # one statement of three plain columns, no join and no order: at scale 10 this is 110,000
    # rows, and reading them is most of the coverage's time
    rows = conn.execute(select(Person.street_code, Person.lon, Person.lat).where(*_people(f))).all()
    kinds = dict(conn.execute(select(Street.code, Street.kind)).all())
    if not rows:
        empty = np.empty(0)
        return Cadres(empty.astype(object), empty.astype(object), empty, empty, {})
    street, lon, lat = (np.array(column, dtype=object) for column in zip(*rows))
    placed = (lon != None) & (lat != None) & (street != None)  # noqa: E711 - elementwise on object arrays
    unplaced = pd.Series(street[~placed]).value_counts(dropna=False)
    street = street[placed]
    return Cadres(street, pd.Series(street).map(kinds).to_numpy(dtype=object),
                  lon[placed].astype(float), lat[placed].astype(float),
                  {(None if pd.isna(code) else code): int(n) for code, n in unplaced.items()})


@dataclass(frozen=True)
class Sites:
    """Every site of the district opened on or before the last day asked about: type, position
    and dates, to pick those open on any day up to it (:meth:`open_on`)."""
    type: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    opened: np.ndarray  # days as numpy datetime64[D]
    closed: np.ndarray  # NaT: still open

    def open_on(self, day: dt.date) -> np.ndarray:
        """The half-open rule: opened on or before the day, not closed on or before it."""
        d = np.datetime64(day, "D")
        return (self.opened <= d) & (np.isnat(self.closed) | (self.closed > d))


def sites(conn: Connection, last_day: dt.date) -> Sites:
    """The district's sites, whatever the filter: a cadre may be served across a street's border."""
    rows = conn.execute(
        select(Site.type, Site.lon, Site.lat, Site.opened_on, Site.closed_on).where(Site.opened_on <= last_day)
    ).all()
    if not rows:
        return Sites(np.empty(0, dtype=object), np.empty(0), np.empty(0), np.empty(0, "datetime64[D]"),
                     np.empty(0, "datetime64[D]"))
    types, lon, lat, opened, closed = zip(*rows)
    return Sites(np.array(types, dtype=object), np.array(lon, dtype=float), np.array(lat, dtype=float),
                 np.array(opened, dtype="datetime64[D]"),
                 np.array([c if c is not None else np.datetime64("NaT") for c in closed], dtype="datetime64[D]"))
