"""The dashboard's words, once: numbers, changes against a year before, status words, the
filter in words, and days in Chinese. Plain strings and small records; pages add markup."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dashboard.indicators.filters import Filter

BUREAU = "章丘区委老干部局"
APP_TITLE = "党建看板"
SOURCE = f"{BUREAU}{APP_TITLE}"
MISSING = "—"
EMPTY = "暂无数据"
DEMO = "演示数据"
DEMO_NOTE = "本看板当前显示的是按规则生成的演示数据,不是真实台账"

# 三会一课 status of a branch (see docs/indicators.md)
STATUS_WORDS = {"green": "达标", "amber": "基本达标", "red": "未达标", "none": "未到期"}
STATUS_ORDER = {"red": 0, "amber": 1, "green": 2, "none": 3}


def number(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True)
class Change:
    """A figure against the same day a year before. ``direction`` is up, down or flat."""
    diff: int
    direction: str

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "flat": "—"}[self.direction]

    @property
    def short(self) -> str:
        """Arrow and amount (or 与上年同期持平): for a table column headed 变化."""
        return f"{self.arrow} {number(abs(self.diff))}" if self.diff else "— 与上年同期持平"

    @property
    def text(self) -> str:
        """The words under a KPI number: arrow, amount and what it is compared with."""
        return f"{self.short} 较上年同期" if self.diff else self.short

    def sentence(self, unit: str) -> str:
        """", 较上年同期增加N{unit}": for a sentence of the briefing."""
        if self.diff > 0:
            return f",较上年同期增加{self.diff}{unit}"
        if self.diff < 0:
            return f",较上年同期减少{-self.diff}{unit}"
        return ",与上年同期持平"


def change(now: int, ago: int) -> Change:
    diff = now - ago
    return Change(diff, "up" if diff > 0 else "down" if diff < 0 else "flat")


def day_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def as_of_text(day: dt.date) -> str:
    return f"截至 {day_zh(day)}"


def updated_text(changed_at: dt.datetime | None) -> str:
    """'数据更新于 …' in the server's local time, like every other day shown (the store keeps UTC)."""
    if changed_at is None:
        return f"数据更新于 {MISSING}"
    local = changed_at.replace(tzinfo=dt.UTC).astimezone()
    return f"数据更新于 {local:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Scope:
    """The filter in words: where (全区, street names or a branch), the period and the as-of day."""
    where: str
    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def details(self) -> str:
        """Where, period and as-of day, without a label in front (the big screen's header)."""
        return f"{self.where} · 统计期间:{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d} · 截至日:{self.as_of:%Y-%m-%d}"

    @property
    def short(self) -> str:
        """One line for a phone's folded filter: where · period · as-of day. A period that ends on
        the as-of day (the usual case) is written by its first day alone, to fit a 360 px screen."""
        if self.end == self.as_of:
            return f"{self.where} · {self.start:%Y-%m-%d}起 · 截至{self.as_of:%Y-%m-%d}"
        return f"{self.where} · {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d} · 截至{self.as_of:%Y-%m-%d}"

    @property
    def text(self) -> str:
        """Under the staff page's header, in embed captions and exports."""
        return f"范围:{self.details}"


def where_text(f: Filter, street_names: dict[str, str]) -> str:
    if f.branch_name:
        return f.branch_name
    if f.streets:
        return "、".join(street_names.get(s, s) for s in f.streets)
    return "全区"


def scope(f: Filter, street_names: dict[str, str]) -> Scope:
    return Scope(where_text(f, street_names), f.start, f.end, f.as_of)


def source_line(demo: bool) -> str:
    return f"来源:{SOURCE}" + (f"({DEMO})" if demo else "")


def filter_error(reason: str) -> str:
    return f"筛选条件有误:{reason}"


# -- shares (四就近) ----------------------------------------------------------------------------

def percent(share: float | None, digits: int = 1) -> str:
    """A share as a percentage, ``—`` when there is nothing to divide by."""
    return MISSING if share is None else f"{share * 100:.{digits}f}%"


def points_change(now: float | None, ago: float | None) -> str:
    """A share against a year before, in percentage points: ``▲ 2.4 个百分点``."""
    if now is None or ago is None:
        return MISSING
    diff = round((now - ago) * 100, 1)
    if diff == 0:
        return "— 与上年同期持平"
    return f"{'▲' if diff > 0 else '▼'} {abs(diff):.1f} 个百分点"


def km(metres: float) -> str:
    """A distance in kilometres as the bureau writes it: ``1.5公里``."""
    return f"{metres / 1000:g}公里"
