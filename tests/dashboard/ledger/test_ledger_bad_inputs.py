"""Every bad input is reported with sheet, row and column, and nothing is written."""
from __future__ import annotations

import io

import pytest
from ledger_support import base_sheets, dump, to_xlsx

from dashboard.ledger import REJECTED, LedgerValidationError, Limits, check, import_files, import_log


def _set(sheet: str, row: int, header: str, value):
    def change(sheets):
        rows = sheets[sheet]
        rows[row - 1][rows[0].index(header)] = value
    return change


def _drop_column(sheet: str, header: str):
    def change(sheets):
        i = sheets[sheet][0].index(header)
        sheets[sheet] = [r[:i] + r[i + 1:] for r in sheets[sheet]]
    return change


def _dup_row(sheet: str, row: int):
    def change(sheets):
        sheets[sheet].append(list(sheets[sheet][row - 1]))
    return change


CELL_CASES = {
    # name: (change, sheet, row, column, words in the reason)
    "missing column": (_drop_column("党组织", "组织名称"), "党组织", 1, "组织名称", "缺少必填列"),
    "text in date": (_set("党组织", 3, "成立日期", "去年春天"), "党组织", 3, "成立日期", "不是日期"),
    "impossible date": (_set("组织关系", 2, "转入日期", "2020年2月30日"), "组织关系", 2, "转入日期", "不是存在的日期"),
    "value outside list": (_set("党组织", 2, "组织类型", "混合型"), "党组织", 2, "组织类型", "可选"),
    "unknown street": (_set("人员", 3, "居住街道编码", "西湖街道"), "人员", 3, "居住街道编码", "未知的街道"),
    "unknown org": (_set("组织关系", 3, "组织编码", "ZZ9"), "组织关系", 3, "组织编码", "未知的党组织编码"),
    "unknown person": (_set("活动参与", 4, "人员编码", "RY404"), "活动参与", 4, "人员编码", "未知的人员编码"),
    "duplicate key": (_dup_row("人员", 3), "人员", 5, "人员编码", "重复"),
    "duplicate link": (_dup_row("活动参与", 2), "活动参与", 5, "活动编码", "重复"),
    "outside district": (_set("站点", 3, "经度", 120.1), "站点", 3, "经度", "不在章丘区"),
    "end before start": (_set("站点", 2, "停用日期", "2018-04-30"), "站点", 2, "停用日期", "早于"),
    "required empty": (_set("活动", 2, "活动名称", "  "), "活动", 2, "活动名称", "必填"),
    "not a number": (_set("人员", 2, "出生年份", "一九五〇"), "人员", 2, "出生年份", "整数"),
    "too long": (_set("人员", 2, "姓名", "张" * 41), "人员", 2, "姓名", "超过上限"),
    "bad bool": (_set("站点", 2, "是否共建", "也许"), "站点", 2, "是否共建", "是 或 否"),
    "half a coordinate": (_set("人员", 2, "居住纬度", None), "人员", 2, "居住纬度", "同时"),
    "parent cycle": (_set("党组织", 2, "上级组织编码", "ZZ2"), "党组织", 2, "上级组织编码", "循环"),
}


@pytest.mark.parametrize("case", list(CELL_CASES))
def test_bad_cell(loaded, case):
    change, sheet, row, column, words = CELL_CASES[case]
    sheets = base_sheets()
    change(sheets)
    sheets["人员"].append(["RY9", "新某人", "男", 1955, "退休", None, None, None])  # would be new
    _assert_rejected(loaded, to_xlsx(sheets), sheet, row, column, words)


def _merge(wb):
    wb["活动"].merge_cells("H2:H3")


def _formula(wb):
    wb["活动"]["I3"] = "=1+1"


@pytest.mark.parametrize("tweak,row,column,words", [
    (_merge, 2, "街道编码", "合并单元格"),
    (_formula, 3, "参与人数", "公式"),
])
def test_merged_cells_and_formulas(loaded, tweak, row, column, words):
    _assert_rejected(loaded, to_xlsx(base_sheets(), tweak), "活动", row, column, words)


def _assert_rejected(store, data, sheet, row, column, words):
    before, version = dump(store), store.version().version
    with pytest.raises(LedgerValidationError) as info:
        import_files(store, [("bad.xlsx", data)])
    problems = [p for p in info.value.preview.problems if p.is_error]
    assert any((p.sheet, p.row, p.column) == (sheet, row, column) and words in p.message for p in problems), problems
    assert dump(store) == before and store.version().version == version
    assert import_log(store)[0]["outcome"] == REJECTED


def _encrypted() -> bytes:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return head + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 2000


FILE_CASES = {
    "renamed png": ("台账.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "不是 Excel 工作簿"),
    "renamed docx": ("台账.xlsx", None, "不是 Excel 工作簿"),
    "truncated xlsx": ("台账.xlsx", "truncated", "损坏"),
    "empty": ("台账.xlsx", b"", "空"),
    "encrypted": ("台账.xlsx", _encrypted(), "密码"),
    "old xls": ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000, ".xls"),
    "csv named oddly": ("export.csv", "人员编码,姓名\nRY1,张\n".encode(), "工作表名称命名"),
    "no ledger sheet": ("台账.xlsx", "nosheet", "未找到任何台账工作表"),
    "50 MB": ("大文件.xlsx", b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024), "超过上限"),
}


def _docx() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_bad_file(loaded, base_xlsx, case):
    name, data, words = FILE_CASES[case]
    if data is None:
        data = _docx()
    elif data == "truncated":
        data = base_xlsx[: len(base_xlsx) // 2]
    elif data == "nosheet":
        data = to_xlsx({"Sheet1": [["a", "b"], [1, 2]]})
    before = dump(loaded)
    preview = check(loaded, [(name, data)])
    assert not preview.ok
    assert any(words in p.message and (p.file == name or p.file is None) for p in preview.problems), preview.problems
    with pytest.raises(LedgerValidationError):
        import_files(loaded, [(name, data)])
    assert dump(loaded) == before


def test_size_limit_is_a_parameter(store, base_xlsx):
    small = Limits(max_bytes=len(base_xlsx) - 1)
    assert not check(store, [("a.xlsx", base_xlsx)], limits=small).ok
    assert check(store, [("a.xlsx", base_xlsx)], limits=Limits(max_bytes=len(base_xlsx))).ok


def test_file_on_disk_over_the_limit_is_not_read(store, tmp_path):
    big = tmp_path / "大.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    preview = check(store, [big])
    assert not preview.ok and "超过上限" in preview.problems[0].message and preview.problems[0].file == "大.xlsx"


def test_a_bad_file_among_good_ones_stops_everything(store, base_xlsx):
    before = dump(store)
    with pytest.raises(LedgerValidationError):
        import_files(store, [("good.xlsx", base_xlsx), ("bad.xlsx", b"not a workbook")])
    assert dump(store) == before
