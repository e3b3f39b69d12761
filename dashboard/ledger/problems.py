"""Problems found in an import, each with where it is (file, sheet, row, column) and why."""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, NOTICE = "error", "notice"
# the problems one check keeps (all are counted); a preview lists these and says how many more there are
DEFAULT_MAX_PROBLEMS = 200


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
    """A bounded list of problems: every one is counted, the first ``limit`` are kept (when the list
    is full an error takes the place of a kept notice), so a preview stays small however bad the
    files are. :meth:`listed` adds one line saying how many more there are."""

    def __init__(self, limit: int = DEFAULT_MAX_PROBLEMS):
        self.limit = max(1, limit)
        self.items: list[Problem] = []
        self.errors = 0
        self.notices = 0
        self._kept_notices = 0

    def add(self, level: str, message: str, *, file=None, sheet=None, row=None, column=None) -> None:
        if level == ERROR:
            self.errors += 1
        else:
            self.notices += 1
        if len(self.items) < self.limit:
            self.items.append(Problem(level, message, file, sheet, row, column))
            self._kept_notices += level != ERROR
        elif level == ERROR and self._kept_notices:
            # the list is full: the error replaces the last notice kept
            i = next(i for i in range(len(self.items) - 1, -1, -1) if not self.items[i].is_error)
            del self.items[i]
            self.items.append(Problem(level, message, file, sheet, row, column))
            self._kept_notices -= 1

    def error(self, message: str, **where) -> None:
        self.add(ERROR, message, **where)

    def error_first(self, message: str, *, file=None, sheet=None, row=None, column=None) -> None:
        """An error that heads the list however full it is (e.g. why reading stopped)."""
        self.errors += 1
        self.items.insert(0, Problem(ERROR, message, file, sheet, row, column))
        if len(self.items) > self.limit:
            self._kept_notices -= not self.items.pop().is_error

    def notice(self, message: str, **where) -> None:
        self.add(NOTICE, message, **where)

    @property
    def total(self) -> int:
        return self.errors + self.notices

    @property
    def omitted(self) -> int:
        return self.total - len(self.items)

    def listed(self) -> list[Problem]:
        """The problems kept, and, when some were left out, one line saying so (a notice: it is
        not itself a problem, and ``errors`` and ``notices`` do not count it)."""
        if not self.omitted:
            return list(self.items)
        return [*self.items, Problem(NOTICE, f"还有更多问题未列出(共发现至少 {self.total:,} 个),请先改正上面的问题再上传")]
