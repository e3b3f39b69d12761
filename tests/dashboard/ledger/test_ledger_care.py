"""The care part of the ledger (关心照顾): the 人员 sheet's 出生日期, 健康状况, 独居 and 联系电话, and the
走访慰问记录 sheet — checked, applied, scoped to the person's street, exported and imported again.

The base workbook (ledger_support.base_sheets): RY1 lives in 明水街道, RY2 in 双山街道, RY3 has no
home street and is a member of ZZ3 (双山街道).
"""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from ledger_support import MINGSHUI, SHUANGSHAN, base_sheets, dump, to_xlsx
from sqlalchemy import select

from dashboard.ledger import LedgerValidationError, build_template, check, export_workbook, import_files
from dashboard.schema import Contact, Person

PEOPLE = ["人员编码", "姓名", "性别", "出生年份", "出生日期", "干部类别", "健康状况", "独居", "联系电话", "居住街道编码"]
CONTACTS = ["人员编码", "日期", "方式", "走访人", "备注"]


def _files(people: list[list] | None = None, contacts: list[list] | None = None) -> list[tuple[str, bytes]]:
    sheets = {}
    if people is not None:
        sheets["人员"] = [PEOPLE, *people]
    if contacts is not None:
        sheets["走访慰问记录"] = [CONTACTS, *contacts]
    return [("关心照顾.xlsx", to_xlsx(sheets))]


def _errors(preview) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.sheet, p.row, p.column, p.message) for p in preview.problems if p.is_error]


@pytest.fixture
def cared(loaded):
    """The base workbook, then the care columns of RY1 and RY2 and three contacts."""
    result = import_files(loaded, _files(
        [["RY1", "张某甲", "男", 1950, dt.date(1950, 3, 8), "退休", "较差", "是", "0531-01234567", MINGSHUI],
         ["RY2", "李某乙", "女", 1958, "1958年12月31日", "退休", "良好", "否", None, SHUANGSHAN]],
        [["RY1", dt.date(2020, 3, 8), "生日祝寿", "明水街道老干部工作专干", "70岁生日"],
         ["RY1", dt.date(2020, 3, 8), "电话", None, None],
         ["RY2", "2020/6/1", "走访", "双山街道老干部工作专干", "@看望"]],
    ))
    assert result.applied and result.sheets["走访慰问记录"].new == 3, result.problems
    return loaded


def test_care_columns_and_contacts_are_stored_as_typed(cared):
    with cared.engine.connect() as c:
        ry1 = c.execute(select(Person.birth_date, Person.health, Person.lives_alone, Person.phone)
                        .where(Person.code == "RY1")).one()
        ry3 = c.execute(select(Person.birth_date, Person.health, Person.lives_alone).where(Person.code == "RY3")).one()
        kinds = c.execute(select(Contact.kind).order_by(Contact.date, Contact.kind)).scalars().all()
    assert tuple(ry1) == (dt.date(1950, 3, 8), "较差", True, "0531-01234567")
    assert tuple(ry3) == (None, None, None)  # a sheet without the care columns leaves them empty
    assert kinds == ["生日祝寿", "电话", "走访"]  # two ways of contact on one day are two contacts


def test_a_bad_kind_an_unknown_person_and_a_duplicate_refuse_the_whole_file(cared):
    before = dump(cared)
    preview = check(cared, _files(contacts=[
        ["RY1", dt.date(2020, 7, 1), "吃饭", None, None],
        ["RY9", dt.date(2020, 7, 1), "走访", None, None],
        ["RY2", dt.date(2020, 7, 2), "电话", None, None],
        ["RY2", dt.date(2020, 7, 2), "电话", None, "再记一次"],
        ["RY2", None, "电话", None, None],
    ]))
    errors = _errors(preview)
    assert ("走访慰问记录", 2, "方式", "「吃饭」不在可选值之内(可选:生日祝寿、走访、电话、座谈、慰问、帮扶)") in errors
    assert ("走访慰问记录", 3, "人员编码", "未知的人员编码「RY9」(本次导入和现有数据中都没有)") in errors
    assert any(sheet == "走访慰问记录" and row == 5 and "重复" in message for sheet, row, _, message in errors)
    assert ("走访慰问记录", 6, "日期", "必填项为空") in errors
    with pytest.raises(LedgerValidationError):
        import_files(cared, _files(contacts=[["RY1", dt.date(2020, 7, 1), "吃饭", None, None]]))
    assert dump(cared) == before


def test_a_birth_date_must_agree_with_the_birth_year(cared):
    preview = check(cared, _files([["RY1", "张某甲", "男", 1950, dt.date(1951, 1, 2), "退休", None, None, None, MINGSHUI]]))
    assert _errors(preview) == [("人员", 2, "出生日期", "出生日期 1951-01-02 与出生年份 1950 不一致")]
    # a file that leaves the date out may not move the year away from the stored date either
    sheet = [["人员编码", "姓名", "性别", "出生年份", "干部类别"], ["RY1", "张某甲", "男", 1951, "退休"]]
    preview = check(cared, [("人员.xlsx", to_xlsx({"人员": sheet}))])
    assert _errors(preview) == [("人员", 2, "出生年份",
                                 "出生年份 1951 与现有数据中的出生日期 1950-03-08 不一致(请同时填写出生日期)")]
    preview = check(cared, _files([["RY1", "张某甲", "男", 1950, None, "退休", "九十分", "也许", None, MINGSHUI]]))
    assert [column for _, _, column, _ in _errors(preview)] == ["健康状况", "独居"]


def test_street_staff_write_contacts_only_of_their_streets_people(cared):
    before = dump(cared)
    files = _files(contacts=[
        ["RY1", dt.date(2020, 7, 1), "走访", None, None],   # lives in 明水: in scope
        ["RY2", dt.date(2020, 7, 1), "走访", None, None],   # lives in 双山
        ["RY3", dt.date(2020, 7, 1), "走访", None, None],   # no home street, a member of a 双山 branch
    ])
    errors = _errors(check(cared, files, streets=(MINGSHUI,)))
    assert errors == [
        ("走访慰问记录", 3, "人员编码", "该行的人员「RY2」属于街道“双山街道”,不在您负责的街道(明水街道)之内,不能导入"),
        ("走访慰问记录", 4, "人员编码", "该行的人员「RY3」属于街道“双山街道”,不在您负责的街道(明水街道)之内,不能导入"),
    ]
    with pytest.raises(LedgerValidationError):
        import_files(cared, files, streets=(MINGSHUI,))
    assert dump(cared) == before
    # 双山 staff may write RY2's and RY3's; the unchanged 明水 contact of the full export is ignored
    mine = import_files(cared, _files(contacts=[["RY2", dt.date(2020, 7, 1), "走访", None, None],
                                                ["RY3", dt.date(2020, 7, 1), "慰问", None, None]]),
                        streets=(SHUANGSHAN,))
    assert mine.applied and mine.sheets["走访慰问记录"].new == 2


def test_a_contact_of_a_person_moving_in_the_same_import_follows_the_move(cared):
    files = _files([["RY2", "李某乙", "女", 1958, None, "退休", None, None, None, MINGSHUI]],
                   [["RY2", dt.date(2020, 7, 1), "走访", None, None]])
    # the contact follows the person's new home (明水), but the person's row may not move out of 双山
    # for 明水 staff: that row is refused, and with it the whole file
    assert [(sheet, column) for sheet, _, column, _ in _errors(check(cared, files, streets=(MINGSHUI,)))] == [
        ("人员", "居住街道编码")]


def test_export_then_import_is_a_no_op_and_staff_export_their_streets_contacts(cared):
    data = export_workbook(cared)
    preview = check(cared, [("export.xlsx", data)])
    assert preview.ok and preview.changes == 0, preview.problems
    assert preview.sheets["走访慰问记录"].unchanged == 3
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book["走访慰问记录"].values)
    assert rows[0] == tuple(CONTACTS)
    assert ("RY2", dt.datetime(2020, 6, 1), "走访", "双山街道老干部工作专干", "@看望") in rows  # text stays text
    people = list(book["人员"].values)
    assert people[0][:9] == tuple(PEOPLE[:9])
    staff = export_workbook(cared, streets=(MINGSHUI,))
    mine = list(openpyxl.load_workbook(io.BytesIO(staff), read_only=True)["走访慰问记录"].values)
    assert [r[0] for r in mine[1:]] == ["RY1", "RY1"]
    again = check(cared, [("export.xlsx", staff)], streets=(MINGSHUI,))
    assert again.ok and again.changes == 0, again.problems


def test_the_template_offers_the_sheet_with_its_drop_downs():
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    sheet = book["走访慰问记录"]
    assert [c.value for c in sheet[1]] == CONTACTS
    formulas = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert '"生日祝寿,走访,电话,座谈,慰问,帮扶"' in formulas
    people = [c.value for c in book["人员"][1]]
    assert people[:9] == PEOPLE[:9]
    assert '"良好,一般,较差,失能半失能"' in [dv.formula1 for dv in book["人员"].data_validations.dataValidation]


def test_base_sheets_still_import_without_the_care_columns(store):
    # older ledgers have none of the care columns: they import as before
    result = import_files(store, [("台账.xlsx", to_xlsx(base_sheets()))])
    assert result.applied and "走访慰问记录" not in result.sheets
