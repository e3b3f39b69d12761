"""Names from the ledgers are untrusted: in a chart they show as typed, never as plotly's
pseudo-HTML (a team called ``<a href=…>`` must not become a link on the staff page, the big
screen, an embed, an export or the briefing), and in an exported workbook text that looks
like a formula stays text."""
from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import plotly.graph_objects as go

from dashboard import export, figures, vocab, wording
from dashboard.catalogue import PANELS
from dashboard.export.sizes import PRESETS
from dashboard.indicators.breakdowns import MemberStructure, SiteRow, StreetRow
from dashboard.ledger.xlsxwrite import write_xlsx
from dashboard.views import Cell, TableView

LINK = '<a href="http://evil.example/">点此登记</a>'
BOLD = "<b onmouseover=x>加粗"
BREAK = "换<br>行"
HOSTILE = (LINK, BOLD, BREAK)
CODE = '<a href="http://evil.example/">370114001000'  # codes are untrusted too, but clicks read them back raw
DAY = dt.date(2020, 7, 1)
TAG = re.compile(r"<[^<>]*>")  # what plotly.js reads as a tag
OWN_TAGS = {"<br>", "<b>", "</b>", "<extra>", "</extra>"}


def escaped(name: str) -> str:
    return figures.plain(name)


def strings(node, path="") -> list[tuple[str, str]]:
    """Every string in a figure (or any JSON-like data), with where it sits."""
    if isinstance(node, str):
        return [(path, node)]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in strings(v, f"{path}.{k}")]
    if isinstance(node, (list, tuple)):
        return [s for i, v in enumerate(node) for s in strings(v, f"{path}[{i}]")]
    return []


def assert_drawn_literally(fig, names=HOSTILE, *, raw_ok=None) -> None:
    """No string plotly would draw holds markup from a name; each name is there, escaped.
    ``raw_ok(path)``: strings plotly never draws as markup (the click filter's codes, MapLibre labels)."""
    found = strings(go.Figure(fig).to_plotly_json())  # validated by plotly as well
    drawn = [(p, s) for p, s in found if not (raw_ok and raw_ok(p))]
    for path, text in drawn:
        # the only tags left are the builders' own, bare ones; no attribute can reach plotly
        assert set(TAG.findall(text)) <= OWN_TAGS, (path, text)
        assert "<a" not in text and 'href="' not in text, (path, text)
        assert not any(name in text for name in names), (path, text)
    for name in names:
        assert any(escaped(name) in text for _, text in drawn), f"{name!r} is not shown at all"


def test_plain_escapes_markup_so_that_plotly_shows_it_as_typed():
    assert figures.plain(LINK) == "&lt;a href=&#34;http://evil.example/&#34;&gt;点此登记&lt;/a&gt;"
    assert figures.plain("明水街道") == "明水街道"
    # an entity typed into a name shows as typed, not as the character it names
    assert figures.plain("A&lt;B") == "A&amp;lt;B"
    # plotly.js decodes numeric entities but not &quot;: a quote must not show as "&quot;"
    assert "&quot;" not in figures.plain("\"'")


def test_sites_by_street_shows_street_names_as_typed_and_clicks_still_get_the_raw_code():
    rows = [(CODE, name, site_type, 1) for name, site_type in zip(HOSTILE, vocab.SITE_TYPES)]
    fig = figures.sites_by_street(rows)
    assert_drawn_literally(fig, raw_ok=lambda path: ".customdata" in path)
    assert [c[0] for c in go.Figure(fig).data[0].customdata] == [CODE] * 3


def test_activities_by_month_shows_months_as_typed():
    fig = figures.activities_by_month([(name, vocab.ACTIVITY_CATEGORIES[0], 2) for name in HOSTILE])
    assert_drawn_literally(fig)


def test_volunteers_by_team_shows_team_names_as_typed_and_keeps_its_margin():
    fig = figures.volunteers_by_team([(name, 10 - i) for i, name in enumerate(HOSTILE)])
    assert_drawn_literally(fig)
    # the margin fits the name as it shows, not its longer escaped form
    assert fig["layout"]["margin"]["l"] == figures.label_px(HOSTILE, figures.font_size("light")) + 16


def test_member_structure_shows_cadre_types_as_typed():
    fig = figures.member_structure(MemberStructure({LINK: 2, BOLD: 1, BREAK: 1}, {"70-79岁": 4}, {"男": 4}))
    assert_drawn_literally(fig)


def test_four_in_one_shows_street_names_as_typed():
    fig = figures.four_in_one({name: dict.fromkeys(vocab.FOUR_IN_ONE, True) for name in HOSTILE})
    assert_drawn_literally(fig)


def _map_input():
    streets = [StreetRow(CODE, LINK, "街道", 117.54, 36.72), StreetRow("370114101000", BREAK, "镇", 117.42, 36.5)]
    sites = [SiteRow(1, "S1", BOLD, vocab.THEATRE, CODE, LINK, BREAK, 117.54, 36.72, True, False, DAY),
             SiteRow(2, "S2", LINK, vocab.SHARED_ROOM, CODE, LINK, None, 117.55, 36.73, True, False, DAY)]
    return sites, streets


def _click_codes(fig) -> set[str]:
    return {point[0] for trace in fig["data"] for point in trace.get("customdata", [])}


def test_site_map_hover_and_labels_show_names_as_typed_and_clicks_get_the_raw_street_code():
    sites, streets = _map_input()
    fig = figures.site_map(sites, streets, selected=(CODE,))
    assert_drawn_literally(fig, raw_ok=lambda path: re.search(r"\.customdata\[\d+\]\[0\]$", path) is not None)
    assert _click_codes(fig) == {CODE, "370114101000"}
    street_trace = fig["data"][-1]
    assert street_trace["customdata"][0] == [CODE, escaped(LINK)]
    assert street_trace["text"][0] == escaped(LINK)


def test_tiled_site_map_hover_shows_names_as_typed_and_clicks_get_the_raw_street_code():
    sites, streets = _map_input()
    fig = figures.site_map(sites, streets, tiles="http://tiles.intra/{z}/{x}/{y}.png")
    # the street labels on a tiled map are drawn by MapLibre, as plain text: they stay as typed
    # (plotly.js only turns <br> into a line break there), escaped they would read "&lt;a…"
    labels = re.compile(r"^\.data\[0\]\.text\[\d+\]$")
    assert_drawn_literally(fig, raw_ok=lambda path: labels.match(path) is not None
                           or re.search(r"\.customdata\[\d+\]\[0\]$", path) is not None)
    assert fig["data"][0]["text"] == [LINK, BREAK]
    assert _click_codes(fig) == {CODE, "370114101000"}
    assert fig["data"][0]["customdata"][0] == [CODE, escaped(LINK)]


def test_existing_plain_labels_are_unchanged():
    fig = figures.volunteers_by_team([("银发帮忙团", 3)])
    assert fig["data"][0]["y"] == ["银发帮忙团"]
    fig = figures.meetings_status(["green", "red"])
    assert fig["data"][0]["y"] == [wording.STATUS_WORDS[s] for s in ("green", "amber", "red")]


def test_export_table_cells_and_caption_show_names_as_typed():
    view = TableView(("党支部", "街道/镇", "状态"),
                     [(Cell(LINK), Cell(BREAK), Cell("达标", status="green")), (Cell(BOLD), Cell("明水街道"), Cell("—"))],
                     note="单元格为统计期间内已开/应开次数")
    fig = export.table_figure(view)
    scope = wording.Scope(LINK, dt.date(2020, 1, 1), DAY, DAY)
    fig = export.decorate(fig, PANELS["three-meetings"], scope, PRESETS["a4"])
    assert_drawn_literally(fig)
    # the caption's own markup stays markup: the bold title and, on a narrow image, the line break
    assert fig.layout.title.text == f"<b>{PANELS['three-meetings'].title}</b>"
    assert fig.layout.title.subtitle.text.startswith(f"范围:{escaped(LINK)}")
    assert "<br>来源" in fig.layout.title.subtitle.text
    assert list(fig.data[0].header.values) == ["<b>党支部</b>", "<b>街道/镇</b>", "<b>状态</b>"]


# ---------------------------------------------------------------------------------------------
# what kaleido draws: the exported images, the briefing's charts

def _svg_text(svg: bytes) -> tuple[ET.Element, str]:
    root = ET.fromstring(svg)
    return root, "".join(root.itertext())


def _assert_no_link(root: ET.Element) -> None:
    for el in root.iter():
        assert el.tag.rsplit("}", 1)[-1] != "a", "a name became a link"
        for key, value in el.attrib.items():
            assert "evil.example" not in value, (el.tag, key, value)
            assert "onmouseover" not in key


def test_exported_chart_draws_a_hostile_team_name_as_text_not_a_link(warm_renderer):
    quotes = "A&B \"队\" 'x' &lt;"
    fig = figures.volunteers_by_team([(LINK, 5), (BOLD, 3), (quotes, 2), ("银发帮忙团", 1)])
    svg = export.render(go.Figure(fig), "svg", 600, 400)
    assert b"<a " not in svg
    root, text = _svg_text(svg)
    _assert_no_link(root)
    for name in (LINK, BOLD, quotes, "银发帮忙团"):  # the names, as typed: no &quot; or &amp; showing
        assert name in text, name
    assert re.search(rb"(&lt;|&#60;)a href", svg)  # the "<" is a character of the text, not a tag


def test_exported_table_draws_hostile_names_as_text_not_links(warm_renderer):
    view = TableView(("党支部", "街道/镇"), [(Cell(LINK), Cell(BREAK))])
    scope = wording.Scope(LINK, dt.date(2020, 1, 1), DAY, DAY)
    fig = export.decorate(export.table_figure(view), PANELS["three-meetings"], scope, PRESETS["a4"])
    svg = export.render(fig, "svg", 794, 520)
    assert b"<a " not in svg
    root, text = _svg_text(svg)
    _assert_no_link(root)
    assert text.count(LINK) == 2 and BREAK in text  # in the cell and in the caption


# ---------------------------------------------------------------------------------------------
# exported workbooks

FORMULA_LIKE = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "=1+1", "\t=1"]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _workbook(rows) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, [("志愿队伍", iter(rows), [12, 12], len(rows))])
    return buffer.getvalue()


def _quoted_styles(data: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
    xfs = styles.find("m:cellXfs", NS)
    assert int(xfs.get("count")) == len(xfs)
    return {str(i) for i, xf in enumerate(xfs) if xf.get("quotePrefix") == "1"}


def test_xlsx_numbers_that_are_not_finite_are_left_empty_so_excel_opens_the_file():
    from openpyxl import load_workbook

    data = _workbook([["经度", "纬度"], [float("nan"), 36.7], [117.5, float("inf")], [float("-inf"), 1]])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "nan" not in sheet and "inf" not in sheet
    rows = list(load_workbook(io.BytesIO(data), read_only=True)["志愿队伍"].iter_rows(min_row=2, values_only=True))
    assert rows == [(None, 36.7), (117.5, None), (None, 1)]


def test_xlsx_text_that_looks_like_a_formula_stays_text_with_its_value_unchanged():
    rows = [["队伍名称", "=header"], *([text, "银发帮忙团"] for text in FORMULA_LIKE)]
    data = _workbook(rows)

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    assert sheet.find(".//m:f", NS) is None  # no formulas at all
    quoted = _quoted_styles(data)
    cells = {c.get("r"): c for c in sheet.iter(f"{{{NS['m']}}}c")}
    for r in range(2, len(rows) + 1):
        assert cells[f"A{r}"].get("s") in quoted, rows[r - 1][0]
        assert cells[f"B{r}"].get("s") not in quoted  # normal text keeps the normal style
    assert cells["A1"].get("s") == "2" and cells["B1"].get("s") in quoted  # the header stays bold

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["志愿队伍"]
    got = [[c.value for c in row] for row in ws.iter_rows()]
    assert got == rows  # the values as they were, no apostrophe added
    for r in range(2, len(rows) + 1):
        cell = ws.cell(r, 1)
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
        assert not ws.cell(r, 2).quotePrefix
    assert ws["A1"].font.b and ws["B1"].font.b and ws["B1"].quotePrefix


def test_exported_ledger_with_formula_like_names_imports_back_unchanged(store):
    from dashboard.ledger import check, export_workbook, import_files

    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = {
        "街道": [["街道编码", "街道名称", "类型", "经度", "纬度"], ["370114001000", "=1+1", "街道", 117.54, 36.72]],
        "党组织": [["组织编码", "组织名称", "组织类型", "层级", "上级组织编码", "街道编码", "所在单位或社区", "成立日期", "撤销日期"],
                ["ZZ1", "-离退休干部党支部", "建制型", "党支部", None, "370114001000", "@社区", dt.date(2013, 1, 1), None]],
        "志愿队伍": [["队伍编码", "队伍名称", "街道编码", "所属组织编码", "服务方向", "成立日期", "解散日期"],
                 ["DW1", "=cmd|' /C calc'!A0", "370114001000", "ZZ1", "移风易俗", dt.date(2016, 4, 1), None]],
    }
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    for ws in book.worksheets:  # openpyxl would store "=…" as a formula: make them text
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_files(store, [("台账.xlsx", buffer.getvalue())])
    assert result.ok and result.applied, result.problems

    data = export_workbook(store)
    preview = check(store, [("export.xlsx", data)])
    assert preview.ok and preview.changes == 0, preview.problems  # export → import is still a no-op
    wb = openpyxl.load_workbook(io.BytesIO(data))
    team = next(c for row in wb["志愿队伍"].iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0")
    assert team.data_type == "s" and team.quotePrefix
