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
from dataclasses import dataclass, field
from pathlib import PurePath

from dashboard import geo
from dashboard.ledger import values as cell_values
from dashboard.ledger.contract import (
    BOOL,
    BY_NAME,
    CHOICE,
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
from dashboard.ledger.problems import Problems

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HEADER_SCAN_ROWS = 10
# optional columns whose empty cell means a value, not "nothing"
DEFAULTS = {"co_built": False, "standardised": False, "participants": 0, "hours": 0.0}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """How much an import may hold. ``max_bytes`` is per file; a file above it is refused."""
    max_bytes: int = DEFAULT_MAX_BYTES
    max_problems: int = 1000

    @property
    def max_unpacked(self) -> int:
        return self.max_bytes * 15


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


_ROW_HIDDEN = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_R = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z$]+\d+(?::[A-Z$]+\d+)?)"')
_FORMULA = re.compile(rb'<(?:\w+:)?c\b[^>]*\br="([A-Z]+\d+)"[^>]*>\s*<(?:\w+:)?f\b')


@dataclass
class _XmlFacts:
    hidden_rows: list[int] = field(default_factory=list)
    merged: list[tuple[str, int, int, int, int]] = field(default_factory=list)  # ref, r1, c1, r2, c2
    formulas: set[tuple[int, int]] = field(default_factory=set)


def _scan_sheet_xml(xml: bytes) -> _XmlFacts:
    facts = _XmlFacts()
    for m in _ROW_HIDDEN.finditer(xml):
        attrs = m.group(1)
        if _HIDDEN.search(attrs):
            r = _ROW_R.search(attrs)
            if r:
                facts.hidden_rows.append(int(r.group(1)))
    for m in _MERGE.finditer(xml):
        ref = m.group(1).decode()
        a, _, b = ref.partition(":")
        r1, c1 = _cell(a)
        r2, c2 = _cell(b or a)
        facts.merged.append((ref, r1, c1, r2, c2))
    for m in _FORMULA.finditer(xml):
        facts.formulas.add(_cell(m.group(1).decode()))
    return facts


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
    """Turns the raw rows of one sheet (an iterator of (row number, tuple)) into typed rows."""

    def __init__(self, spec: Sheet, file: str, problems: Problems, progress=None):
        self.spec, self.file, self.problems, self.progress = spec, file, problems, progress
        self.data = SheetData(spec, file)
        self.columns: dict[int, Col] = {}
        self.header_row: int | None = None

    def where(self, row: int | None = None, column: str | None = None) -> dict:
        return {"file": self.file, "sheet": self.spec.name, "row": row, "column": column}

    def find_header(self, num: int, cells: tuple) -> bool:
        names = [_norm_header(c) for c in cells]
        if not any(n in self.spec.headers for n in names):
            return False
        self.header_row = num
        seen: dict[str, int] = {}
        extra = []
        for i, name in enumerate(names, start=1):
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
            self.columns[i - 1] = col
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
        for num, cells in rows:
            if self.header_row is None:
                if num > HEADER_SCAN_ROWS:
                    break
                if cells and self.find_header(num, cells):
                    continue
                continue
            self.row(num, cells, facts)
            if self.progress and num % 5000 == 0:
                self.progress(f"读取「{self.spec.name}」", num, None)
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

    def row(self, num: int, cells: tuple, facts: _XmlFacts | None) -> None:
        values: dict = dict.fromkeys(self.data.fields)
        empty = True
        for i, col in self.columns.items():
            raw = cell_values.clean(cells[i]) if i < len(cells) else None
            if raw is None:
                continue
            empty = False
            if facts is not None and (num, i + 1) in facts.formulas:
                self.problems.error("单元格含公式,请复制后「选择性粘贴为数值」再导入", **self.where(num, col.header))
                continue
            try:
                values[col.field] = self.convert(col, raw)
            except cell_values.Bad as exc:
                self.problems.error(str(exc), **self.where(num, col.header))
                values[col.field] = _INVALID
        if empty:
            return  # empty rows are skipped
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
    """Read every (file name, bytes); problems go to ``problems``; never raises on bad input."""
    out: list[SheetData] = []
    infos: list[FileInfo] = []
    for name, data in files:
        name = PurePath(name).name or "未命名文件"
        infos.append(file_info(name, data))
        try:
            out.extend(_read_one(name, data, limits, problems, progress))
        except Exception as exc:  # noqa: BLE001 - a broken file must never take the app down
            problems.error(f"无法读取该文件({type(exc).__name__}),请用 Excel 打开后另存为 .xlsx 再试", file=name)
    if not out and not problems.errors:
        problems.error(f"未找到任何台账工作表(应为:{'、'.join(s.name for s in SHEETS)})")
    return out, infos


def _read_one(name: str, data: bytes, limits: Limits, problems: Problems, progress) -> list[SheetData]:
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
        return _read_xlsx(name, data, limits, problems, progress)
    suffix = PurePath(name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(name, data, problems, progress)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        problems.error("文件扩展名是 Excel,但内容不是 Excel 工作簿(可能是改了扩展名的其他文件)", **where)
    else:
        problems.error("无法识别的文件类型:请上传 .xlsx 工作簿,或以工作表名称命名的 .csv 文件", **where)
    return []


def _read_xlsx(name: str, data: bytes, limits: Limits, problems: Problems, progress) -> list[SheetData]:
    import warnings

    import openpyxl

    where = {"file": name}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        problems.error("文件已损坏,不是完整的 .xlsx 工作簿", **where)
        return []
    if "xl/workbook.xml" not in names:
        problems.error("这不是 Excel 工作簿(可能是改了扩展名的 Word 或压缩文件)", **where)
        return []
    unpacked = sum(i.file_size for i in archive.infolist())
    if unpacked > limits.max_unpacked:
        problems.error(f"工作簿解压后达 {unpacked / 1048576:.0f} MB,超过上限,请拆分后导入", **where)
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # noqa: BLE001
            problems.error(f"工作簿无法打开({type(exc).__name__}),请用 Excel 打开后另存为 .xlsx 再试", **where)
            return []
        out = []
        try:
            for ws in wb.worksheets:
                title = (ws.title or "").strip()
                spec = BY_NAME.get(title)
                if spec is None:
                    if title not in SILENT_SHEETS:
                        problems.notice(f"工作表「{title}」不属于台账格式,已忽略", **where)
                    continue
                path = getattr(ws, "_worksheet_path", None)
                facts = _scan_sheet_xml(archive.read(path)) if path in names else _XmlFacts()
                if getattr(ws, "sheet_state", "visible") != "visible":
                    problems.notice("该工作表处于隐藏状态,已照常导入", file=name, sheet=spec.name)
                if not _trust_dimensions(ws):
                    ws.reset_dimensions()  # costs a second pass over the sheet
                reader = _SheetReader(spec, name, problems, progress)
                rows = enumerate(ws.iter_rows(values_only=True), start=1)
                sheet = reader.read(rows, facts)
                if sheet is not None:
                    out.append(sheet)
        finally:
            wb.close()
    return out


def _trust_dimensions(ws) -> bool:
    """Whether the sheet's own <dimension> tag can be used (some writers leave it at A1)."""
    try:
        return (ws._max_row or 0) > 1 or (ws._max_column or 0) > 1
    except AttributeError:
        return False


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


def _read_csv(name: str, data: bytes, problems: Problems, progress) -> list[SheetData]:
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
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    rows = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    sheet = _SheetReader(spec, name, problems, progress).read(((n, tuple(r)) for n, r in rows), None)
    return [sheet] if sheet is not None else []
