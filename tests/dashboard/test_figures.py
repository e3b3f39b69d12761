"""Figure builders: plain data in, a figure a user can read out."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import pytest

from dashboard import figures, vocab
from dashboard.indicators.breakdowns import MemberStructure, SiteRow, StreetRow

STREETS = [StreetRow("370114001000", "明水街道", "街道", 117.54, 36.72), StreetRow("370114101000", "垛庄镇", "镇", 117.42, 36.5)]


def site(type_: str, street="370114001000") -> SiteRow:
    return SiteRow(1, "S1", f"测试{type_}", type_, street, "明水街道", "东苑社区", 117.54, 36.72, True, False, dt.date(2020, 1, 1))


def texts(fig) -> list[str]:
    return [a.text for a in go.Figure(fig).layout.annotations]


def figure(fig: dict) -> go.Figure:
    """The builder's plain figure, validated by plotly: a misspelt property fails here, where
    plotly.js in the browser would silently draw without it."""
    return go.Figure(fig)


def test_every_builder_says_no_data_instead_of_bare_axes():
    for fig in (figures.sites_by_street([]), figures.activities_by_month([]), figures.volunteers_by_team([]),
                figures.member_structure(MemberStructure({}, {}, {"男": 0})), figures.four_in_one({}),
                figures.site_map([], STREETS)):
        assert "暂无数据" in texts(fig)
    empty = figure(figures.empty())
    assert empty.layout.xaxis.visible is False and empty.layout.yaxis.visible is False


def test_sites_by_street_stacks_types_and_carries_street_codes_for_clicks():
    fig = figure(figures.sites_by_street([("370114001000", "明水街道", vocab.THEATRE, 2),
                                   ("370114101000", "垛庄镇", vocab.SHARED_ROOM, 1)]))
    assert fig.layout.barmode == "stack"
    by_name = {t.name: t for t in fig.data}
    assert list(by_name[vocab.THEATRE].y) == [2, 0]
    # [street code, site type]: the click filter reads [0], the drill to the records both
    assert [list(c) for c in by_name[vocab.THEATRE].customdata] == [["370114001000", vocab.THEATRE],
                                                                    ["370114101000", vocab.THEATRE]]


def test_map_has_one_legend_entry_per_site_type_and_street_codes_in_customdata():
    fig = figure(figures.site_map([site(vocab.THEATRE), site(vocab.EDUCATION_BASE)], STREETS))
    names = [t.name for t in fig.data]
    assert names[1:3] == [vocab.THEATRE, vocab.EDUCATION_BASE] and names[-1] == "街道/镇"
    assert fig.data[-1].customdata[0][0] == "370114001000"
    assert "明水街道" in fig.data[-1].text
    # no map library, no tiles: nothing to fetch
    assert fig.layout.map.style is None and all(t.type == "scatter" for t in fig.data)


def test_map_with_configured_tiles_draws_them_under_the_sites():
    fig = figure(figures.site_map([site(vocab.THEATRE)], STREETS, tiles="http://tiles.intra/{z}/{x}/{y}.png"))
    style = fig.layout.map.style
    assert style["sources"]["tiles"]["tiles"] == ["http://tiles.intra/{z}/{x}/{y}.png"]
    assert style["glyphs"].startswith("/")  # glyphs from the app itself, never a remote host
    assert {t.type for t in fig.data} == {"scattermap"}


def test_four_in_one_marks_cells_in_words_not_colour_alone():
    fig = figure(figures.four_in_one({"明水街道": {"党的建设": True, "老年教育": False, "文体活动": True, "志愿服务": False}}))
    assert list(fig.data[0].text[0]) == ["✓ 已覆盖", "— 未覆盖", "✓ 已覆盖", "— 未覆盖"]
    # a table of words: no tick marks beside the street and area names
    assert fig.layout.xaxis.ticks == fig.layout.yaxis.ticks == ""


def test_dark_theme_uses_light_text_on_a_transparent_canvas():
    fig = figure(figures.volunteers_by_team([("队1", 10)], theme="dark"))
    theme = fig.layout
    assert theme.font.color == figures.THEMES["dark"].text
    assert theme.paper_bgcolor == "rgba(0,0,0,0)"
    assert "Noto Sans CJK SC" in theme.font.family


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_builder_makes_a_valid_plotly_figure(theme):
    from dashboard.indicators.breakdowns import MemberStructure

    built = [
        figures.sites_by_street([("370114001000", "明水街道", vocab.THEATRE, 2)], theme),
        figures.activities_by_month([("2026-01", vocab.ACTIVITY_CATEGORIES[0], 3)], theme),
        figures.volunteers_by_team([("队1", 10)], theme),
        figures.member_structure(MemberStructure({"退休": 3}, {"60-69岁": 3}, {"男": 2, "女": 1}), theme),
        figures.four_in_one({"明水街道": {a: True for a in vocab.FOUR_IN_ONE}}, theme),
        figures.site_map([site(vocab.THEATRE)], STREETS, theme),
        figures.site_map([site(vocab.THEATRE)], STREETS, theme, tiles="http://tiles.intra/{z}/{x}/{y}.png"),
        figures.meetings_status(["green", "red"], theme),
        figures.empty(theme),
    ]
    for fig in built:
        validated = figure(fig)
        assert validated.layout.font.color == figures.THEMES[theme].text


def test_member_structure_titles_each_of_its_three_charts():
    from dashboard.indicators.breakdowns import MemberStructure

    fig = figure(figures.member_structure(MemberStructure(
        {"离休": 1, "退休": 3}, {"≤64岁": 0, "65–74岁": 3, "75–84岁": 0, "≥85岁": 0}, {"男": 2, "女": 1})))
    assert [a.text for a in fig.layout.annotations] == ["干部类别", "年龄段(岁)", "性别"]
    assert [t.xaxis for t in fig.data] == ["x", "x2", "x3"]
    assert fig.layout.xaxis3.domain[1] == pytest.approx(1.0)
    # the four age bands get twice the width of the two-bar charts, so their labels stay upright
    width = lambda d: d[1] - d[0]  # noqa: E731
    assert width(fig.layout.xaxis2.domain) == pytest.approx(2 * width(fig.layout.xaxis.domain))
    assert list(fig.data[1].x) == ["≤64", "65–74", "75–84", "≥85"] and fig.layout.xaxis2.tickangle == 0


def test_small_counts_get_whole_number_ticks():
    """Three sites in a street: the axis reads 0, 1, 2, 3, never 2.5 sites."""
    fig = figure(figures.sites_by_street([("370114002000", "双山街道", "关心下一代教育基地", 1),
                                          ("370114002000", "双山街道", "芳华剧场", 2)]))
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"
    big = figure(figures.sites_by_street([("370114002000", "双山街道", "芳华剧场", 40)]))
    assert big.layout.yaxis.dtick is None  # plotly spaces the ticks of larger counts itself
