"""How a page shows a panel of each kind: the component it sits in, and the (component id,
property) pairs a callback fills from the panel's view, keyed by panel id. The only choice made
here is by kind (number, chart, map, table, list), never by panel id."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard import figures, wording
from dashboard.catalogue import Panel
from dashboard.indicators.filters import Filter
from dashboard.records import has_drill, panel_href
from dashboard.views import View
from layouts import components, ids

Slot = tuple[dict, str]  # (component id, property)


def slots(panel: Panel) -> dict[str, Slot]:
    """The properties a callback sets for the panel, by a key that starts with its id."""
    pid = panel.id
    records = {f"{pid}:records": (ids.slot(pid, "records", "href"), "href")} if linked(panel) else {}
    if panel.kind == "number":
        change = ids.slot(pid, "change", "delta")
        return {f"{pid}:value": (ids.slot(pid, "value", "children"), "children"), f"{pid}:change": (change, "children"),
                f"{pid}:direction": (change, "className"),
                f"{pid}:note": (ids.slot(pid, "note", "children"), "children"), **records}
    kind = "figure" if panel.kind in ("chart", "map") else "children"
    return {pid: (ids.slot(pid, "body", kind), kind), **records}


def linked(panel: Panel) -> bool:
    """Whether the panel shows one 明细 link: numbers, charts and maps with records behind them
    (a table's rows link to their own records)."""
    return panel.kind in ("number", "chart", "map") and has_drill(panel.id)


def records_values(panel: Panel, f: Filter) -> dict[str, str]:
    """The href of the panel's 明细 link under filter ``f`` (see :func:`slots`)."""
    return {f"{panel.id}:records": panel_href(panel.id, f)} if linked(panel) else {}


def values(panel: Panel, view: View) -> dict[str, Any]:
    """The panel's view as the values of its :func:`slots`."""
    if panel.kind == "number":
        return {f"{panel.id}:value": view.text, f"{panel.id}:change": view.change.text,
                f"{panel.id}:direction": components.delta_class(view), f"{panel.id}:note": view.note}
    return {panel.id: _BODIES[panel.kind](view)}


def blank(panel: Panel, theme: str = "light") -> dict[str, Any]:
    """What the slots show when there is nothing to show (a wrong filter)."""
    records = {f"{panel.id}:records": None} if linked(panel) else {}
    if panel.kind == "number":
        return {f"{panel.id}:value": wording.MISSING, f"{panel.id}:change": "",
                f"{panel.id}:direction": "kpi-delta", f"{panel.id}:note": "", **records}
    return {panel.id: figures.empty(theme) if panel.kind in ("chart", "map") else components.empty_note(), **records}


def _figure(view: dict) -> dict:
    return view


_BODIES = {"chart": _figure, "map": _figure, "table": components.table_block, "list": components.list_block}


def body(panel: Panel, filled: dict[str, Any], height: int | None = None) -> list:
    """The panel's components on the staff page, filled with ``filled`` (from :func:`values`)
    where given: charts and maps are graphs of ``height`` px, with their 明细 link; tables and
    lists are blocks. A flat list: Dash draws the components of a list, not of a list inside it."""
    component_id, prop = slots(panel)[panel.id]
    if prop == "figure":
        graph = components.graph(component_id, height or 380, box_id=ids.panel(panel.id),
                                 **({"figure": filled[panel.id]} if panel.id in filled else {}))
        link = [components.records_link(panel, filled.get(f"{panel.id}:records"))] if linked(panel) else []
        return [graph, *link]
    block = html.Div(html.Div(filled.get(panel.id), id=component_id), id=ids.panel(panel.id))
    if panel.kind == "list":
        block.className, block.tabIndex = "list-box", "0"
    return [group_filtered(panel, block) if panel.groups else block]


def group_filtered(panel: Panel, block):
    """A table with a select above it that shows one row group alone (CSS hides the others,
    so a refreshed table keeps the choice)."""
    select_id = ids.group_filter(panel.id)
    # "all", not "": a select whose value is "" shows a blank box rather than its first option
    options = [{"label": "全部类别", "value": "all"}] + [{"label": label, "value": key} for key, label in panel.groups]
    return html.Div([
        html.Div([html.Label("只看", htmlFor=select_id, className="filter-label me-2 mb-0"),
                  dbc.Select(id=select_id, options=options, value="all", size="sm", className="group-select")],
                 className="d-flex align-items-center mb-2"),
        html.Div(block, id=ids.group_box(panel.id)),
    ])


def number_card(panel: Panel, filled: dict[str, Any], menu: bool = False, links: bool = False):
    """A number panel's card, filled with ``filled`` (from :func:`values`) where given."""
    parts = {name: filled[key] for key, name in zip(slots(panel), ("value", "change", "direction", "note", "records"))
             if key in filled}
    return components.kpi_card(panel, **parts, menu=menu, links=links)


def embed_parts(panel: Panel, view: View) -> tuple[Any, Any]:
    """(figure, body) of an embed page: charts and maps fill the graph, the rest the body."""
    if panel.kind in ("chart", "map"):
        return view, None
    if panel.kind == "number":
        return None, number_card(panel, values(panel, view))
    return None, _BODIES[panel.kind](view)
