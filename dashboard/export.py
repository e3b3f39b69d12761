"""Panels as images: a figure for every panel id, sizes for briefings, a caption, and one warm
kaleido renderer per process (the system Chromium, nothing fetched from the network).

    fig = export_figure("sites-by-street", svc, f, size=size_for(preset="slide"))
    png = render(fig, "png", *fig_size(fig))

or in one call: ``export_panel(panel_id, svc, f, "png", preset="a4")``.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import plotly.graph_objects as go

from dashboard import figures
from dashboard.indicators import Filter
from dashboard.indicators.three_meetings import BranchMeetings
from dashboard.panels import KPI_BY_KEY, PANELS
from dashboard.settings import Settings

FORMATS = ("png", "svg")
THEMES = tuple(figures.THEMES)
MIN_PX, MAX_PX = 200, 4000
MIN_SCALE, MAX_SCALE = 0.5, 4.0
STATUS_TEXT = {"green": "达标", "amber": "基本达标", "red": "未达标", "none": "未到期"}
STATUS_FILL = {"green": "#d1fae5", "amber": "#fef3c7", "red": "#fee2e2", "none": "#f3f4f6"}
STATUS_ORDER = {"red": 0, "amber": 1, "green": 2, "none": 3}
SOURCE_TEXT = "章丘区委老干部局党建看板"


class ExportError(ValueError):
    """A bad panel id or export parameter. The message is Chinese and safe to show."""


class UnknownPanel(ExportError):
    pass


class RenderUnavailable(RuntimeError):
    """No way to render correctly here (no Chromium, no CJK font). The message is Chinese."""


class FontMissing(RenderUnavailable):
    pass


# ---------------------------------------------------------------------------------------------
# sizes

@dataclass(frozen=True)
class Size:
    width: int
    height: int
    scale: float = 1.0


PRESETS = {
    "slide": Size(1600, 900),  # 16:9, fills a slide
    "a4": Size(794, 520),      # A4 width at 96 dpi (210 mm); two fit on a page
}
DEFAULT_PRESET = "slide"


def _number(name: str, raw, kind):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = kind(str(raw).strip()) if isinstance(raw, str) else kind(raw)
    except (TypeError, ValueError):
        word = "整数" if kind is int else "数值"
        raise ExportError(f"参数 {name} 须为{word}:“{raw}”") from None
    if kind is float and value != value:  # NaN
        raise ExportError(f"参数 {name} 须为数值:“{raw}”")
    return value


def size_for(preset: str | None = None, width=None, height=None, scale=None) -> Size:
    """The image size from a preset and/or explicit width, height (CSS px) and scale (pixel
    density). Strings are accepted (HTTP query values). Raises :class:`ExportError`."""
    if preset not in (None, ""):
        if preset not in PRESETS:
            raise ExportError(f"未知的尺寸预设:“{preset}”(可选:{'、'.join(PRESETS)})")
    w, h = _number("width", width, int), _number("height", height, int)
    s = _number("scale", scale, float)
    base = PRESETS[preset or DEFAULT_PRESET]
    if w is None and h is None:
        w, h = base.width, base.height
    elif w is None:
        w = round(h * base.width / base.height) if preset else round(h * 16 / 9)
    elif h is None:
        h = round(w * base.height / base.width) if preset else round(w * 9 / 16)
    for name, value in (("width", w), ("height", h)):
        if not MIN_PX <= value <= MAX_PX:
            raise ExportError(f"参数 {name} 须在 {MIN_PX}–{MAX_PX} 像素之间,收到 {value}")
    s = base.scale if s is None else s
    if not MIN_SCALE <= s <= MAX_SCALE:
        raise ExportError(f"参数 scale 须在 {MIN_SCALE:g}–{MAX_SCALE:g} 之间,收到 {s:g}")
    return Size(w, h, s)


def check_format(fmt: str) -> str:
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ExportError(f"不支持的图片格式:“{fmt}”(可选:png、svg)")
    return fmt


def check_theme(theme: str | None) -> str:
    theme = theme or "light"
    if theme not in THEMES:
        raise ExportError(f"未知的配色:“{theme}”(可选:{'、'.join(THEMES)})")
    return theme


def check_panel(panel_id: str) -> str:
    if panel_id not in PANELS:
        raise UnknownPanel(f"没有“{panel_id}”这个面板(可用 python -m dashboard panels --json 查看全部面板编号)")
    return panel_id


# ---------------------------------------------------------------------------------------------
# figures

def street_names(svc, version: int | None = None) -> dict[str, str]:
    v = version if version is not None else svc.version().version
    return {s.code: s.name for s in svc.streets(v)}


def panel_figure(panel_id: str, svc, f: Filter, version: int | None = None, theme: str = "light",
                 *, max_rows: int | None = None) -> go.Figure:
    """The figure of any panel in :data:`dashboard.panels.PANELS`, without a caption.
    Charts come from :func:`dashboard.figures.chart` (the map as its offline SVG drawing);
    KPI cards and the two tables are drawn here from the same data service."""
    check_panel(panel_id)
    theme = check_theme(theme)
    kind = PANELS[panel_id].kind
    if kind == "kpi":
        return kpi_figure(panel_id.removeprefix("kpi-"), svc.get("kpis", f, version), theme)
    if panel_id == "three-meetings":
        return meetings_figure(svc.get("three_meetings", f, version), street_names(svc, version), theme, max_rows)
    if panel_id == "latest-activities":
        return activities_figure(svc.get("latest_activities", f, version), theme)
    return go.Figure(figures.chart(panel_id, svc, f, version, theme, tiles=None))


def _fmt(n: int) -> str:
    return f"{n:,}"


def kpi_figure(key: str, k, theme: str = "light") -> go.Figure:
    """A KPI card as a figure: the big number with its unit, the change against a year before
    (arrow and words), the year-ago value and the card's small print."""
    from layouts.components import delta, kpi_note

    kpi = KPI_BY_KEY[key]
    t = figures.THEMES[theme]
    now, ago = getattr(k.now, key), getattr(k.year_ago, key)
    change, _ = delta(now, ago)
    fig = go.Figure()
    fig.add_annotation(text=f"{_fmt(now)}<span style='font-size:0.4em'> {kpi.unit}</span>", x=0.5, y=0.62,
                       font={"size": 96, "color": t.text}, name="value")
    fig.add_annotation(text=change, x=0.5, y=0.30, font={"size": 26, "color": t.accent}, name="delta")
    lines = [f"上年同期 {_fmt(ago)} {kpi.unit}"]
    note = kpi_note(key, k)
    if note:
        lines.append(note)
    fig.add_annotation(text=" · ".join(lines), x=0.5, y=0.12, font={"size": 18, "color": t.muted}, name="note")
    fig.update_annotations(xref="paper", yref="paper", showarrow=False, xanchor="center", yanchor="middle")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.update_layout(figures.base_layout(theme, show_legend=False))


def _table(header: list[str], columns: list[list], theme: str, widths: list[float],
           fills: list | None = None) -> go.Figure:
    t = figures.THEMES[theme]
    head_fill = "#f3f4f6" if theme == "light" else "#1b2f52"
    cell_fill = fills or (t.paper if theme == "light" else "#0f2444")
    fig = go.Figure(go.Table(
        columnwidth=widths,
        header={"values": [f"<b>{h}</b>" for h in header], "fill_color": head_fill, "align": "left",
                "font": {"color": t.text, "size": 14}, "line_color": t.grid, "height": 32},
        cells={"values": columns, "fill_color": cell_fill, "align": "left",
               "font": {"color": t.text, "size": 13}, "line_color": t.grid, "height": 28},
    ))
    return fig.update_layout(figures.base_layout(theme, show_legend=False))


def meetings_order(rows: list[BranchMeetings]) -> list[BranchMeetings]:
    """Worst first, as on the staff page."""
    return sorted(rows, key=lambda r: (STATUS_ORDER[r.status], r.rate if r.rate is not None else 2, r.name))


def meetings_figure(rows: list[BranchMeetings], names: dict[str, str], theme: str = "light",
                    max_rows: int | None = None) -> go.Figure:
    """三会一课 as a table: held/required per kind, the status in words (and colour)."""
    from dashboard import vocab

    if not rows:
        return go.Figure(figures.empty(theme))
    rows = meetings_order(rows)
    hidden = 0
    if max_rows is not None and len(rows) > max_rows:
        hidden, rows = len(rows) - max_rows, rows[:max_rows]
    kinds = list(vocab.THREE_MEETINGS_ONE_LECTURE)
    columns = [[r.name for r in rows], [names.get(r.street_code, r.street_code) for r in rows]]
    columns += [[f"{r.held[k]}/{r.required[k]}" for r in rows] for k in kinds]
    columns.append([STATUS_TEXT[r.status] for r in rows])
    plain = figures.THEMES[theme].paper if theme == "light" else "#0f2444"
    status_fill = [STATUS_FILL[r.status] if theme == "light" else plain for r in rows]
    fills = [[plain] * len(rows)] * (len(columns) - 1) + [status_fill]
    fig = _table(["党支部", "街道/镇", *kinds, "状态"], columns, theme, [3.2, 1.3, 1.2, 1, 1, 1, 1], fills)
    note = "单元格为统计期间内已开/应开次数"
    if hidden:
        note += f";按落实情况由差到好排列,另有 {hidden} 个党支部未列出"
    fig.update_layout(meta={"note": note, "hidden_rows": hidden})
    return fig


def activities_figure(rows: list, theme: str = "light") -> go.Figure:
    if not rows:
        return go.Figure(figures.empty(theme))
    columns = [[r.date.isoformat() for r in rows], [r.category for r in rows], [r.name for r in rows],
               [r.street_name for r in rows], [f"{r.participants}人" for r in rows]]
    return _table(["日期", "类别", "活动", "街道/镇", "参与人数"], columns, theme, [1.2, 1.2, 3.4, 1.2, 1])


def _font_size(width: int) -> int:
    return 12 if width < 1000 else 14 if width < 1400 else 16


def caption(panel_id: str, f: Filter, names: dict[str, str]) -> tuple[str, str]:
    """(the panel's Chinese title, the filter and the as-of day in words)."""
    from layouts.components import scope_text

    return PANELS[panel_id].title, scope_text(f, names)


def _effective(fig: go.Figure, get):
    """A layout value as plotly will use it: the figure's own, else its template's."""
    value = get(fig.layout)
    if value is None and fig.layout.template is not None:
        value = get(fig.layout.template.layout)
    return value


def decorate(fig: go.Figure, panel_id: str, f: Filter, names: dict[str, str], size: Size,
             theme: str = "light", *, demo: bool = False) -> go.Figure:
    """Give an export its caption and lay it out for the size. The caption sits on top, where
    no axis can push into it: the panel's title, then the filter in words with the as-of day and
    the source (marked 演示数据 for demo data). A table's note goes in a footnote. Legends move
    to the right; fonts suit the width."""
    t = figures.THEMES[theme]
    title, scope = caption(panel_id, f, names)
    base = _font_size(size.width)
    source = f"来源:{SOURCE_TEXT}" + ("(演示数据)" if demo else "")
    narrow = size.width < 1200
    subtitle = f"{scope}{'<br>' if narrow else ' · '}{source}"
    top = round(base * (6.4 if narrow else 5.2))
    margins = {side: _effective(fig, lambda lay, side=side: lay.margin[side]) or 0 for side in "tblr"}
    kind = PANELS[panel_id].kind
    note = fig.layout.meta.get("note") if isinstance(fig.layout.meta, dict) else None
    foot = round(base * 2.2) if note else 0
    margin = {"t": top + margins["t"] // 2, "b": margins["b"] + foot, "l": max(margins["l"], 24),
              "r": max(margins["r"], 24)}
    layout: dict = {
        "width": size.width, "height": size.height, "margin": margin,
        "font": {"size": base},
        "title": {"text": f"<b>{title}</b>",
                  "subtitle": {"text": subtitle, "font": {"size": base - 1, "color": t.muted}},
                  "x": 0.5 if kind == "kpi" else 0, "xanchor": "center" if kind == "kpi" else "left",
                  "xref": "container" if kind == "kpi" else "paper",
                  "yref": "container", "y": 1 - base * 0.8 / size.height, "yanchor": "top",
                  "font": {"size": base + 8, "color": t.text}},
    }
    if _effective(fig, lambda lay: lay.legend.orientation) == "h" and fig.layout.showlegend is not False:
        layout["legend"] = {"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top"}
    if kind == "kpi":
        # the number fills the card: its parts scale with the free height
        free = size.height - top
        for ann, share in zip(fig.layout.annotations, (0.30, 0.075, 0.05)):
            ann.font.size = max(10, round(free * share))
    fig.update_layout(**layout)
    # an export is drawn once, at its own font size: let plotly fit the margins to the labels
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    if note:
        fig.add_annotation(text=note, xref="paper", yref="paper", x=0, xanchor="left", y=0, yanchor="bottom",
                           yshift=-margin["b"] + 4, showarrow=False, align="left",
                           font={"size": max(base - 2, 10), "color": t.muted}, name="footnote")
    return fig


def _table_rows_that_fit(size: Size) -> int:
    base = _font_size(size.width)
    free = size.height - round(base * 5.6) - round(base * 2.4) - 40 - 32
    return max(3, free // 28)


def export_figure(panel_id: str, svc, f: Filter, version: int | None = None, theme: str = "light",
                  size: Size | None = None) -> go.Figure:
    """The panel's figure with its caption, laid out for ``size`` (default: the slide preset)."""
    size = size or PRESETS[DEFAULT_PRESET]
    version = version if version is not None else svc.version().version
    max_rows = _table_rows_that_fit(size) if panel_id == "three-meetings" else None
    fig = panel_figure(panel_id, svc, f, version, theme, max_rows=max_rows)
    demo = _is_demo(svc)
    return decorate(fig, panel_id, f, street_names(svc, version), size, theme, demo=demo)


def _is_demo(svc) -> bool:
    try:
        return svc.store.demo_info() is not None
    except Exception:  # noqa: BLE001 - the mark is a courtesy; no store meta means no mark
        return False


def export_panel(panel_id: str, svc, f: Filter, fmt: str = "png", *, preset: str | None = None,
                 width=None, height=None, scale=None, theme: str = "light",
                 version: int | None = None) -> bytes:
    """PNG or SVG bytes of a panel for a resolved filter. Raises :class:`ExportError` for bad
    arguments and :class:`RenderUnavailable` when this machine cannot render correctly."""
    check_panel(panel_id)
    fmt, theme = check_format(fmt), check_theme(theme)
    size = size_for(preset, width, height, scale)
    fig = export_figure(panel_id, svc, f, version, theme, size)
    return render(fig, fmt, size.width, size.height, size.scale)


def filename(panel_id: str, f: Filter, fmt: str) -> str:
    """An ASCII file name: ``<panel-id>_<as-of>.<fmt>``."""
    return f"{panel_id}_{f.as_of.isoformat()}.{fmt}"


def content_disposition(panel_id: str, f: Filter, fmt: str) -> str:
    """``inline`` with an ASCII name and the Chinese one (RFC 6266 ``filename*``)."""
    zh = f"{PANELS[panel_id].title}_{f.as_of.isoformat()}.{fmt}"
    return f"inline; filename=\"{filename(panel_id, f, fmt)}\"; filename*=UTF-8''{quote(zh)}"


def export_url(panel_id: str, fmt: str = "png", query: str = "", *, preset: str | None = None,
               width: int | None = None, height: int | None = None, scale: float | None = None,
               theme: str | None = None) -> str:
    """The path of ``GET /export/<panel-id>.<fmt>`` for a filter query string (as given by
    ``FilterArgs.to_query()``, with or without the leading ``?``) and optional size."""
    check_panel(panel_id)
    check_format(fmt)
    extra = [(k, v) for k, v in (("preset", preset), ("width", width), ("height", height), ("scale", scale),
                                 ("theme", theme)) if v is not None]
    q = query.lstrip("?")
    if extra:
        q = f"{q}&{urlencode(extra)}" if q else urlencode(extra)
    return f"/export/{panel_id}.{fmt}" + (f"?{q}" if q else "")


# ---------------------------------------------------------------------------------------------
# fonts and the renderer

_font_ok = False


def cjk_fonts() -> list[str]:
    """Families of the installed fonts that cover Chinese (``fc-list :lang=zh``)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(",")[0].strip() for line in out.stdout.splitlines() if line.strip()})


def check_cjk_font() -> None:
    """Raise :class:`FontMissing` unless a CJK font is installed: without one every Chinese
    character would come out as a box, and an export must never do that silently."""
    global _font_ok
    if _font_ok:
        return
    if not cjk_fonts():
        raise FontMissing("未安装中文(CJK)字体,导出的图片中汉字会显示为方框。"
                          "请安装 fonts-noto-cjk 或 fonts-wqy-microhei(apt-get install fonts-noto-cjk)。")
    _font_ok = True


def browser_path() -> str | None:
    """BROWSER_PATH (kaleido's own variable), else DASHBOARD_CHROMIUM, else /usr/bin/chromium,
    else whatever kaleido finds on PATH."""
    for candidate in (Settings.from_env().chromium, "/usr/bin/chromium"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


class Renderer:
    """One headless Chromium kept warm by kaleido, driven from its own event-loop thread.

    ``kaleido.start_sync_server`` would also keep a browser warm, but its sync calls share one
    result queue, so two threads exporting at once can receive each other's images. Here each
    call is its own coroutine on the loop and gets its own answer; ``tabs`` renders run at once.
    MathJax is off (it would come from a CDN) and plotly.js is the copy inside plotly.py, so
    nothing is fetched from the network."""

    def __init__(self, tabs: int = 1, timeout: float = 60.0, path: str | None = None):
        self.tabs, self.timeout, self.path = tabs, timeout, path
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self.started_in: float | None = None

    def start(self) -> Renderer:
        with self._lock:
            if self._kaleido is not None:
                return self
            import time

            import kaleido

            t0 = time.perf_counter()
            path = self.path or browser_path()
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="kaleido-loop", daemon=True).start()

            async def open_browser():
                k = kaleido.Kaleido(n=self.tabs, timeout=self.timeout, mathjax=False,
                                    **({"path": path} if path else {}))
                await k.open()
                return k

            try:
                self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(timeout=120)
            except Exception as exc:
                loop.call_soon_threadsafe(loop.stop)
                raise RenderUnavailable(f"无法启动 kaleido/Chromium 渲染器({type(exc).__name__}: {exc});"
                                        "请安装 chromium,或用 BROWSER_PATH 指明其路径") from exc
            self._loop = loop
            self.started_in = time.perf_counter() - t0
            return self

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def render(self, fig: go.Figure | dict, fmt: str, width: int, height: int, scale: float = 1.0) -> bytes:
        self.start()
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts=opts), self._loop)
        return future.result(timeout=self.timeout + 10)

    def close(self) -> None:
        with self._lock:
            if self._kaleido is None:
                return
            try:
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(timeout=30)
            except Exception:  # noqa: BLE001 - closing a dead browser
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._kaleido = self._loop = None


_renderer: Renderer | None = None
_renderer_lock = threading.Lock()


def renderer() -> Renderer:
    """The process's renderer (created on first use, started on first render)."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = Renderer(tabs=Settings.from_env().export_tabs)
        return _renderer


def render(fig: go.Figure | dict, fmt: str = "png", width: int | None = None, height: int | None = None,
           scale: float = 1.0) -> bytes:
    """PNG or SVG bytes of a figure through the warm renderer. Width/height default to the
    figure's own layout size, else the slide preset."""
    fmt = check_format(fmt)
    check_cjk_font()
    layout = fig.layout if isinstance(fig, go.Figure) else go.Layout(fig.get("layout", {}))
    width = width or layout.width or PRESETS[DEFAULT_PRESET].width
    height = height or layout.height or PRESETS[DEFAULT_PRESET].height
    r = renderer()
    try:
        return r.render(fig, fmt, int(width), int(height), float(scale))
    except RenderUnavailable:
        raise
    except Exception:  # noqa: BLE001
        # a browser that died (killed, out of memory) is started again once
        r.close()
        return r.render(fig, fmt, int(width), int(height), float(scale))
