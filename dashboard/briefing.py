"""The briefing (简报): a summary written from the figures, an A4 page made for printing, and
the same as a PDF (printed by Chromium) or as 16:9 slides (python-pptx).

:func:`summary` is pure: figures in, Chinese sentences out. Every number in a sentence is one of
the figures given; a sentence whose figure is zero or missing is left out.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from dashboard import vocab
from dashboard.indicators import Filter
from dashboard.indicators.kpi import Figures
from dashboard.panels import KPIS, PANELS

TITLE = "章丘区委老干部局党建工作简报"
DEFAULT_CHARTS = ("sites-by-street", "activities-by-month", "volunteers-by-team", "four-in-one", "map")
MAX_CHARTS = 12


class BriefingError(ValueError):
    """A bad briefing parameter; the message is Chinese."""


def day_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _change(now: int, ago: int | None, unit: str) -> str:
    """", 较上年同期增加N{unit}" — only when there is a year-ago figure to compare with."""
    if not ago:
        return ""
    diff = now - ago
    if diff > 0:
        return f",较上年同期增加{diff}{unit}"
    if diff < 0:
        return f",较上年同期减少{-diff}{unit}"
    return ",与上年同期持平"


def _listing(parts: list[str]) -> str:
    return "、".join(p for p in parts if p)


def summary(now: Figures, f: Filter, where: str = "全区", year_ago: Figures | None = None,
            meetings: dict[str, int] | None = None) -> list[str]:
    """Sentences in the register of the bureau's own report, from the figures only.

    ``where`` names the scope ("全区", street names, or a branch); ``meetings`` counts branches
    by 三会一课 status (green/amber/red/none). District-wide records (newsletter, 红色记忆,
    problems solved) are named as such."""
    out: list[str] = []
    ago = year_ago
    as_of = day_zh(f.as_of)

    if now.active_branches:
        s = f"截至{as_of},{where}共有离退休干部党支部{now.active_branches}个"
        if now.functional_branches and now.established_branches:
            s += f",其中建制型党支部{now.established_branches}个、功能型党支部{now.functional_branches}个"
        elif now.functional_branches:
            s += ",均为功能型党支部"
        if now.party_members:
            s += f";离退休干部党员{now.party_members}名"
        out.append(s + "。")

    if now.volunteer_teams:
        s = f"{where}老干部志愿服务队伍{now.volunteer_teams}支"
        if now.volunteers:
            s += f"、志愿者{now.volunteers}人" + _change(now.volunteers, ago.volunteers if ago else None, "人")
        out.append(s + "。")

    theatres = now.sites_by_type.get(vocab.THEATRE, 0)
    site_parts = []
    if now.co_built_sites:
        site_parts.append(f"共建阵地{now.co_built_sites}处")
    if now.standardised_shared_rooms:
        site_parts.append(f"规范化共享式党员活动室{now.standardised_shared_rooms}处")
    if theatres:
        site_parts.append(f"芳华剧场{theatres}处")
    if now.education_bases:
        site_parts.append(f"关心下一代教育基地{now.education_bases}处")
    if site_parts:
        out.append(f"阵地建设方面,{where}现有" + _listing(site_parts) + "。")

    if now.activities:
        s = (f"{day_zh(f.start)}至{day_zh(f.end)},共开展各类活动{now.activities}场次"
             + _change(now.activities, ago.activities if ago else None, "场次"))
        if now.participants:
            s += f",参与活动{now.participants}人"
        kinds = []
        for category in (vocab.PRACTICE, vocab.NEXT_GENERATION, vocab.THEME_DAY):
            n = now.activities_by_category.get(category, 0)
            if n:
                kinds.append(f"{category}活动{n}场次" if category != vocab.THEME_DAY else f"主题党日{n}场次")
        if kinds:
            s += ",其中" + _listing(kinds)
        out.append(s + "。")

    if meetings:
        parts = [f"{meetings[k]}个党支部{label}" for k, label in (("green", "全部达标"), ("amber", "基本达标"),
                                                              ("red", "未达标")) if meetings.get(k)]
        if parts:
            out.append("“三会一课”落实方面," + ",".join(parts) + "。")

    records = []
    if now.newsletter_issues:
        records.append(f"《章丘老干部参考》累计编印{now.newsletter_issues}期")
    if now.oral_history_interviewees:
        records.append(f"“红色记忆”累计采访{now.oral_history_interviewees}人")
    if now.problems_solved:
        records.append(f"检视整改问题{now.problems_solved}个")
    if records:
        out.append("全区" + ",".join(records) + "。")
    return out


def meetings_by_status(rows: Sequence) -> dict[str, int]:
    return dict(Counter(r.status for r in rows))


def where_text(f: Filter, names: dict[str, str]) -> str:
    if f.branch_name:
        return f.branch_name
    if f.streets:
        return "、".join(names.get(s, s) for s in f.streets)
    return "全区"


def parse_charts(raw: str | Sequence[str] | None) -> tuple[str, ...]:
    """``charts=map,sites-by-street`` → panel ids, checked; empty means the default set."""
    if raw is None:
        return DEFAULT_CHARTS
    items = raw if not isinstance(raw, str) else [raw]
    ids: list[str] = []
    for item in items:
        ids += [p.strip() for p in re.split(r"[,,]", item) if p.strip()]
    if not ids:
        return DEFAULT_CHARTS
    for pid in ids:
        if pid not in PANELS:
            raise BriefingError(f"charts 中有未知的面板编号:“{pid}”")
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_CHARTS:
        raise BriefingError(f"charts 最多 {MAX_CHARTS} 个面板,收到 {len(ids)} 个")
    return tuple(ids)


# ---------------------------------------------------------------------------------------------
# the document's content, then its HTML

@dataclass(frozen=True)
class Briefing:
    filter: Filter
    scope: str
    where: str
    now: Figures
    year_ago: Figures
    sentences: list[str]
    charts: tuple[str, ...]
    demo: bool


def gather(svc, f: Filter, charts: Sequence[str] = DEFAULT_CHARTS, version: int | None = None) -> Briefing:
    from dashboard.export import _is_demo, street_names
    from layouts.components import scope_text

    version = version if version is not None else svc.version().version
    names = street_names(svc, version)
    k = svc.get("kpis", f, version)
    meetings = meetings_by_status(svc.get("three_meetings", f, version))
    where = where_text(f, names)
    return Briefing(f, scope_text(f, names), where, k.now, k.year_ago,
                    summary(k.now, f, where, k.year_ago, meetings), tuple(charts), _is_demo(svc))


def kpi_rows(b: Briefing) -> list[tuple[str, str, str, str]]:
    """(名称, 本期, 上年同期, 变化) for the KPI table of the page and of the slides."""
    from layouts.components import delta, number

    rows = []
    for kpi in KPIS:
        now, ago = getattr(b.now, kpi.key), getattr(b.year_ago, kpi.key)
        rows.append((kpi.title, f"{number(now)} {kpi.unit}", f"{number(ago)} {kpi.unit}",
                     delta(now, ago)[0].replace(" 较上年同期", "")))
    return rows


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r"""(url\(\s*['"]?#|href=['"]#)([^'")\s]+)""")


def namespaced_svg(svg: str, prefix: str) -> str:
    """An SVG ready to sit inline beside others: no XML prolog, its ids (clip paths, gradients)
    made unique with ``prefix`` so that two charts never share one."""
    svg = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg)
    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    return _REF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


CSS = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
html { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
       color: #1f2937; font-size: 10.5pt; line-height: 1.6; }
body { margin: 0; }
.sheet { max-width: 182mm; margin: 0 auto; }
header { border-bottom: 2px solid #b3261e; padding-bottom: 4mm; margin-bottom: 5mm; }
h1 { font-family: "Noto Serif CJK SC", "Source Han Serif SC", serif; color: #b3261e; font-size: 22pt;
     text-align: center; margin: 0 0 2mm; letter-spacing: 0.08em; }
.meta { text-align: center; color: #4b5563; font-size: 9.5pt; margin: 0; }
.demo { color: #9b2226; border: 1px solid #9b2226; padding: 0 1.5mm; margin-left: 2mm; font-size: 8.5pt; }
h2 { font-size: 13pt; border-left: 4px solid #b3261e; padding-left: 2.5mm; margin: 6mm 0 3mm; break-after: avoid; }
table.kpis { width: 100%; border-collapse: collapse; font-size: 10pt; }
table.kpis th, table.kpis td { border: 1px solid #d1d5db; padding: 1.4mm 2.5mm; text-align: right; }
table.kpis th:first-child, table.kpis td:first-child { text-align: left; }
table.kpis thead th { background: #f3f4f6; }
.summary p { text-indent: 2em; margin: 0 0 2mm; text-align: justify; }
figure.chart { margin: 0 0 6mm; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; display: block; }
.charts { break-before: page; page-break-before: always; }
footer { color: #6b7280; font-size: 8.5pt; margin-top: 6mm; border-top: 1px solid #e5e7eb; padding-top: 2mm; }
@media screen { body { background: #e5e7eb; } .sheet { background: #fff; padding: 14mm; margin: 8mm auto; max-width: 210mm; } }
"""


def briefing_html(b: Briefing, chart_svgs: dict[str, str]) -> str:
    """The A4 page: title, scope and as-of day, KPI table with the year-ago column, summary,
    then the charts (inline SVG, two to a page). No scripts, no external resources."""
    e = html.escape
    rows = "".join(f"<tr><td>{e(a)}</td><td>{e(bn)}</td><td>{e(c)}</td><td>{e(d)}</td></tr>"
                   for a, bn, c, d in kpi_rows(b))
    sentences = "".join(f"<p>{e(s)}</p>" for s in b.sentences) or "<p>所选范围内暂无可报告的数据。</p>"
    figures = "".join(
        f'<figure class="chart" aria-label="{e(PANELS[pid].title)}">{namespaced_svg(chart_svgs[pid], f"c{i}-")}</figure>'
        for i, pid in enumerate(b.charts) if pid in chart_svgs)
    demo = '<span class="demo">演示数据</span>' if b.demo else ""
    charts = f'<section class="charts"><h2>图表</h2>{figures}</section>' if figures else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(TITLE)}({e(b.filter.as_of.isoformat())})</title>
<style>{CSS}</style></head>
<body><main class="sheet">
<header><h1>{e(TITLE)}</h1><p class="meta">{e(b.scope)}{demo}</p></header>
<section class="summary"><h2>工作概况</h2>{sentences}</section>
<section><h2>主要指标</h2><table class="kpis"><thead><tr><th scope="col">指标</th><th scope="col">截至{e(day_zh(b.filter.as_of))}</th>
<th scope="col">上年同期</th><th scope="col">变化</th></tr></thead><tbody>{rows}</tbody></table></section>
{charts}
<footer>来源:章丘区委老干部局党建看板 · 数据截至{e(day_zh(b.filter.as_of))}{" · 演示数据,非真实台账" if b.demo else ""}</footer>
</main></body></html>"""


def chart_images(b: Briefing, svc, fmt: str, preset: str, version: int | None = None) -> dict[str, bytes]:
    from dashboard import export

    size = export.size_for(preset)
    out = {}
    for pid in b.charts:
        fig = export.export_figure(pid, svc, b.filter, version, "light", size)
        out[pid] = export.render(fig, fmt, size.width, size.height, size.scale)
    return out


def build_html(svc, f: Filter, charts: Sequence[str] = DEFAULT_CHARTS, version: int | None = None) -> str:
    b = gather(svc, f, charts, version)
    svgs = {pid: data.decode("utf-8") for pid, data in chart_images(b, svc, "svg", "a4", version).items()}
    return briefing_html(b, svgs)


# ---------------------------------------------------------------------------------------------
# PDF and slides

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def html_to_pdf(page_html: str, executable: str | None = None) -> bytes:
    """Print the page with Chromium (Playwright, the system browser; nothing downloaded).

    Runs on a thread of its own: Playwright's sync API refuses a thread whose asyncio loop is
    already running (a web server's, a test's browser session)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as pool:
        return pool.submit(_print_pdf, page_html, executable).result()


def _print_pdf(page_html: str, executable: str | None) -> bytes:
    from playwright.sync_api import sync_playwright

    from dashboard.export import RenderUnavailable, browser_path

    exe = executable or browser_path() or "/usr/bin/chromium"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                # nothing may leave the machine: the page has no external resources, and this proves it
                page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("data:", "about:"))
                           else route.continue_())
                page.set_content(page_html, wait_until="load")
                return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except Exception as exc:
        if "Executable doesn't exist" in str(exc) or "Failed to launch" in str(exc):
            raise RenderUnavailable(f"无法启动 Chromium 打印 PDF({exe}):{exc}") from exc
        raise


def build_pdf(svc, f: Filter, charts: Sequence[str] = DEFAULT_CHARTS, version: int | None = None) -> bytes:
    return html_to_pdf(build_html(svc, f, charts, version))


def build_pptx(svc, f: Filter, charts: Sequence[str] = DEFAULT_CHARTS, version: int | None = None) -> bytes:
    """16:9 slides: a title slide, a KPI slide, one slide per chart (PNG from the renderer)."""
    import io

    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    b = gather(svc, f, charts, version)
    pngs = chart_images(b, svc, "png", "slide", version)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    red, grey = RGBColor(0xB3, 0x26, 0x1E), RGBColor(0x4B, 0x55, 0x63)

    def text(slide, left, top, width, height, lines, size, colour=None, bold=False):
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = line
            para.font.size, para.font.bold, para.font.name = Pt(size), bold, "Noto Sans CJK SC"
            if colour is not None:
                para.font.color.rgb = colour
        return box

    blank = prs.slide_layouts[6]
    title = prs.slides.add_slide(blank)
    text(title, Inches(0.8), Inches(2.3), Inches(11.7), Inches(1.2), [TITLE], 40, red, True)
    text(title, Inches(0.8), Inches(3.6), Inches(11.7), Inches(1.4),
         [b.scope, "来源:章丘区委老干部局党建看板" + (" · 演示数据" if b.demo else "")], 18, grey)

    kpi = prs.slides.add_slide(blank)
    text(kpi, Inches(0.6), Inches(0.35), Inches(12), Inches(0.8), ["主要指标"], 30, red, True)
    rows = kpi_rows(b)
    shape = kpi.shapes.add_table(len(rows) + 1, 4, Inches(0.6), Inches(1.3), Inches(12.1), Inches(0.5) * (len(rows) + 1))
    table = shape.table
    for j, head in enumerate(("指标", f"截至{day_zh(b.filter.as_of)}", "上年同期", "变化")):
        table.cell(0, j).text = head
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    for cell in (table.cell(i, j) for i in range(len(rows) + 1) for j in range(4)):
        for para in cell.text_frame.paragraphs:
            para.font.size, para.font.name = Pt(16), "Noto Sans CJK SC"
    text(kpi, Inches(0.6), Inches(6.75), Inches(12), Inches(0.5), [b.scope], 12, grey)

    for pid in b.charts:
        slide = prs.slides.add_slide(blank)
        pic = slide.shapes.add_picture(io.BytesIO(pngs[pid]), Emu(0), Emu(0), width=prs.slide_width)
        pic.name = PANELS[pid].title
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
