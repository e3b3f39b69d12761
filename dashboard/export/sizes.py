"""Export parameters, checked: image sizes and presets, formats and themes. Errors are Chinese."""
from __future__ import annotations

from dataclasses import dataclass

from dashboard import figures

FORMATS = ("png", "svg")
THEMES = tuple(figures.THEMES)
MIN_PX, MAX_PX = 200, 4000
MIN_SCALE, MAX_SCALE = 0.5, 4.0


class ExportError(ValueError):
    """A bad panel id or export parameter. The message is Chinese and safe to show."""


class UnknownPanel(ExportError):
    pass


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
