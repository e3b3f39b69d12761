"""The briefing (简报) as an A4 page made for printing: title, scope and as-of day, the KPI table
with the year-ago column, the summary, then the charts as inline SVG. No scripts, nothing external."""
from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dashboard import wording
from dashboard.attention import summary_lines
from dashboard.briefing.summary import meetings_by_status, summary
from dashboard.catalogue import NUMBERS, PANELS, on
from dashboard.indicators import Filter
from dashboard.indicators.kpi import KpiValues
from dashboard.wording import day_zh

TITLE = f"{wording.BUREAU}党建工作简报"
# the charts of a briefing unless it asks for others: the catalogue's panels for the briefing
DEFAULT_CHARTS = tuple(p.id for p in on("briefing"))
MAX_CHARTS = 12


class BriefingError(ValueError):
    """A bad briefing parameter; the message is Chinese."""


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
    now: KpiValues
    year_ago: KpiValues
    sentences: list[str]
    charts: tuple[str, ...]
    demo: bool
    attention: tuple[str, ...] = ()  # 需关注事项, one sentence per kind (dashboard.attention.summary_lines)


def gather(svc, f: Filter, charts: Sequence[str] | None = None, version: int | None = None) -> Briefing:
    from dashboard.export import is_demo

    charts = DEFAULT_CHARTS if charts is None else charts
    version = version if version is not None else svc.version().version
    names = {s.code: s.name for s in svc.streets(version)}
    k = svc.get("kpis", f, version)
    meetings = meetings_by_status(svc.get("three_meetings", f, version))
    scope = wording.scope(f, names)
    return Briefing(f, scope.text, scope.where, k.now, k.year_ago,
                    summary(k.now, f, scope.where, k.year_ago, meetings), tuple(charts), is_demo(svc),
                    tuple(summary_lines(svc.get("attention", f, version))))


def kpi_rows(b: Briefing) -> list[tuple[str, str, str, str]]:
    """(名称, 本期, 上年同期, 变化) for the KPI table of the page and of the slides."""
    rows = []
    for p in NUMBERS:
        now, ago = getattr(b.now, p.key), getattr(b.year_ago, p.key)
        rows.append((p.title, f"{wording.number(now)} {p.unit}", f"{wording.number(ago)} {p.unit}",
                     wording.change(now, ago).short))
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
.archive { max-width: 210mm; margin: 6mm auto 0; background: #fff; padding: 4mm 14mm; font-size: 10pt; }
.archive h2 { margin-top: 0; } .archive a { color: #9b2226; } .archive ul { margin: 0; padding-left: 5mm; }
@media print { .screen-only { display: none !important; } }
@media screen and (max-width: 640px) {
  .sheet { padding: 5mm 4mm; margin: 0; }
  .archive { margin: 0 0 3mm; padding: 3mm 4mm; }
  h1 { font-size: 17pt; letter-spacing: 0; }
  .demo, footer, table.kpis { font-size: 12px; }
  table.kpis th, table.kpis td { padding: 1mm 1.2mm; }
  .summary p { text-align: left; }
}
"""


def briefing_html(b: Briefing, chart_svgs: dict[str, str], screen_extra: str = "") -> str:
    """The A4 page: title, scope and as-of day, KPI table with the year-ago column, summary,
    then the charts (inline SVG, two to a page). No scripts, no external resources.
    ``screen_extra`` is markup shown on screen above the sheet and never printed (the archive)."""
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
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(TITLE)}({e(b.filter.as_of.isoformat())})</title>
<style>{CSS}</style></head>
<body>{screen_extra}<main class="sheet">
<header><h1>{e(TITLE)}</h1><p class="meta">{e(b.scope)}{demo}</p></header>
<section class="summary"><h2>工作概况</h2>{sentences}</section>
<section class="attention"><h2>需关注事项</h2>{"".join(f"<p>{e(s)}</p>" for s in b.attention)}</section>
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


def build_html(svc, f: Filter, charts: Sequence[str] | None = None, version: int | None = None,
               screen_extra: str = "") -> str:
    b = gather(svc, f, charts, version)
    svgs = {pid: data.decode("utf-8") for pid, data in chart_images(b, svc, "svg", "a4", version).items()}
    return briefing_html(b, svgs, screen_extra)


