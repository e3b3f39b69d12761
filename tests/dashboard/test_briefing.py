"""The briefing: a summary whose numbers are the indicator layer's, the print page, the PDF
(pages, extractable Chinese, looked at as PNGs) and the slides."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard import briefing
from dashboard.catalogue import PANELS
from dashboard.indicators import Filter, kpis
from dashboard.indicators.kpi import KpiValues
from dashboard.settings import Settings
from tests.acting import client_as

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "briefing"
DAY = dt.date(2020, 7, 1)




def _numbers(sentences: list[str]) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", "".join(sentences))]


def _zero_figures() -> KpiValues:
    return KpiValues(**{f.name: (0 if f.type in ("int", int) else {}) for f in dataclasses.fields(KpiValues)})


# ---------------------------------------------------------------------------------------------
# the summary (pure)

def test_summary_numbers_are_the_indicator_layers(report_store):
    f = Filter.district(DAY)
    k = kpis(report_store.engine, f)
    now, ago = k.now, k.year_ago
    sentences = briefing.summary(now, f, "全区", ago, {"green": 26, "amber": 14, "red": 10})
    text = "".join(sentences)
    assert text.startswith("截至2020年7月1日,全区共有离退休干部党支部")
    for fragment in (f"党支部{now.active_branches}个", f"功能型党支部{now.functional_branches}个",
                     f"建制型党支部{now.established_branches}个", f"党员{now.party_members}名",
                     f"志愿服务队伍{now.volunteer_teams}支", f"志愿者{now.volunteers}人",
                     f"共建阵地{now.co_built_sites}处", f"规范化共享式党员活动室{now.standardised_shared_rooms}处",
                     f"芳华剧场{now.sites_by_type['芳华剧场']}处", f"关心下一代教育基地{now.education_bases}处",
                     f"各类活动{now.activities}场次", f"参与活动{now.participants}人",
                     f"新时代文明实践活动{now.activities_by_category['新时代文明实践']}场次",
                     f"《章丘老干部参考》累计编印{now.newsletter_issues}期",
                     f"累计采访{now.oral_history_interviewees}人", f"检视整改问题{now.problems_solved}个"):
        assert fragment in text, fragment
    # every number in the text is a figure, a year-ago difference, or a day of the period
    allowed = {v for v in dataclasses.asdict(now).values() if isinstance(v, int)}
    allowed |= set(now.sites_by_type.values()) | set(now.activities_by_category.values())
    allowed |= {abs(getattr(now, key) - getattr(ago, key)) for key in ("volunteers", "activities")}
    allowed |= {26, 14, 10}
    allowed |= {f.as_of.year, f.as_of.month, f.as_of.day, f.start.year, f.start.month, f.start.day}
    assert set(_numbers(sentences)) <= allowed
    # the report's own figures on the report day
    assert now.volunteer_teams == 15 and now.functional_branches == 4 and now.problems_solved == 33


def test_no_sentence_about_a_figure_the_data_do_not_support():
    f = Filter.district(DAY)
    assert briefing.summary(_zero_figures(), f) == []
    some = dataclasses.replace(_zero_figures(), volunteer_teams=3)
    assert briefing.summary(some, f, "明水街道") == ["明水街道老干部志愿服务队伍3支。"]
    # no year-ago figure, no comparison; no 余, no rounding
    assert "较上年" not in "".join(briefing.summary(dataclasses.replace(some, volunteers=41), f, "全区", _zero_figures()))
    assert "余" not in "".join(briefing.summary(dataclasses.replace(some, volunteers=41), f))


def test_charts_parameter():
    assert briefing.parse_charts(None) == briefing.DEFAULT_CHARTS
    assert briefing.parse_charts("map, four-in-one,map") == ("map", "four-in-one")
    assert briefing.parse_charts(["map", "three-meetings"]) == ("map", "three-meetings")
    with pytest.raises(briefing.BriefingError, match="nope"):
        briefing.parse_charts("map,nope")


# ---------------------------------------------------------------------------------------------
# the page, the PDF and the slides

def test_briefing_page_is_self_contained_and_printable(warm_renderer, svc):
    page = briefing.build_html(svc, Filter.district(DAY), ("sites-by-street", "map"))
    assert "章丘区委老干部局党建工作简报" in page and "@page { size: A4" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/", "")
    assert "https://" not in page
    assert page.count("<svg") >= 2
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "two inline charts share an id"


def test_briefing_route_serves_the_page(warm_renderer, report_store):
    from app import create_app

    app = create_app(Settings(database_url=report_store.url), store=report_store)
    r = client_as(app, report_store).get("/briefing?as_of=2020-07-01&street=明水街道&charts=sites-by-street")
    assert r.status_code == 200 and r.mimetype == "text/html"
    body = r.get_data(as_text=True)
    assert "范围:明水街道" in body and "截至2020年7月1日,明水街道共有离退休干部党支部" in body


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
def test_pdf_has_its_pages_and_extractable_chinese(warm_renderer, svc, report_store, tmp_path, request):
    f = Filter.district(DAY)
    pdf = briefing.build_pdf(svc, f)
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    # pages 1–2: summary, KPI table and 需关注事项; then the five default charts, two to a page
    assert pages == 2 + (len(briefing.DEFAULT_CHARTS) + 1) // 2
    assert "A4" in info
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    squashed = re.sub(r"\s+", "", text)
    k = kpis(report_store.engine, f).now
    attention = svc.get("attention", f)
    for words in ("章丘区委老干部局党建工作简报", "工作概况", "主要指标", f"全区共有离退休干部党支部{k.active_branches}个",
                  "需关注事项", f"{len({i.subject_id for i in attention.of_kind('meetings')})}个党支部“三会一课”或主题党日逾期",
                  "各街道阵地类型", "阵地分布图", "演示数据"):
        assert words in squashed, words
    # pages as PNGs, for a person to look at (artifacts/briefing/)
    backend = request.node.callspec.id if hasattr(request.node, "callspec") else "sqlite"
    out = ARTIFACTS / backend
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("page-*.png"):
        old.unlink()
    shutil.copy(path, out / "briefing.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "72", "-png", str(path), str(out / "page")], check=True)
        assert len(list(out.glob("page-*.png"))) == pages


def test_pptx_opens_with_title_kpi_and_chart_slides(warm_renderer, svc, report_store):
    from pptx import Presentation
    from pptx.util import Inches

    f = Filter.district(DAY)
    charts = ("sites-by-street", "map")
    data = briefing.build_pptx(svc, f, charts)
    prs = Presentation(io.BytesIO(data))
    assert round(prs.slide_width / prs.slide_height, 3) == round(16 / 9, 3)
    assert prs.slide_width == Inches(13.333)
    slides = list(prs.slides)
    assert len(slides) == 3 + len(charts)  # title, KPIs, 需关注事项, a slide per chart
    title_text = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert "章丘区委老干部局党建工作简报" in title_text and "截至日:2020-07-01" in title_text
    tables = [s.table for s in slides[1].shapes if s.has_table]
    assert len(tables) == 1 and len(tables[0].rows) == 9
    k = kpis(report_store.engine, f).now
    assert tables[0].cell(2, 1).text == f"{k.party_members:,} 人"
    attention_text = " ".join(s.text_frame.text for s in slides[2].shapes if s.has_text_frame)
    assert "需关注事项" in attention_text and "处共建阵地未配备联络指导员" in attention_text
    for slide, pid in zip(slides[3:], charts):
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
        assert pictures[0].name == PANELS[pid].title


def test_cli_briefing_pdf_and_pptx(warm_renderer, report_store, tmp_path, capsys):
    from dashboard.cli import main

    settings = Settings(database_url=report_store.url)
    pptx = tmp_path / "b.pptx"
    assert main(["briefing", "--as-of", "2020-07-01", "--period", "year", "--charts", "map", "--out", str(pptx)],
                settings=settings) == 0
    assert pptx.read_bytes()[:2] == b"PK"
    capsys.readouterr()
    assert main(["briefing", "--charts", "nope", "--out", str(tmp_path / "x.pdf")], settings=settings) == 2
    assert "nope" in capsys.readouterr().err
