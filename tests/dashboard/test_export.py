"""Image export: every panel, sizes and their checks, Chinese that is never boxes, the HTTP
route's 400s and the CLI. One warm renderer for the whole session (it is process-wide)."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

import plotly.graph_objects as go
import pytest

from dashboard import export
from dashboard.catalogue import PANELS
from dashboard.indicators import Filter, kpis
from dashboard.settings import Settings
from tests.acting import client_as

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAY = dt.date(2020, 7, 1)
NO_FONT_HAS_THIS = "\U0010FFFD"  # a private-use code point: every font lacks it, it renders as .notdef




@pytest.fixture
def district() -> Filter:
    return Filter.district(DAY)


def _pixels(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def _differ(a: bytes, b: bytes, box: tuple[int, int, int, int] | None = None) -> bool:
    from PIL import ImageChops

    ia, ib = _pixels(a), _pixels(b)
    if box:
        ia, ib = ia.crop(box), ib.crop(box)
    return ImageChops.difference(ia, ib).getbbox() is not None


# ---------------------------------------------------------------------------------------------
# fonts: a failure, never a skip, when no CJK font is installed

def test_a_cjk_font_is_installed():
    fonts = export.cjk_fonts()
    assert fonts, ("no CJK font (fc-list :lang=zh is empty): every Chinese character would export as a box; "
                   "apt-get install fonts-noto-cjk")
    export.check_cjk_font()


def test_export_refuses_to_render_without_a_cjk_font(monkeypatch):
    from dashboard.export import rendering

    monkeypatch.setattr(rendering, "_font_ok", False)
    monkeypatch.setattr(rendering, "cjk_fonts", lambda: [])
    with pytest.raises(export.FontMissing, match="中文"):
        export.render(go.Figure(), "png", 300, 200)


def test_chinese_renders_as_glyphs_not_boxes(warm_renderer):
    def title(text: str) -> bytes:
        fig = go.Figure(layout={"title": {"text": text, "font": {"size": 40}}, "width": 320, "height": 200,
                                "xaxis": {"visible": False}, "yaxis": {"visible": False}})
        return export.render(fig, "png", 320, 200)

    party, build, missing = title("党建"), title("章丘"), title(NO_FONT_HAS_THIS * 2)
    # without a CJK font all three would be the same pair of .notdef boxes
    assert _differ(party, build), "两个不同的汉字渲染成了相同的图形(方框?)"
    assert _differ(party, missing), "汉字与任何字体都没有的字符渲染相同:汉字显示为方框"


@pytest.mark.parametrize("panel_id", ["sites-by-street", "map"])
def test_chart_and_map_png_carry_real_chinese_captions(warm_renderer, svc, district, panel_id):
    size = export.size_for("a4")
    fig = export.export_figure(panel_id, svc, district, size=size)
    png = export.render(fig, "png", size.width, size.height)
    image = _pixels(png)
    assert image.size == (size.width, size.height)
    boxed = go.Figure(fig)
    boxed.update_layout(title_text=NO_FONT_HAS_THIS * len(PANELS[panel_id].title))
    other = export.render(boxed, "png", size.width, size.height)
    # the title band differs from the same title drawn in missing glyphs
    assert _differ(png, other, (0, 0, size.width, 40))


# ---------------------------------------------------------------------------------------------
# sizes

def test_presets_and_explicit_sizes():
    assert export.size_for() == export.Size(1600, 900, 1.0)
    assert export.size_for("slide").width / export.size_for("slide").height == pytest.approx(16 / 9)
    assert export.size_for("a4").width == 794
    assert export.size_for(width="1200") == export.Size(1200, 675, 1.0)
    assert export.size_for("a4", width=1588) == export.Size(1588, 1040, 1.0)
    assert export.size_for(width=800, height=800, scale="2") == export.Size(800, 800, 2.0)


@pytest.mark.parametrize("kwargs, word", [
    ({"preset": "poster"}, "预设"), ({"width": 199}, "width"), ({"width": 800, "height": 4001}, "height"),
    ({"scale": 0.4}, "scale"), ({"scale": 5}, "scale"), ({"width": "wide"}, "整数"), ({"scale": "nan"}, "数值"),
])
def test_bad_sizes_are_refused_in_chinese(kwargs, word):
    with pytest.raises(export.ExportError, match=word):
        export.size_for(**kwargs)


# ---------------------------------------------------------------------------------------------
# every panel

@pytest.mark.parametrize("panel_id", list(PANELS))
def test_every_panel_exports_as_png_and_svg_with_its_caption(warm_renderer, svc, district, panel_id):
    png = export.export_panel(panel_id, svc, district, "png", preset="a4")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert _pixels(png).size == (794, 520)
    svg = export.export_panel(panel_id, svc, district, "svg", preset="a4").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    # SVG keeps the Chinese as text: the title and the filter in words with the as-of day
    assert PANELS[panel_id].title.replace("“", "").replace("”", "") in svg.replace("“", "").replace("”", "")
    assert "范围:全区" in svg and "截至日:2020-07-01" in svg and "演示数据" in svg


def test_kpi_export_shows_the_indicator_layers_numbers(svc, district, report_store):
    k = kpis(report_store.engine, district)
    fig = export.panel_figure("kpi-party_members", svc, district)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert f"{k.now.party_members:,}" in texts
    assert f"上年同期 {k.year_ago.party_members:,}" in texts
    assert "较上年同期" in texts or "持平" in texts


def test_three_meetings_table_says_status_in_words_and_owns_up_to_hidden_rows(svc, district):
    fig = export.export_figure("three-meetings", svc, district, size=export.size_for("a4"))
    cells = fig.data[0].cells.values
    assert set(cells[-1]) <= {"达标", "基本达标", "未达标", "未到期"}
    rows = svc.get("three_meetings", district)
    shown = len(cells[0])
    if shown < len(rows):
        assert f"另有 {len(rows) - shown} 个党支部未列出" in fig.layout.annotations[-1].text


def test_a_street_filter_is_named_in_the_caption(warm_renderer, svc, report_store):
    from dashboard.query import parse_query, resolve

    with report_store.engine.connect() as conn:
        f = resolve(conn, parse_query("?street=明水街道&as_of=2020-07-01"))
    svg = export.export_panel("sites-by-street", svc, f, "svg", preset="a4").decode()
    assert "范围:明水街道" in svg


# ---------------------------------------------------------------------------------------------
# HTTP

@pytest.fixture
def client(report_store):
    from app import create_app

    app = create_app(Settings(database_url=report_store.url), store=report_store)
    return client_as(app, report_store)


def test_http_export_png_and_svg(warm_renderer, client):
    r = client.get("/export/sites-by-street.png?as_of=2020-07-01&preset=a4")
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "image/png" and r.data[:4] == b"\x89PNG"
    assert r.headers["Content-Disposition"].startswith('inline; filename="sites-by-street_2020-07-01.png"')
    r = client.get("/export/map.svg?as_of=2020-07-01&width=900&height=600&street=明水街道")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert "范围:明水街道" in r.get_data(as_text=True)


@pytest.mark.parametrize("url, word", [
    ("/export/nope.png", "面板"),
    ("/export/kpi-nope.svg", "面板"),
    ("/export/map.gif", "格式"),
    ("/export/map", "png"),
    ("/export/map.png?width=10", "width"),
    ("/export/map.png?height=abc", "height"),
    ("/export/map.png?scale=9", "scale"),
    ("/export/map.png?preset=poster", "预设"),
    ("/export/map.png?theme=pink", "配色"),
    ("/export/map.png?street=火星街道", "街道"),
    ("/export/map.png?branch=999999", "党组织"),
    ("/export/map.png?as_of=2020-13-01", "日期"),
    ("/export/map.png?period=decade", "期间"),
    ("/export/map.png?from=2020-01-01", "from"),
    ("/briefing?charts=map,nope", "nope"),
])
def test_bad_requests_get_400_with_a_chinese_reason(client, url, word):
    r = client.get(url)
    assert r.status_code == 400, (url, r.status_code)
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert word in r.get_data(as_text=True)


def test_export_url_builds_the_route_for_the_embed_menu():
    assert export.export_url("map", "svg", "?street=370114001000&as_of=2020-07-01", preset="a4") == \
        "/export/map.svg?street=370114001000&as_of=2020-07-01&preset=a4"
    assert export.export_url("kpi-volunteers") == "/export/kpi-volunteers.png"
    with pytest.raises(export.UnknownPanel):
        export.export_url("nope")


# ---------------------------------------------------------------------------------------------
# CLI

def test_panels_json_lists_every_panel_with_its_chinese_title(report_store):
    env = {**os.environ, "DASHBOARD_DATABASE_URL": report_store.url, "PYTHONPATH": ROOT}
    out = subprocess.run([sys.executable, "-m", "dashboard", "panels", "--json"], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert [i["id"] for i in items] == list(PANELS)
    assert {i["id"]: i["title"] for i in items}["map"] == "阵地分布图"
    assert {i["kind"] for i in items} == {"number", "map", "chart", "table", "list"}


def test_cli_export_writes_the_file_and_refuses_bad_input(warm_renderer, report_store, tmp_path, capsys):
    from dashboard.cli import main

    settings = Settings(database_url=report_store.url)
    out = tmp_path / "chart.svg"
    assert main(["export", "four-in-one", "--out", str(out), "--as-of", "2020-07-01", "--preset", "a4"],
                settings=settings) == 0
    assert "“四位一体”覆盖" in out.read_text(encoding="utf-8")
    png = tmp_path / "kpi.png"
    assert main(["export", "kpi-volunteers", "--format", "png", "--out", str(png), "--as-of", "2020-07-01",
                 "--width", "640", "--height", "360", "--scale", "2"], settings=settings) == 0
    assert _pixels(png.read_bytes()).size == (1280, 720)
    capsys.readouterr()
    assert main(["export", "nope", "--out", str(out)], settings=settings) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["export", "map", "--out", str(out), "--width", "50"], settings=settings) == 2
    assert "width" in capsys.readouterr().err


def test_captioned_charts_move_their_legend_right_and_keep_room_for_the_caption(svc, district):
    """The builders keep layout defaults in a template: the caption must read them from there too."""
    size = export.size_for("slide")
    fig = export.export_figure("activities-by-month", svc, district, size=size)
    assert fig.layout.legend.orientation == "v" and fig.layout.legend.x > 1
    assert fig.layout.margin.t >= 80 and fig.layout.width == 1600 and fig.layout.height == 900
    assert "截至日:2020-07-01" in fig.layout.title.subtitle.text


def test_the_same_image_is_rendered_once_per_store_version(client, monkeypatch):
    from dashboard import export as export_module

    calls = []
    real = export_module.render
    monkeypatch.setattr(export_module, "render", lambda *a, **k: calls.append(1) or real(*a, **k))
    url = "/export/volunteers-by-team.svg?as_of=2020-07-01&width=640&height=400"
    first, again = client.get(url), client.get(url)
    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert len(calls) == 1
    assert client.get(url.replace("640", "660")).status_code == 200 and len(calls) == 2  # another size: drawn


def test_the_renderers_processes_are_found_and_yield_the_cores(tmp_path):
    """Chromium's processes (children of the web process, and theirs) get a lower priority, so that
    pages and refusals do not wait behind a render."""
    import os
    import subprocess
    import sys

    from dashboard.export.rendering import RENDER_NICENESS, descendants, lower_priority

    # a child that starts a grandchild, as Chromium starts its renderers
    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
                              "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); "
                              "print(p.pid, flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    grandchild = None
    try:
        grandchild = int(child.stdout.readline())
        found = descendants(os.getpid())
        assert child.pid in found and grandchild in found
        lower_priority([child.pid, grandchild])
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == RENDER_NICENESS
        assert os.getpriority(os.PRIO_PROCESS, grandchild) == RENDER_NICENESS
    finally:
        for pid in (grandchild, child.pid):  # only these: the test process may have other children
            if pid is not None:
                os.kill(pid, 9)
        child.wait(5)


def test_the_renderer_starts_chromium_at_the_lower_priority_from_its_first_instruction(monkeypatch):
    """Chromium's start takes a second of both cores: it must not run at the web server's priority
    before being reniced, so the renice after the start is switched off here to see."""
    import os

    from dashboard.export import rendering

    if rendering.browser_path() is None:
        pytest.skip("Chromium not found (apt-get install chromium)")
    monkeypatch.setattr(rendering, "lower_priority", lambda _pids: None)
    before = set(rendering.descendants(os.getpid()))
    r = rendering.Renderer(tabs=1).start()
    try:
        started = [pid for pid in rendering.descendants(os.getpid()) if pid not in before]
        assert started, "the renderer started no processes"
        for pid in started:
            for tid in os.listdir(f"/proc/{pid}/task"):
                assert os.getpriority(os.PRIO_PROCESS, int(tid)) >= rendering.RENDER_NICENESS, (pid, tid)
        # Chromium runs in a session of its own: where Linux makes that a scheduling group
        # (autogroup), the group yields too, else it would share the cores equally with ours.
        # The file is empty for a process in a cgroup of its own (a container, a systemd
        # service): there the kernel schedules by the cgroup, and autogroups play no part.
        ours = open("/proc/self/autogroup").read().split() if os.path.exists("/proc/self/autogroup") else []
        if ours:
            for pid in started:
                group = open(f"/proc/{pid}/autogroup").read().split()  # "/autogroup-12 nice 10"
                assert group[0] != ours[0] and int(group[2]) == rendering.RENDER_NICENESS, (pid, group)
    finally:
        r.close()
