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
from sqlalchemy import Select, select
from sqlalchemy.engine import Connection

from dashboard.indicators.breakdowns import streets
from dashboard.indicators.care import cadre_ids
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import run
from dashboard.schema import Person, Site


@dataclass(frozen=True)
class Cadres:
    """The cadres in scope on one or more days (the as-of day first). Those placed on any of the
    days as parallel arrays (home street code, its kind, lon, lat), with a mask per day of who
    is a cadre that day (``on``); per day, how many in scope could not be placed, by 居住街道
    (None: none recorded)."""
    street: np.ndarray
    street_kind: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    on: tuple[np.ndarray, ...]
    unplaced: tuple[dict[str | None, int], ...]


def _everyone(_f: Filter) -> Select:
    """(id, home street, lon, lat) of everyone, whatever the filter."""
    return select(Person.id, Person.street_code, Person.lon, Person.lat)


def _homes(f: Filter) -> Select:
    """(id, home street, lon, lat) of the cadres in the filter's scope on its as-of day."""
    return _everyone(f).where(Person.id.in_(cadre_ids(f)))


def _rows(conn: Connection, build, f: Filter) -> np.ndarray:
    # on the DBAPI cursor: SQLAlchemy's rows would cost more than reading them
    return np.array(run(conn, build, f), dtype=object).reshape(-1, 4)


def cadres(conn: Connection, f: Filter, year_ago: bool = False) -> Cadres:
    """The cadres in the filter's scope on its as-of day, and a year before too if ``year_ago``
    (memberships begin and end between the two)."""
    days = (f, f.year_ago()) if year_ago else (f,)
    if not f.streets and f.branch_id is None:
        # the district's cadres are most of the people: everyone's home once and each day's
        # cadre ids cost less than a join per day (on PostgreSQL a nested loop, as the planner
        # cannot tell how many people the memberships name), at scale 10 most of the coverage's time
        homes = _rows(conn, _everyone, f)
        ids = [np.fromiter((row[0] for row in run(conn, cadre_ids, day)), dtype=np.int64) for day in days]
    else:  # fewer, and a join of them costs less than everyone's home
        of_day = [_rows(conn, _homes, day) for day in days]
        homes = np.concatenate(of_day)
        ids = [rows[:, 0].astype(np.int64) for rows in of_day]
    pid, first = np.unique(homes[:, 0].astype(np.int64), return_index=True)  # one row a person
    street, lon, lat = homes[first, 1:].T
    # None, and NaN or infinity, which PostgreSQL keeps in a float column: no position
    lon, lat = (pd.to_numeric(pd.Series(v, dtype=object), errors="coerce").to_numpy(dtype=float) for v in (lon, lat))
    has_home = np.isfinite(lon) & np.isfinite(lat) & (street != None)  # noqa: E711 - elementwise on an object array
    on, unplaced = [], []
    for day_ids in ids:
        cadre = np.isin(pid, day_ids)
        on.append(cadre & has_home)
        counts = pd.Series(street[cadre & ~has_home], dtype=object).value_counts(dropna=False)
        unplaced.append({(None if pd.isna(code) else code): int(n) for code, n in counts.items()})
    placed = np.logical_or.reduce(on)
    street = street[placed]
    kinds = {s.code: s.kind for s in streets(conn)}
    return Cadres(street, pd.Series(street, dtype=object).map(kinds).to_numpy(dtype=object),
                  lon[placed], lat[placed], tuple(day[placed] for day in on),
                  tuple(unplaced))


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
    lon, lat = np.array(lon, dtype=float), np.array(lat, dtype=float)
    where = np.isfinite(lon) & np.isfinite(lat)  # NaN or infinity (PostgreSQL keeps them) is nowhere: it serves no one
    return Sites(np.array(types, dtype=object)[where], lon[where], lat[where],
                 np.array(opened, dtype="datetime64[D]")[where],
                 np.array([c if c is not None else np.datetime64("NaT") for c in closed], dtype="datetime64[D]")[where])
