"""The indicator layer: every figure the dashboards, exports, CLI and benchmark show.

Each function takes a connection and a resolved :class:`Filter` and returns plain data.
The definitions are written down in ``docs/indicators.md``; the code follows them.
"""
from dashboard.indicators.filters import Filter, FilterError, resolve_filter
from dashboard.indicators.kpi import KPI_KEYS, Kpis, kpis

__all__ = ["Filter", "FilterError", "resolve_filter", "KPI_KEYS", "Kpis", "kpis"]
