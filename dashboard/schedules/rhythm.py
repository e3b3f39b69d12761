"""When a scheduled briefing is due: every N months (N divides 12, counted from January) on a day."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EVERY = {1: "每月", 2: "每两个月", 3: "每季度", 4: "每四个月", 6: "每半年", 12: "每年"}
LAST_DAY = 28  # every month has it


class ScheduleError(ValueError):
    """A schedule that cannot be kept; the message is Chinese."""


@dataclass(frozen=True)
class Rhythm:
    every_months: int
    day: int

    def __post_init__(self) -> None:
        if self.every_months not in EVERY:
            raise ScheduleError(f"间隔月数应为 {'、'.join(map(str, EVERY))} 之一(收到 {self.every_months})")
        if not 1 <= self.day <= LAST_DAY:
            raise ScheduleError(f"日期应为每月 1 至 {LAST_DAY} 日(收到 {self.day})")

    def months(self) -> tuple[int, ...]:
        return tuple(range(1, 13, self.every_months))

    def latest(self, today: dt.date) -> dt.date:
        """The last due day on or before ``today``."""
        year, month = today.year, today.month
        while True:
            if month in self.months() and dt.date(year, month, self.day) <= today:
                return dt.date(year, month, self.day)
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)

    def following(self, today: dt.date) -> dt.date:
        """The first due day after ``today``."""
        year, month = today.year, today.month
        while True:
            if month in self.months() and dt.date(year, month, self.day) > today:
                return dt.date(year, month, self.day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    @property
    def text(self) -> str:
        if self.every_months == 1:
            return f"每月{self.day}日"
        if self.every_months == 12:
            return f"每年1月{self.day}日"
        return f"{EVERY[self.every_months]}({'、'.join(map(str, self.months()))}月){self.day}日"
