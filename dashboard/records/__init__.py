"""The records behind every figure (穿透): which branches, people, teams, sites, activities …
a number counts, listed page by page and downloadable in the ledger's format.

Core only (no Dash, no Flask). A :class:`Drill` names the records: a kind and selectors, to
and from query parameters; :func:`drill_for` gives the drill of any catalogued panel or of a
point clicked on it; :func:`count`, :func:`page` and :func:`workbook` read the store under a
resolved filter. Each list is built from the very scope conditions its figure counts with
(dashboard.indicators.kpi), so its length is the figure. See docs/records.md.
"""
from dashboard.records.drill import KINDS, Drill, DrillError
from dashboard.records.listing import MAX_SEARCH, MAX_SIZE, RecordPage, caption, count, page
from dashboard.records.panels import KPI_DRILLS, drill_for, has_drill, kpi_drill, panel_href
from dashboard.records.spec import Column
from dashboard.records.xlsx import MAX_ROWS, workbook

__all__ = [
    "KINDS", "Drill", "DrillError", "RecordPage", "Column", "caption", "count", "page", "drill_for", "kpi_drill", "has_drill", "panel_href",
    "KPI_DRILLS", "workbook", "MAX_ROWS", "MAX_SIZE", "MAX_SEARCH",
]
