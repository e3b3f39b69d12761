"""Problems found in an import, each with where it is (file, sheet, row, column) and why."""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, NOTICE = "error", "notice"


@dataclass(frozen=True)
class Problem:
    level: str                 # "error" stops the import; "notice" is for information
    message: str               # the reason, in Chinese
    file: str | None = None
    sheet: str | None = None
    row: int | None = None     # the row number as Excel shows it (CSV: the line's record number)
    column: str | None = None  # the column header

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        elif self.file:
            parts.append(f"文件「{self.file}」")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"「{self.column}」列")
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        tag = "错误" if self.is_error else "提示"
        return f"[{tag}] {where}:{self.message}" if where else f"[{tag}] {self.message}"

    def to_json(self) -> dict:
        return asdict(self)


class Problems:
    """A bounded list of problems: all are counted, the first ``limit`` of each level are kept."""

    def __init__(self, limit: int = 1000):
        self.limit = limit
        self.items: list[Problem] = []
        self.errors = 0
        self.notices = 0

    def add(self, level: str, message: str, *, file=None, sheet=None, row=None, column=None) -> None:
        if level == ERROR:
            self.errors += 1
            kept = self.errors
        else:
            self.notices += 1
            kept = self.notices
        if kept <= self.limit:
            self.items.append(Problem(level, message, file, sheet, row, column))

    def error(self, message: str, **where) -> None:
        self.add(ERROR, message, **where)

    def notice(self, message: str, **where) -> None:
        self.add(NOTICE, message, **where)

    @property
    def omitted(self) -> int:
        return max(0, self.errors - self.limit) + max(0, self.notices - self.limit)
