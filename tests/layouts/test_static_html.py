"""The first response's copy of a page (layouts.static_html): the same tags and classes as the
live components, ids kept apart, and text always text."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.catalogue import NUMBERS
from layouts import overview
from layouts.components import kpi_card
from layouts.static_html import render


def test_html_components_keep_their_tag_classes_and_attributes_and_their_ids_are_prefixed():
    node = html.Div([html.Label("街道", htmlFor="street", id="street-label"),
                     html.Span("12", id="kpi-x", className="kpi-value", title="提示", **{"aria-labelledby": "a b"})],
                    className="card-like", role="group", style={"minHeight": 40, "color": "red"})
    assert render(node) == (
        '<div class="card-like" role="group" style="min-height:40px;color:red">'
        '<label id="ssr-street-label" for="ssr-street">街道</label>'
        '<span id="ssr-kpi-x" class="kpi-value" title="提示" aria-labelledby="ssr-a ssr-b">12</span></div>')


def test_ledger_text_is_escaped_never_markup():
    assert render(html.P('<img src=x onerror="alert(1)">')) == '<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>'
    assert render(dbc.Select(id="s", value="1", options=[{"label": "<b>支部</b>", "value": "1"}])) == (
        '<select id="ssr-s" class="form-select"><option value="1" selected>&lt;b&gt;支部&lt;/b&gt;</option></select>')


def test_bootstrap_grid_cards_and_controls_draw_as_their_react_versions_do():
    row = dbc.Row([dbc.Col("a", xs=6, md=3, xxl=True, className="mb-3"), dbc.Col("b", lg=7)], className="g-3")
    assert render(row) == ('<div class="row g-3"><div class="col-6 col-md-3 col-xxl mb-3">a</div>'
                           '<div class="col-lg-7">b</div></div>')
    assert render(dbc.Card(dbc.CardBody("x"), className="filters")) == (
        '<div class="card filters"><div class="card-body">x</div></div>')
    assert render(dbc.Button("重置", id="r", color="secondary", outline=True, className="w-100")) == (
        '<button type="button" id="ssr-r" class="btn btn-outline-secondary w-100">重置</button>')
    boxes = render(dbc.Checklist(id="street", options=[{"label": "明水街道", "value": "1"},
                                                      {"label": "双山街道", "value": "2"}], value=["2"], inline=True))
    assert boxes.count('class="form-check form-check-inline"') == 2
    assert '<input class="form-check-input" type="checkbox" id="ssr-street-1" value="2" checked>' in boxes


def test_stores_draw_nothing_and_a_graph_is_an_empty_box_of_its_height():
    assert render([dcc.Store(id="s", data={"a": 1}), dcc.Interval(id="i"), dcc.Location(id="l")]) == ""
    assert render(dcc.Graph(id="g", figure={"data": []}, style={"height": "380px"})) == (
        '<div id="ssr-g" class="dash-graph" style="height:380px"></div>')


def test_the_staff_page_copy_shows_every_kpi_number_and_the_scope():
    filled = {f"{p.id}:value": f"{i + 1},000" for i, p in enumerate(NUMBERS)}
    page = render(overview.layout(content={"filled": filled, "values": {("header-scope", "children"): "全区 · 近12个月"}}))
    for i, p in enumerate(NUMBERS):
        assert f'id="ssr-kpi-{p.key}" class="kpi-value"><span>{i + 1},000</span></span>' in page
    assert "全区 · 近12个月" in page and ' id="kpi-' not in page  # no id the live page uses
    # the phone's filter button works on the copy too: it names the copy's own controls
    assert '<button id="ssr-filter-toggle" class="filters-toggle" type="button"' in page
    assert 'aria-controls="ssr-filter-body"' in page and 'id="ssr-filter-body"' in page
    card = render(kpi_card(NUMBERS[0], value="7", menu=True))
    assert 'class="panel-menu"' in card and "嵌入链接" in card  # the menu's own markup, drawn closed
