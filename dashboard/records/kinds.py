"""Every kind of record, by name."""
from __future__ import annotations

from dashboard.records import cadres, people, reports, things
from dashboard.records.drill import KIND_SELECTORS
from dashboard.records.spec import Kind

KINDS: dict[str, Kind] = {k.name: k for k in (*things.KINDS, *people.KINDS, *reports.KINDS, *cadres.KINDS)}
assert set(KINDS) == set(KIND_SELECTORS), "every kind a drill can name has a statement"
