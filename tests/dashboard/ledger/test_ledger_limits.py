"""Work bounded by what a file is worth: hostile or oversized files are refused early, with one
clear message in Chinese, and nothing is written."""
from __future__ import annotations

import io
import re
import struct
import zipfile

import pytest
from ledger_support import base_sheets, dump, to_xlsx
from sqlalchemy import text

from bench.workbooks import SHEET1, bomb_workbook, claim_whole_sheet
from dashboard.ledger import REJECTED, LedgerValidationError, Limits, check, import_files, import_log
from dashboard.ledger import reader as ledger_reader

PEOPLE = base_sheets()["人员"][0]


def _person(i: int, year: object = 1950) -> list:
    return [f"RY{i}", "张某", "男", year, "退休", None, None, None]


def _people_csv(good: int, bad: int = 0) -> bytes:
    """人员.csv: ``good`` valid rows, then ``bad`` rows whose 出生年份 is not a number."""
    lines = [",".join(PEOPLE)]
    lines += [",".join(str(v or "") for v in _person(i)) for i in range(good)]
    lines += [",".join(str(v or "") for v in _person(good + i, "一九五〇")) for i in range(bad)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _errors(preview) -> list:
    return [p for p in preview.problems if p.is_error]


def _assert_refused(store, name: str, data: bytes, words: tuple[str, ...], limits: Limits | None = None):
    """Refused with one error holding ``words``; nothing written; the attempt logged as rejected."""
    before = dump(store)
    preview = check(store, [(name, data)], limits=limits)
    (error,) = _errors(preview)
    assert all(w in error.message for w in words), error.message
    assert error.file == name and preview.sheets == {}
    with pytest.raises(LedgerValidationError):
        import_files(store, [(name, data)], limits=limits)
    assert dump(store) == before
    assert import_log(store)[0]["outcome"] == REJECTED
    return error


@pytest.fixture
def unpacked(monkeypatch) -> dict[str, int]:
    """Bytes decompressed per part of a workbook while the test runs."""
    counts: dict[str, int] = {}
    original = zipfile.ZipExtFile.read

    def read(self, n=-1):
        data = original(self, n)
        counts[self.name] = counts.get(self.name, 0) + len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    return counts


def test_a_declared_sheet_size_is_not_trusted(store, monkeypatch):
    """A sheet claiming A1:XFD1048576 (and holding an empty cell at XFD) costs only its real rows."""
    # the XFD workbook bench/load.py uploads to the server, with three people
    data = claim_whole_sheet(to_xlsx({"人员": [PEOPLE, _person(1), _person(2), _person(3)]}))
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET1)
    assert b"A1:XFD1048576" in xml and b'r="XFD4"' in xml and b'r="XFD1048576"' in xml
    rows_typed = []
    original_row = ledger_reader._SheetReader.row

    def row(self, num, cells):
        rows_typed.append(num)
        return original_row(self, num, cells)

    monkeypatch.setattr(ledger_reader._SheetReader, "row", row)
    # 100 cells are enough: the 17 billion declared ones are never visited
    preview = check(store, [("台账.xlsx", data)], limits=Limits(max_cells=100))
    assert preview.ok, preview.problems
    assert preview.sheets["人员"].rows == 3 and preview.sheets["人员"].new == 3
    assert rows_typed == [2, 3, 4]
    result = import_files(store, [("台账.xlsx", data)], limits=Limits(max_cells=100))
    assert result.applied and result.sheets["人员"].new == 3


def test_a_row_of_many_empty_cells_costs_its_cells_not_the_declared_columns(store):
    def tweak(wb):
        ws = wb["人员"]
        for col in range(9, 3009):  # 3,000 formatted empty cells after the data of row 2
            ws.cell(2, col).number_format = "0.00"

    data = to_xlsx({"人员": [PEOPLE, _person(1), _person(2)]}, tweak)
    assert zipfile.ZipFile(io.BytesIO(data)).read(SHEET1).count(b"<c ") > 3000
    preview = check(store, [("台账.xlsx", data)])
    assert preview.ok and preview.sheets["人员"].rows == 2
    # with a budget smaller than what the file holds, the same file is refused, naming the limit
    _assert_refused(store, "台账.xlsx", data, ("超过上限", "最多 2,000 个单元格", "未导入任何数据"), Limits(max_cells=2000))


def _as_excel_writes_it(data: bytes) -> bytes:
    """The workbook with its text in a shared-string table, as Excel writes it (openpyxl and our own
    writer put text inline); 张某 becomes rich text with a phonetic guide, which is not part of it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    strings: list[bytes] = []

    def shared(m: re.Match) -> bytes:
        strings.append(m[2])
        return b'<c r="%s" t="s"><v>%d</v></c>' % (m[1], len(strings) - 1)

    sheet = re.sub(rb'<c r="([A-Z]+\d+)" t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', shared, src.read(SHEET1))
    items = [b"<si><r><t>\xe5\xbc\xa0</t></r><r><t>\xe6\x9f\x90</t></r><rPh sb=\"0\" eb=\"1\"><t>zhang</t></rPh></si>"
             if s == "张某".encode() else b"<si><t>%s</t></si>" % s for s in strings]
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
           % (len(items), len(items)) + b"".join(items) + b"</sst>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == SHEET1:
                content = sheet
            elif info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                          b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
                                          b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            dst.writestr(info.filename, content)
        dst.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


def test_text_in_a_shared_string_table_is_read_as_excel_shows_it(store):
    data = _as_excel_writes_it(to_xlsx({"人员": [PEOPLE, _person(1), ["RY2", "李某乙", "女", 1958, "退休", None, None, None]]}))
    assert b'inlineStr' not in zipfile.ZipFile(io.BytesIO(data)).read(SHEET1)
    result = import_files(store, [("台账.xlsx", data)])
    assert result.applied and result.sheets["人员"].new == 2
    with store.engine.connect() as conn:
        names = dict(conn.execute(text("SELECT code, name FROM people")).all())
    assert names == {"RY1": "张某", "RY2": "李某乙"}


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = bomb_workbook(60 * 1024 * 1024)  # bench/load.py uploads the same at 291 MB
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET1)
    assert info.file_size > 60 * 1024 * 1024 and info.compress_size < 1024 * 1024
    return data


def test_a_zip_bomb_is_refused_before_it_is_unpacked(store, bomb, unpacked):
    error = _assert_refused(store, "台账.xlsx", bomb, ("压缩比", "超过上限 100:1", "压缩炸弹", "未导入任何数据"))
    assert SHEET1 in error.message
    assert unpacked.get(SHEET1, 0) == 0  # judged from the zip's directory alone


def test_a_workbook_unpacking_past_the_limit_is_refused_before_it_is_unpacked(store, unpacked):
    data = to_xlsx({"人员": [PEOPLE] + [_person(i) for i in range(3000)]})
    _assert_refused(store, "台账.xlsx", data, ("解压后达", "超过上限", "未导入任何数据"), Limits(max_unpacked=100_000))
    assert unpacked.get(SHEET1, 0) == 0


def test_a_zip_directory_that_lies_about_sizes_does_not_unpack_the_bomb(store, bomb, unpacked):
    """The directory says the 60 MB part is 1,000 bytes: reading stops there, the file is refused."""
    data = bytearray(bomb)
    for entry in re.finditer(rb"PK\x01\x02", bomb):
        at = entry.start()
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46: at + 46 + name_len]) == SHEET1.encode():
            struct.pack_into("<I", data, at + 24, 1000)  # the uncompressed size in the central directory
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET1).file_size == 1000
    _assert_refused(store, "台账.xlsx", bytes(data), ("损坏",))
    assert unpacked.get(SHEET1, 0) <= 1000


def test_rows_past_the_limit_stop_the_reading(store):
    # 1,000 rows are allowed (the header row is not one of them) …
    assert check(store, [("人员.csv", _people_csv(1000))], limits=Limits(max_rows=1000)).ok
    # … the 1,001st stops the reading: the 500 bad rows after it are never looked at
    data = _people_csv(1000, bad=500)
    error = _assert_refused(store, "人员.csv", data, ("文件中的数据超过上限:最多 1,000 行(DASHBOARD_IMPORT_MAX_ROWS)", "未导入任何数据",
                                                      "按年度导出"),
                            Limits(max_rows=1000))
    assert error.sheet == "人员"
    # read in full, the same file has 500 errors of its own
    assert check(store, [("人员.csv", data)]).errors == 500


def test_the_row_limit_counts_all_sheets_and_files_together(store):
    join = base_sheets()["志愿者"][0]
    workbook = to_xlsx({
        "人员": [PEOPLE] + [_person(i) for i in range(600)],
        # rows 2–401 are fine to read; from row 402 on the dates are bad, but reading stops before them
        "志愿者": [join] + [[f"RY{i}", "DW1", "2017-01-01" if i < 400 else "某天", None] for i in range(600)],
    })
    error = _assert_refused(store, "台账.xlsx", workbook, ("最多 1,000 行",), Limits(max_rows=1000))
    assert error.sheet == "志愿者"
    # and across files: 600 rows in a workbook plus 600 in a CSV
    files = [("台账.xlsx", to_xlsx({"人员": [PEOPLE] + [_person(i) for i in range(600)]})),
             ("人员.csv", _people_csv(600))]
    preview = check(store, files, limits=Limits(max_rows=1000))
    (error,) = _errors(preview)
    assert "最多 1,000 行" in error.message and error.file == "人员.csv"


def test_problems_stop_at_the_cap_with_one_line_saying_there_are_more(store):
    preview = check(store, [("人员.csv", _people_csv(0, bad=1000))])
    assert not preview.ok and preview.errors == 1000
    assert len(preview.problems) == 201 and len(preview.to_json()["problems"]) == 201
    assert all("整数" in p.message for p in preview.problems[:200])
    last = preview.problems[-1]
    assert "还有更多问题未列出" in last.message and "至少 1,000 个" in last.message
    # a smaller cap is a parameter
    small = check(store, [("人员.csv", _people_csv(0, bad=1000))], limits=Limits(max_problems=10))
    assert len(small.problems) == 11 and "还有更多问题" in small.problems[-1].message
    # why reading stopped heads the list, however many problems came before it
    stopped = check(store, [("人员.csv", _people_csv(0, bad=1500))], limits=Limits(max_rows=1000))
    assert stopped.errors == 1001 and len(stopped.problems) == 201
    assert "最多 1,000 行" in stopped.problems[0].message and "还有更多问题" in stopped.problems[-1].message
    # under the cap there is no such line
    few = check(store, [("人员.csv", _people_csv(5, bad=3))])
    assert few.errors == 3 and len(few.problems) == 3
