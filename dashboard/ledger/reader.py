"""Reading uploaded files (.xlsx workbooks or one CSV per sheet) into typed rows.

Row-local checks happen here (types, lists, lengths, required cells, end before start,
coordinates); checks across rows and against the store happen in :mod:`dashboard.ledger.plan`.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePath

from dashboard import geo
from dashboard.ledger import values as cell_values
from dashboard.ledger.contract import (
    BOOL,
    BY_NAME,
    CHOICE,
    CHOICES,
    CODE,
    COORDSYS,
    DATE,
    FLOAT,
    INT,
    LAT,
    LON,
    REF,
    SHEETS,
    SILENT_SHEETS,
    TEXT,
    Col,
    Sheet,
)
from dashboard.ledger.problems import DEFAULT_MAX_PROBLEMS, Problems
from dashboard.settings import Settings

DEFAULT_MAX_BYTES = Settings.import_max_mb * 1024 * 1024  # the settings' defaults, declared there
# what one import may hold (all files and sheets together); reading stops as soon as one is passed
DEFAULT_MAX_ROWS = Settings.import_max_rows  # rows with data below a header row (DASHBOARD_IMPORT_MAX_ROWS)
DEFAULT_MAX_CELLS = 5_000_000      # cells in the files, empty formatted ones included
# what one .xlsx may unpack to: about 5,000,000 cells at 40 bytes each (a real ledger packs about 15:1)
DEFAULT_MAX_UNPACKED = 200 * 1024 * 1024
DEFAULT_MAX_RATIO = 100            # uncompressed : compressed, of any part of a workbook that is read
RATIO_FLOOR = 1024 * 1024          # parts smaller than this are not judged by their ratio
WHOLE_PART_MAX = 32 * 1024 * 1024  # parts read whole (workbook, relationships, styles): real ones are a few KB
READ_CHUNK = 64 * 1024
HEADER_SCAN_ROWS = 10
# optional columns whose empty cell means a value, not "nothing"
DEFAULTS = {"co_built": False, "standardised": False, "participants": 0, "hours": 0.0}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """How much an import may hold, and so how much work checking it may cost.

    ``max_bytes`` is per file (a file above it is refused unread); ``max_rows`` (rows with data) and
    ``max_cells`` (every cell in the files, empty formatted ones included) are for the whole import,
    all files and sheets together, and are enforced while reading: reading stops at the first row or
    cell past them. ``max_unpacked`` and ``max_ratio`` are per workbook, judged from the zip's
    directory before anything is decompressed and again while decompressing."""
    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS
    max_cells: int = DEFAULT_MAX_CELLS
    max_unpacked: int = DEFAULT_MAX_UNPACKED
    max_ratio: int = DEFAULT_MAX_RATIO
    max_problems: int = DEFAULT_MAX_PROBLEMS


class TooMuch(Exception):
    """Reading stopped at a limit; the message is for the user. Nothing of the import is kept."""

    def __init__(self, message: str, sheet: str | None = None):
        super().__init__(message)
        self.sheet = sheet


def _mb(size: int) -> str:
    return f"{size / 1048576:,.0f} MB" if size >= 10 * 1048576 else f"{size / 1048576:,.1f} MB"


class _Budget:
    """The rows and cells one import may still read (all files and sheets together)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def row(self) -> None:
        self.rows += 1
        if self.rows > self.limits.max_rows:
            raise TooMuch(f"文件中的数据超过上限:最多 {self.limits.max_rows:,} 行(DASHBOARD_IMPORT_MAX_ROWS),未导入任何数据;"
                          "上限按一次导入的所有文件和工作表合计,请拆分为几次导入(看板导出的数据可在“导出范围”中按年度导出)")

    def cell(self, n: int = 1) -> None:
        self.cells += n
        if self.cells > self.limits.max_cells:
            raise TooMuch(f"文件中的数据超过上限:最多 {self.limits.max_cells:,} 个单元格(含设置了格式的空单元格),未导入任何数据;"
                          "请删除多余的空行空列后另存,或拆分为几次导入")


class Row:
    __slots__ = ("num", "values", "sheet", "file")

    def __init__(self, num: int, values: dict, sheet: str, file: str):
        self.num, self.values, self.sheet, self.file = num, values, sheet, file


@dataclass
class SheetData:
    """The rows of one sheet from one file, typed; ``fields`` are the columns the file has."""
    spec: Sheet
    file: str
    fields: set[str] = field(default_factory=set)
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class FileInfo:
    name: str
    size: int
    sha256: str


def _norm_header(value: object) -> str | None:
    value = cell_values.clean(value)
    if value is None:
        return None
    text = cell_values.as_text(value)
    text = re.sub(r"[(（].*?[)）]\s*$", "", text).strip().rstrip("*＊").strip()
    return text or None


_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _cell(ref: str) -> tuple[int, int]:
    m = _CELL.match(ref.replace("$", ""))
    if not m:
        raise ValueError(ref)
    return int(m[2]), _col_index(m[1])


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW_TAG, _CELL_TAG, _VALUE_TAG, _FORMULA_TAG = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}f"
_INLINE_TAG, _TEXT_TAG, _RUN_TAG, _MERGE_TAG = f"{_NS}is", f"{_NS}t", f"{_NS}r", f"{_NS}mergeCell"
MAX_MERGES_KEPT = 2000  # each is an error below the header row; more than the problems shown is no use


class _Formula:
    """The value of a cell that holds a formula (its cached value may be stale, so it is not used)."""

    def __repr__(self) -> str:
        return "<formula>"


FORMULA = _Formula()


@dataclass
class _XmlFacts:
    """What a sheet says besides its cells; collected while its rows are read."""
    hidden_rows: list[int] = field(default_factory=list)
    merged: list[tuple[str, int, int, int, int]] = field(default_factory=list)  # ref, r1, c1, r2, c2


@dataclass
class _Book:
    """What every sheet of a workbook needs to type its cells (openpyxl's date conversions included,
    so that openpyxl is imported only when a workbook is read)."""
    strings: list = field(default_factory=list)
    date_styles: frozenset = frozenset()
    timedelta_styles: frozenset = frozenset()
    epoch: object = None
    from_excel: object = None
    from_iso: object = None


class _Counted:
    """A decompressing stream that stops with :class:`TooMuch` past the workbook's budget or the
    part's declared size: the zip's directory is checked before, this holds even if it lies."""

    def __init__(self, raw, declared: int, unpacked: list[int], limits: Limits):
        self.raw, self.declared, self.unpacked, self.limits = raw, declared, unpacked, limits
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(READ_CHUNK if n is None or n < 0 else min(n, READ_CHUNK))
        self.read_bytes += len(data)
        self.unpacked[0] += len(data)
        if self.read_bytes > self.declared or self.unpacked[0] > self.limits.max_unpacked:
            raise TooMuch(f"工作簿解压后超过上限 {_mb(self.limits.max_unpacked)}(或与其目录不符,疑为「压缩炸弹」),"
                          "已停止读取,未导入任何数据;请用 Excel 打开后另存为 .xlsx,或拆分后导入")
        return data


def _column(ref: str) -> int:
    """The column number of a cell reference (``XFD7`` → 16384), from its letters only."""
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    if not 1 <= n <= 16384:
        raise ValueError(f"bad cell reference {ref!r}")
    return n


def _inline_text(node) -> str:
    """An inline string's text: its plain part and its rich-text runs, without phonetic guides (rPh)."""
    parts = []
    for child in node:
        if child.tag == _TEXT_TAG:
            parts.append(child.text or "")
        elif child.tag == _RUN_TAG:
            parts.append(child.findtext(_TEXT_TAG) or "")
    return "".join(parts)


def _number(text: str) -> int | float:
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _cell_value(c, book: _Book) -> object:
    """A cell element's value as openpyxl gives it (numbers, text, dates, booleans), FORMULA, or None."""
    if c.find(_FORMULA_TAG) is not None:
        return FORMULA
    kind = c.get("t", "n")
    if kind == "inlineStr":
        node = c.find(_INLINE_TAG)
        return None if node is None else _inline_text(node)
    text = c.findtext(_VALUE_TAG)
    if not text:
        return None
    if kind == "n":
        value = _number(text)
        style = c.get("s")
        if style and int(style) in book.date_styles:
            try:
                return book.from_excel(value, book.epoch, timedelta=int(style) in book.timedelta_styles)
            except (OverflowError, ValueError):
                return value  # out of any date's range: the column's check says so
        return value
    if kind == "s":
        return book.strings[int(text)]
    if kind == "b":
        return text.strip() not in ("0", "false")
    if kind == "d":
        return book.from_iso(text)
    return text  # "str" (a formula's text result) and "e" (an error such as #N/A)


class _SheetRows:
    """The rows of one worksheet's XML, streamed: (row number, {column index from 0: value}) for the
    rows the file actually holds. Neither the sheet's declared size (``<dimension>``) nor missing
    or empty rows and cells cost anything beyond the bytes they take; each cell element and each
    row without cells counts against the import's cell budget as it is read. Hidden rows and
    merged ranges are collected into ``facts`` on the way."""

    def __init__(self, source, book: _Book, budget: _Budget, facts: _XmlFacts):
        self.source, self.book, self.budget, self.facts = source, book, budget, facts
        self.wanted: set[int] | None = None  # column indexes whose values are needed; None: all

    def narrow(self, columns) -> None:
        self.wanted = set(columns)

    def __iter__(self):
        from xml.etree.ElementTree import XMLPullParser

        parser = XMLPullParser(events=("start", "end"))
        stack: list = []  # the open elements
        num = col = width = 0
        cells: dict[int, object] = {}
        hidden = False
        while True:
            chunk = self.source.read(READ_CHUNK)
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
            for event, el in parser.read_events():
                if event == "start":
                    stack.append(el)
                    if el.tag == _ROW_TAG:
                        r = el.get("r")
                        num = int(float(r)) if r else num + 1
                        hidden = el.get("hidden") in ("1", "true")
                        col, width, cells = 0, 0, {}
                    continue
                stack.pop()
                tag = el.tag
                if tag == _CELL_TAG:
                    self.budget.cell()
                    width += 1
                    ref = el.get("r")
                    col = _column(ref) if ref else col + 1
                    if self.wanted is None or col - 1 in self.wanted:
                        value = _cell_value(el, self.book)
                        if value is not None:
                            cells[col - 1] = value
                    if stack:
                        stack[-1].clear()  # the row keeps no cells (its attributes were read at its start)
                    continue
                if tag == _ROW_TAG:
                    if cells:
                        if hidden:
                            self.facts.hidden_rows.append(num)
                    if not width:
                        self.budget.cell()  # a row without cells costs as much as a cell
                    if stack:
                        stack[-1].clear()
                    yield num, cells
                    continue
                if tag == _MERGE_TAG and len(self.facts.merged) < MAX_MERGES_KEPT:
                    ref = (el.get("ref") or "").replace("$", "")
                    a, _, b = ref.partition(":")
                    try:
                        r1, c1 = _cell(a)
                        r2, c2 = _cell(b or a)
                    except ValueError:
                        pass
                    else:
                        self.facts.merged.append((ref, r1, c1, r2, c2))
                if 0 < len(stack) <= 2:
                    stack[-1].clear()  # whatever else the sheet holds is not kept either
            if not chunk:
                return


def _ranges(numbers: list[int]) -> str:
    out, numbers = [], sorted(numbers)
    start = prev = numbers[0]
    for n in numbers[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start}" if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return "、".join(out[:20]) + ("…" if len(out) > 20 else "")


class _SheetReader:
    """Turns the raw rows of one sheet (an iterator of (row number, {column index from 0: value}))
    into typed rows; every row with data counts against the import's row budget as it is read."""

    def __init__(self, spec: Sheet, file: str, problems: Problems, budget: _Budget, progress=None):
        self.spec, self.file, self.problems, self.budget, self.progress = spec, file, problems, budget, progress
        self.data = SheetData(spec, file)
        self.columns: dict[int, Col] = {}
        self.header_row: int | None = None

    def where(self, row: int | None = None, column: str | None = None) -> dict:
        return {"file": self.file, "sheet": self.spec.name, "row": row, "column": column}

    def find_header(self, num: int, cells: dict) -> bool:
        names = {i: _norm_header(cells[i]) for i in sorted(cells) if cells[i] is not FORMULA}
        if not any(n in self.spec.headers for n in names.values()):
            return False
        self.header_row = num
        seen: dict[str, int] = {}
        extra = []
        for i, name in names.items():
            if name is None:
                continue
            col = self.spec.headers.get(name)
            if col is None:
                extra.append(name)
                continue
            if name in seen:
                self.problems.error(f"列名「{name}」重复出现", **self.where(num, name))
                continue
            seen[name] = i
            self.columns[i] = col
        for col in self.spec.cols:
            if col.required and col.header not in seen:
                self.problems.error("缺少必填列", **self.where(num, col.header))
        if self.spec.coords:
            lon, lat = (self.spec.col(f).header for f in self.spec.coords)
            if (lon in seen) != (lat in seen):
                missing = lat if lon in seen else lon
                self.problems.error("经度和纬度两列须同时提供", **self.where(num, missing))
        if extra:
            self.problems.notice(f"以下列不属于台账格式,已忽略:{'、'.join(extra[:10])}", **self.where(num))
        self.data.fields = {c.field for c in self.columns.values()}
        return True

    def read(self, rows, facts: _XmlFacts | None = None) -> SheetData | None:
        try:
            for num, cells in rows:
                if self.header_row is None:
                    if num > HEADER_SCAN_ROWS:
                        break
                    if cells and self.find_header(num, cells) and hasattr(rows, "narrow"):
                        rows.narrow(self.columns)  # from here on only the ledger's columns are typed
                    continue
                if cells:
                    self.row(num, cells)
                if self.progress and num % 5000 == 0:
                    self.progress(f"读取「{self.spec.name}」", num, None)
        except TooMuch as stop:
            stop.sheet = stop.sheet or self.spec.name
            raise
        if self.header_row is None:
            self.problems.error(
                f"前{HEADER_SCAN_ROWS}行中找不到列名行(应含 {'、'.join(c.header for c in self.spec.cols[:4])} 等)",
                **self.where())
            return None
        if facts is not None:
            self.check_facts(facts)
        return self.data

    def check_facts(self, facts: _XmlFacts) -> None:
        header = self.header_row or 0
        for ref, r1, c1, r2, c2 in facts.merged:
            if r2 < header:
                continue  # a title above the header row
            col = next((self.columns[c - 1].header for c in range(c1, c2 + 1) if c - 1 in self.columns), None)
            self.problems.error(f"合并单元格 {ref}:请取消合并,并在每一行填入完整数值", **self.where(max(r1, header), col))
        hidden = [r for r in facts.hidden_rows if r > header]
        if hidden:
            self.problems.notice(f"第 {_ranges(hidden)} 行为隐藏行,已照常检查和导入", **self.where())

    def row(self, num: int, cells: dict) -> None:
        present = []
        for i, col in self.columns.items():
            raw = cells.get(i)
            if raw is not None and raw is not FORMULA:
                raw = cell_values.clean(raw)
            if raw is not None:
                present.append((col, raw))
        if not present:
            return  # empty rows are skipped, and not counted
        self.budget.row()  # stops reading past the import's row limit, before this row costs anything
        values: dict = dict.fromkeys(self.data.fields)
        for col, raw in present:
            if raw is FORMULA:
                self.problems.error("单元格含公式,请复制后「选择性粘贴为数值」再导入", **self.where(num, col.header))
                continue
            try:
                values[col.field] = self.convert(col, raw)
            except cell_values.Bad as exc:
                self.problems.error(str(exc), **self.where(num, col.header))
                values[col.field] = _INVALID
        for fld, default in DEFAULTS.items():
            if fld in values and values[fld] is None:
                values[fld] = default
        self.check_row(num, values)
        self.data.rows.append(Row(num, values, self.spec.name, self.file))

    @staticmethod
    def convert(col: Col, raw: object) -> object:
        kind = col.kind
        if kind in (CODE, TEXT, REF):
            value = cell_values.as_text(raw)
            if col.maxlen and len(value) > col.maxlen:
                raise cell_values.Bad(f"长度 {len(value)} 超过上限 {col.maxlen} 个字符")
            return value
        if kind == CHOICE:
            return cell_values.as_choice(raw, col.choices)
        if kind == CHOICES:
            return cell_values.as_choices(raw, col.choices)
        if kind == DATE:
            return cell_values.as_date(raw)
        if kind == INT:
            value = cell_values.as_int(raw)
        elif kind in (FLOAT, LON, LAT):
            value = cell_values.as_float(raw)
        elif kind == BOOL:
            return cell_values.as_bool(raw)
        elif kind == COORDSYS:
            return cell_values.as_coord_system(raw)
        else:  # pragma: no cover
            raise AssertionError(kind)
        low, high = col.low, col.high
        if kind == LON:
            low, high = -180, 180
        elif kind == LAT:
            low, high = -90, 90
        if (low is not None and value < low) or (high is not None and value > high):
            raise cell_values.Bad(f"「{cell_values.show(raw)}」超出范围 {cell_values.show(low)}–{cell_values.show(high)}")
        return value

    def check_row(self, num: int, values: dict) -> None:
        spec = self.spec
        for col in spec.cols:
            if col.required and col.field in values and values[col.field] is None:
                self.problems.error("必填项为空", **self.where(num, col.header))
        if spec.period:
            start, end = (values.get(f) for f in spec.period)
            if isinstance(start, cell_values.dt.date) and isinstance(end, cell_values.dt.date) and end < start:
                self.problems.error(
                    f"{spec.col(spec.period[1]).header} {end.isoformat()} 早于 "
                    f"{spec.col(spec.period[0]).header} {start.isoformat()}",
                    **self.where(num, spec.col(spec.period[1]).header))
        if spec.year_of:
            day, year = (values.get(f) for f in spec.year_of)
            if isinstance(day, cell_values.dt.date) and isinstance(year, int) and day.year != year:
                self.problems.error(
                    f"{spec.col(spec.year_of[0]).header} {day.isoformat()} 与{spec.col(spec.year_of[1]).header} "
                    f"{year} 不一致", **self.where(num, spec.col(spec.year_of[0]).header))
        if spec.coords:
            fl, fa = spec.coords
            lon, lat = values.get(fl), values.get(fa)
            if (lon is None) != (lat is None):
                missing = fa if lat is None else fl
                self.problems.error("经度和纬度须同时填写或同时留空", **self.where(num, spec.col(missing).header))
            elif isinstance(lon, float) and isinstance(lat, float):
                system = values.pop("coord_system", None) or "WGS84"
                if system is _INVALID:
                    return
                lon, lat = geo.to_wgs84(lon, lat, system)
                if not geo.in_district(lon, lat):
                    sysname = "" if system == "WGS84" else f"(按 {system} 换算后)"
                    self.problems.error(
                        f"坐标 {lon:.6f}, {lat:.6f}{sysname} 不在章丘区范围内(经纬度是否填反或坐标系有误?)",
                        **self.where(num, spec.col(fl).header))
                values[fl], values[fa] = lon, lat
        values.pop("coord_system", None)


class _Invalid:
    """Marks a cell that failed its check (already reported)."""

    def __repr__(self) -> str:
        return "<invalid>"


_INVALID = _Invalid()
INVALID = _INVALID


def file_info(name: str, data: bytes) -> FileInfo:
    return FileInfo(name, len(data), hashlib.sha256(data).hexdigest())


def read_files(files, limits: Limits, problems: Problems, progress=None) -> tuple[list[SheetData], list[FileInfo]]:
    """Read every (file name, bytes); problems go to ``problems``; never raises on bad input.

    Past a limit of :class:`Limits` reading stops at once: one error says which, and no rows are
    returned (so nothing can be written)."""
    files = [(PurePath(name).name or "未命名文件", data) for name, data in files]
    infos = [file_info(name, data) for name, data in files]
    budget = _Budget(limits)
    out: list[SheetData] = []
    for name, data in files:
        try:
            out.extend(_read_one(name, data, limits, problems, progress, budget))
        except TooMuch as stop:
            problems.error_first(str(stop), file=name, sheet=stop.sheet)
            return [], infos
        except Exception as exc:  # noqa: BLE001 - a broken file must never take the app down
            problems.error(f"无法读取该文件({type(exc).__name__}),请用 Excel 打开后另存为 .xlsx 再试", file=name)
    if not out and not problems.errors:
        problems.error(f"未找到任何台账工作表(应为:{'、'.join(s.name for s in SHEETS)})")
    return out, infos


def _read_one(name: str, data: bytes, limits: Limits, problems: Problems, progress, budget: _Budget) -> list[SheetData]:
    where = {"file": name}
    if len(data) > limits.max_bytes:
        problems.error(
            f"文件大小 {len(data) / 1048576:.1f} MB 超过上限 {limits.max_bytes / 1048576:.0f} MB;"
            "请拆分为几个文件分别导入,或请管理员调高上限", **where)
        return []
    if not data or not data.strip():
        problems.error("文件是空的", **where)
        return []
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            problems.error("工作簿设有打开密码(已加密),无法读取:请在 Excel 中取消密码后另存再导入", **where)
        else:
            problems.error("这是旧版 Excel(.xls)或其他 Office 文件:请在 Excel 中另存为 .xlsx 再导入", **where)
        return []
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(name, data, limits, problems, progress, budget)
    suffix = PurePath(name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(name, data, problems, progress, budget)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        problems.error("文件扩展名是 Excel,但内容不是 Excel 工作簿(可能是改了扩展名的其他文件)", **where)
    else:
        problems.error("无法识别的文件类型:请上传 .xlsx 工作簿,或以工作表名称命名的 .csv 文件", **where)
    return []


_WHOLE_PARTS = ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")


def _too_packed(archive: zipfile.ZipFile, parts, limits: Limits) -> str | None:
    """Why the zip's directory alone refuses these parts (None: it does not), before any is unpacked."""
    infos = [archive.getinfo(p) for p in parts]
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            return (f"工作簿中的「{info.filename}」压缩比高达 {ratio:,.0f}:1,超过上限 {limits.max_ratio}:1,疑为「压缩炸弹」,"
                    "未解压读取,未导入任何数据;请用 Excel 打开后另存为 .xlsx 再试")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.max_unpacked:
        return (f"工作簿解压后达 {_mb(unpacked)},超过上限 {_mb(limits.max_unpacked)},未解压读取,未导入任何数据;"
                "请删除多余的空行空列后另存,或拆分后导入")
    return None


def _read_xlsx(name: str, data: bytes, limits: Limits, problems: Problems, progress, budget: _Budget) -> list[SheetData]:
    """A workbook, its parts' sizes judged from the zip's directory before anything is unpacked;
    sheets that are not the ledger's are not read at all, ledger sheets are streamed."""
    import warnings

    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.xml.constants import SHARED_STRINGS

    where = {"file": name}
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        archive = reader.archive
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        problems.error("文件已损坏,不是完整的 .xlsx 工作簿", **where)
        return []
    if "xl/workbook.xml" not in names:
        problems.error("这不是 Excel 工作簿(可能是改了扩展名的 Word 或压缩文件)", **where)
        return []
    for part in _WHOLE_PARTS:
        if part in names and archive.getinfo(part).file_size > WHOLE_PART_MAX:
            problems.error(f"工作簿中的「{part}」解压后达 {_mb(archive.getinfo(part).file_size)},远超正常大小,未导入任何数据;"
                           "请用 Excel 打开后另存为 .xlsx 再试", **where)
            return []
    reason = _too_packed(archive, [p for p in _WHOLE_PARTS if p in names], limits)
    if reason:
        problems.error(reason, **where)
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(archive, reader.wb)
            sheets = list(reader.parser.find_sheets())
        except Exception as exc:  # noqa: BLE001
            problems.error(f"工作簿无法打开({type(exc).__name__}),请用 Excel 打开后另存为 .xlsx 再试", **where)
            return []
    wb = reader.wb
    wanted = []  # (spec, part, visible)
    for sheet, rel in sheets:
        title = (sheet.name or "").strip()
        spec = BY_NAME.get(title)
        if rel.target not in names:
            continue  # a sheet without its part (as openpyxl skips it)
        if spec is None or "chartsheet" in (rel.Type or ""):
            if title not in SILENT_SHEETS:
                problems.notice(f"工作表「{title}」不属于台账格式,已忽略", **where)
            continue
        wanted.append((spec, rel.target, (sheet.state or "visible") == "visible"))
    strings_part = reader.package.find(SHARED_STRINGS)
    strings_path = strings_part.PartName[1:] if strings_part is not None else None
    if strings_path not in names:
        strings_path = None
    parts = [p for _, p, _ in wanted] + ([strings_path] if strings_path and wanted else [])
    reason = _too_packed(archive, list(dict.fromkeys(parts)), limits)
    if reason:
        problems.error(reason, **where)
        return []
    unpacked = [0]  # bytes unpacked so far, all streamed parts of this workbook together
    try:
        book = _Book(date_styles=frozenset(getattr(wb, "_date_formats", ()) or ()),
                     timedelta_styles=frozenset(getattr(wb, "_timedelta_formats", ()) or ()), epoch=wb.epoch,
                     from_excel=from_excel, from_iso=from_ISO8601)
        if strings_path and wanted:
            from openpyxl.reader.strings import read_string_table

            with archive.open(strings_path) as raw:
                book.strings = read_string_table(_Counted(raw, archive.getinfo(strings_path).file_size, unpacked, limits))
        out = []
        for spec, path, visible in wanted:
            if not visible:
                problems.notice("该工作表处于隐藏状态,已照常导入", file=name, sheet=spec.name)
            facts = _XmlFacts()
            with archive.open(path) as raw:
                source = _Counted(raw, archive.getinfo(path).file_size, unpacked, limits)
                sheet = _SheetReader(spec, name, problems, budget, progress).read(_SheetRows(source, book, budget, facts), facts)
            if sheet is not None:
                out.append(sheet)
        return out
    except (zipfile.BadZipFile, zlib.error, EOFError):
        problems.error("文件已损坏,不是完整的 .xlsx 工作簿(解压时出错)", **where)
        return []


def decode_text(data: bytes) -> tuple[str, str]:
    """CSV bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    return data.decode("gb18030"), "GB18030"


def _read_csv(name: str, data: bytes, problems: Problems, progress, budget: _Budget) -> list[SheetData]:
    where = {"file": name}
    stem = PurePath(name).stem.strip()
    spec = BY_NAME.get(stem) or next((s for s in SHEETS if stem.endswith(s.name) or stem.startswith(s.name)), None)
    if spec is None:
        problems.error(f"CSV 文件须以工作表名称命名(如 党组织.csv),可用名称:{'、'.join(s.name for s in SHEETS)}", **where)
        return []
    try:
        text, _encoding = decode_text(data)
    except UnicodeDecodeError:
        problems.error("无法识别文件的文字编码:请另存为「CSV UTF-8」或 GBK 编码", **where)
        return []
    if "\x00" in text:
        problems.error("这不是文本格式的 CSV 文件", **where)
        return []
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","

    def rows():
        for num, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            budget.cell(max(1, len(record)))
            yield num, {i: v for i, v in enumerate(record) if v}

    sheet = _SheetReader(spec, name, problems, budget, progress).read(rows(), None)
    return [sheet] if sheet is not None else []
