"""What a panel shows, as plain data: a number with its change, a figure, or a table.

:func:`panel_view` reads a catalogued panel's source through the data service and hands it to
the panel's builder; every surface (the staff page, the big screen, embeds, image export, the
briefing) then draws that view in its own way, choosing only by the panel's kind.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dashboard import wording
from dashboard.indicators.breakdowns import StreetRow
from dashboard.indicators.filters import Filter

if TYPE_CHECKING:
    from dashboard.catalogue import Panel
    from dashboard.service import DataService


@dataclass(frozen=True)
class ViewContext:
    """What a builder may need beside its data: the filter, the streets, the theme, the map
    tiles, for tables the most rows there is room for (None: all), and whether people's names
    may be shown: only a page for a principal allowed ``view:names`` says so; the big screen,
    signed links and exported documents never do (the default)."""
    filter: Filter
    streets: list[StreetRow]
    theme: str = "light"
    tiles: str | None = None
    max_rows: int | None = None
    names: bool = False

    @property
    def street_names(self) -> dict[str, str]:
        return {s.code: s.name for s in self.streets}

    def fit(self, rows: list) -> tuple[list, int]:
        """The rows there is room for, and how many are left out."""
        rows = list(rows)
        if self.max_rows is None or len(rows) <= self.max_rows:
            return rows, 0
        return rows[: self.max_rows], len(rows) - self.max_rows


@dataclass(frozen=True)
class NumberView:
    """A KPI: the number now, a year before, the change in words, the card's small print."""
    title: str
    unit: str
    value: int
    year_ago: int
    note: str = ""

    @property
    def text(self) -> str:
        return wording.number(self.value)

    @property
    def change(self) -> wording.Change:
        return wording.change(self.value, self.year_ago)


@dataclass(frozen=True)
class Cell:
    text: str
    title: str = ""        # the longer story, shown on hover
    status: str | None = None  # a 三会一课 status key: the cell is coloured and says it in words
    href: str = ""         # a link to the records behind the cell (always one of ours: /records/…)


@dataclass(frozen=True)
class TableView:
    """Rows of text cells under a header; ``note`` says how to read them, ``hidden`` how many
    rows were left out for want of room."""
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    note: str = ""
    hidden: int = 0
    widths: tuple[float, ...] = field(default=())
    row_groups: tuple[str, ...] = field(default=())  # each row's group key (see catalogue.Panel.groups)


View = Any  # NumberView | TableView | a figure (dict)


def context(svc: DataService, f: Filter, version: int, theme: str = "light", tiles: str | None = None,
            max_rows: int | None = None, names: bool = False) -> ViewContext:
    return ViewContext(f, svc.streets(version), theme, tiles, max_rows, names)


def panel_view(panel: Panel, svc: DataService, ctx: ViewContext, version: int) -> View:
    """The panel's view for a filter at a store version (the data comes through the service's cache)."""
    return panel.build(svc.get(panel.source, ctx.filter, version), ctx)
