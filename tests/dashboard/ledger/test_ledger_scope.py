"""Street staff (街道工作人员) import only rows of their own streets, and export only their streets' data.

The base workbook (ledger_support.base_sheets) has two streets: 明水街道 (MINGSHUI) holds ZZ1, ZZ2,
RY1, ZD1, DW1, HD1, HD2; 双山街道 (SHUANGSHAN) holds ZZ3, RY2 (home street), RY3 (no home street, a
member of ZZ3) and ZD2.
"""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from ledger_support import MINGSHUI, SHUANGSHAN, base_sheets, dump, to_xlsx
from sqlalchemy import func, select

from dashboard.cli import main
from dashboard.ledger import (
    APPLIED,
    REJECTED,
    UNCHANGED,
    LedgerScopeError,
    LedgerValidationError,
    apply,
    check,
    export_workbook,
    import_files,
    import_log,
)
from dashboard.schema import Base, Organisation, Person, Site
from dashboard.settings import Settings

STAFF = (MINGSHUI,)
HEADERS = {name: rows[0] for name, rows in base_sheets().items()}


def _book(**sheets: list[list]) -> list[tuple[str, bytes]]:
    """One workbook with the given sheets (data rows only; the base workbook's headers)."""
    return [("街道台账.xlsx", to_xlsx({name: [HEADERS[name], *rows] for name, rows in sheets.items()}))]


def _counts(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables if t.name != "import_log"}


def _errors(preview) -> list:
    return [p for p in preview.problems if p.is_error]


def _org(code: str, street: str, name: str = "新建党支部") -> list:
    return [code, name, "建制型", "党支部", None, street, None, dt.date(2020, 1, 1), None]


def _refused_whole(store, files, streets=STAFF):
    """Check and import ``files`` for ``streets``: refused, nothing written; the preview's errors."""
    before, counts = dump(store), _counts(store)
    preview = check(store, files, streets=streets)
    assert not preview.ok
    with pytest.raises(LedgerValidationError) as refused:
        import_files(store, files, streets=streets)
    assert "未导入任何数据" in str(refused.value)
    assert _counts(store) == counts and dump(store) == before
    assert import_log(store, 1)[0]["outcome"] == REJECTED
    return _errors(preview)


def test_staff_import_of_own_street_rows_applies(loaded):
    files = _book(
        党组织=[_org("ZZ4", "明水街道", "东苑社区离退休干部党支部")],
        人员=[["RY4", "赵某戊", "女", 1955, "退休", MINGSHUI, None, None],
              ["RY1", "张某甲", "男", 1951, "退休", MINGSHUI, 117.541, 36.721]],       # changed: own street
        组织关系=[["RY4", "ZZ4", dt.date(2020, 1, 1), None],
                 ["RY2", "ZZ2", dt.date(2015, 5, 1), dt.date(2020, 1, 1)]],            # unchanged, own org
        活动参与=[["HD2", "RY2"]],                                                       # a 双山 person in a 明水 activity
    )
    preview = check(loaded, files, streets=STAFF)
    assert preview.ok, preview.problems
    assert preview.streets == STAFF and preview.to_json()["streets"] == [MINGSHUI]
    assert (preview.sheets["党组织"].new, preview.sheets["人员"].new, preview.sheets["人员"].changed) == (1, 1, 1)
    result = apply(loaded, preview, streets=STAFF, user="明水街道工作人员")
    assert result.applied and result.outcome == APPLIED and result.changes == 5
    with loaded.session() as s:
        assert s.scalars(select(Organisation.street_code).where(Organisation.code == "ZZ4")).one() == MINGSHUI
        assert s.scalars(select(Person.birth_year).where(Person.code == "RY1")).one() == 1951
    entry = import_log(loaded, 1)[0]
    assert entry["outcome"] == APPLIED and entry["user_name"] == "明水街道工作人员"
    assert entry["counts"]["_streets"] == [MINGSHUI]


def test_a_street_name_serves_for_its_code(loaded):
    files = _book(站点=[["ZD1", "明水党员活动室", "共享式党员活动室", MINGSHUI, "东苑社区", 117.54, 36.72, None,
                        "是", "是", "赵某丁", dt.date(2018, 5, 1), None]])
    result = import_files(loaded, files, streets=("明水街道",))
    assert result.applied and result.streets == STAFF
    with loaded.session() as s:
        assert s.scalars(select(Site.name).where(Site.code == "ZD1")).one() == "明水党员活动室"


def test_one_row_of_another_street_refuses_the_whole_workbook(loaded):
    files = _book(
        党组织=[_org("ZZ4", MINGSHUI), _org("ZZ5", MINGSHUI), _org("ZZ6", "双山街道")],
        人员=[["RY4", "赵某戊", "女", 1955, "退休", MINGSHUI, None, None]],
    )
    errors = _refused_whole(loaded, files)
    assert len(errors) == 1
    (e,) = errors
    assert (e.file, e.sheet, e.row, e.column) == ("街道台账.xlsx", "党组织", 4, "街道编码")
    assert e.message == "该行属于街道“双山街道”,不在您负责的街道(明水街道)之内,不能导入"
    assert str(e).startswith("[错误] 工作表「党组织」 第4行 「街道编码」列")
    # the same workbook goes in for the bureau (no restriction) and for 双山 staff it is the other way round
    assert check(loaded, files).ok
    other = _errors(check(loaded, files, streets=(SHUANGSHAN,)))
    assert [(p.sheet, p.row) for p in other] == [("党组织", 2), ("党组织", 3), ("人员", 2)]


def test_a_changed_row_may_not_move_a_record_into_or_out_of_the_scope(loaded):
    site = ["ZD2", "双山芳华剧场", "芳华剧场", MINGSHUI, None, 117.525, 36.69, None, "否", None, None,
            dt.date(2019, 1, 1), None]
    (e,) = _refused_whole(loaded, _book(站点=[site]))
    assert (e.sheet, e.row, e.column) == ("站点", 2, "街道编码")
    assert "现有数据中属于街道“双山街道”" in e.message and "明水街道" in e.message
    # out of the scope: a 明水 organisation handed to 双山
    org = base_sheets()["党组织"][2]
    org[5] = SHUANGSHAN
    (e,) = _refused_whole(loaded, _book(党组织=[org]))
    assert (e.sheet, e.row, e.column) == ("党组织", 2, "街道编码")
    assert e.message.startswith("该行属于街道“双山街道”")
    with loaded.session() as s:
        assert s.scalars(select(Site.street_code).where(Site.code == "ZD2")).one() == SHUANGSHAN
        assert s.scalars(select(Organisation.street_code).where(Organisation.code == "ZZ2")).one() == MINGSHUI


def test_rows_without_a_street_column_take_the_street_of_what_they_refer_to(loaded):
    import_files(loaded, _book(活动=[["HD3", dt.date(2020, 6, 20), "宣讲", "双山宣讲", "ZZ3", None, "ZD2", SHUANGSHAN, 1, 1]]))
    (e,) = _refused_whole(loaded, _book(活动参与=[["HD1", "RY3"], ["HD3", "RY1"]]))
    assert (e.sheet, e.row, e.column) == ("活动参与", 3, "活动编码")
    assert e.message == "该行的活动「HD3」属于街道“双山街道”,不在您负责的街道(明水街道)之内,不能导入"
    # a party membership goes by its organisation, a team membership by its team
    (e,) = _refused_whole(loaded, _book(组织关系=[["RY1", "ZZ3", dt.date(2020, 1, 1), None]]))
    assert (e.sheet, e.row, e.column) == ("组织关系", 2, "组织编码") and "党组织「ZZ3」" in e.message
    # closing 双山's membership of RY3 is 双山's business
    (e,) = _refused_whole(loaded, _book(组织关系=[["RY3", "ZZ3", dt.date(2019, 6, 1), dt.date(2020, 6, 30)]]))
    assert (e.sheet, e.row, e.column) == ("组织关系", 2, "组织编码")
    assert import_files(loaded, _book(组织关系=[["RY3", "ZZ3", dt.date(2019, 6, 1), dt.date(2020, 6, 30)]]),
                        streets=(SHUANGSHAN,)).sheets["组织关系"].closed == 1


def test_people_without_a_home_street_go_by_their_organisations_and_teams(loaded):
    # RY3 has no home street and is a member of ZZ3 (双山)
    (e,) = _refused_whole(loaded, _book(人员=[["RY3", "王某丙", "男", 1929, "离休", None, None, None]]))
    assert (e.sheet, e.row, e.column) == ("人员", 2, "居住街道编码")
    assert "按其党组织和志愿队伍属于街道“双山街道”" in e.message
    # a new person with neither a home street nor a membership cannot be placed
    (e,) = _refused_whole(loaded, _book(人员=[["RY5", "孙某己", "男", 1949, "退休", None, None, None]]))
    assert (e.row, e.column) == (2, "居住街道编码") and "无法确定所属街道" in e.message
    # … but with a membership of a 明水 organisation in the same import, 明水 staff may add them
    result = import_files(loaded, _book(人员=[["RY5", "孙某己", "男", 1949, "退休", None, None, None]],
                                        组织关系=[["RY5", "ZZ2", dt.date(2020, 3, 1), None]]), streets=STAFF)
    assert result.applied and result.sheets["人员"].new == 1 and result.sheets["组织关系"].new == 1


def test_staff_may_not_add_or_change_streets(loaded):
    files = _book(街道=[["370114003000", "圣井街道", "街道", 117.6, 36.7]])
    (e,) = _refused_whole(loaded, files)
    assert (e.sheet, e.row, e.column) == ("街道", 2, "街道编码") and "不能新增街道" in e.message
    files = _book(街道=[[MINGSHUI, "明水街道", "街道", 117.55, 36.72]])
    (e,) = _refused_whole(loaded, files)
    assert (e.sheet, e.row, e.column) == ("街道", 2, "经度") and "不能修改街道" in e.message
    # unchanged streets (their own and others) are no problem
    unchanged = import_files(loaded, _book(街道=base_sheets()["街道"][1:]), streets=STAFF)
    assert unchanged.outcome == UNCHANGED


def test_a_preview_is_applied_only_for_the_streets_it_was_checked_for(loaded):
    files = _book(党组织=[_org("ZZ4", MINGSHUI)])
    preview = check(loaded, files, streets=STAFF)
    assert preview.ok
    before = dump(loaded)
    for streets in (None, (SHUANGSHAN,), (MINGSHUI, SHUANGSHAN)):
        with pytest.raises(LedgerScopeError) as refused:
            apply(loaded, preview, streets=streets)
        assert "明水街道" in str(refused.value) and "未导入任何数据" in str(refused.value)
        assert dump(loaded) == before
        entry = import_log(loaded, 1)[0]
        assert entry["outcome"] == REJECTED and "街道范围" in entry["message"]
    # a preview checked without a restriction is not applied for street staff either
    with pytest.raises(LedgerScopeError):
        apply(loaded, check(loaded, files), streets=STAFF)
    assert dump(loaded) == before
    # the right streets (by name or code) apply it
    assert apply(loaded, preview, streets=("明水街道",)).applied
    assert _counts(loaded)["organisations"] == 4


def test_apply_re_checks_the_scope_against_the_store_as_it_is_then(loaded):
    # a membership of ZZ2 is fine for 明水 staff … until the bureau moves ZZ2 to 双山
    preview = check(loaded, _book(组织关系=[["RY1", "ZZ2", dt.date(2020, 1, 1), None]]), streets=STAFF)
    assert preview.ok
    org = base_sheets()["党组织"][2]
    org[5] = SHUANGSHAN
    import_files(loaded, _book(党组织=[org]))
    counts = _counts(loaded)
    with pytest.raises(LedgerValidationError) as refused:
        apply(loaded, preview, streets=STAFF)
    (e,) = _errors(refused.value.preview)
    assert (e.sheet, e.row, e.column) == ("组织关系", 2, "组织编码") and "双山街道" in e.message
    assert _counts(loaded) == counts


def test_an_empty_scope_imports_nothing(loaded):
    errors = _refused_whole(loaded, _book(党组织=[_org("ZZ4", MINGSHUI)]), streets=())
    assert [e.message for e in errors] == ["没有指定您负责的街道,不能导入任何数据"]


def _sheet_keys(data: bytes) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    width = {"组织关系": 2, "志愿者": 2, "活动参与": 2}
    return {ws.title: [tuple(r[:width.get(ws.title, 1)]) for r in ws.iter_rows(min_row=2, values_only=True)]
            for ws in wb.worksheets}


def test_scoped_export_holds_only_those_streets_and_imports_again_as_a_no_op(loaded):
    import_files(loaded, _book(活动=[["HD3", dt.date(2020, 6, 20), "宣讲", "双山宣讲", "ZZ3", None, "ZD2", SHUANGSHAN, 1, 1]],
                               活动参与=[["HD3", "RY3"]]))
    mine = export_workbook(loaded, streets=STAFF)
    keys = _sheet_keys(mine)
    assert keys["街道"] == [(MINGSHUI,)]
    assert keys["党组织"] == [("ZZ1",), ("ZZ2",)]
    assert keys["人员"] == [("RY1",)]
    assert keys["组织关系"] == [("RY1", "ZZ2"), ("RY2", "ZZ2")]
    assert keys["站点"] == [("ZD1",)] and keys["志愿队伍"] == [("DW1",)]
    assert keys["活动"] == [("HD1",), ("HD2",)]
    assert keys["活动参与"] == [("HD1", "RY1"), ("HD1", "RY2"), ("HD2", "RY1")]
    theirs = _sheet_keys(export_workbook(loaded, streets=(SHUANGSHAN,)))
    assert theirs["人员"] == [("RY2",), ("RY3",)] and theirs["组织关系"] == [("RY3", "ZZ3")]
    assert theirs["活动参与"] == [("HD3", "RY3")]

    state = dump(loaded)
    preview = check(loaded, [("明水导出.xlsx", mine)], streets=STAFF)
    assert preview.ok and preview.changes == 0, preview.problems
    assert not any("已忽略" in p.message for p in preview.problems)
    assert apply(loaded, preview, streets=STAFF).outcome == UNCHANGED
    assert dump(loaded) == state


def test_unchanged_rows_of_other_streets_are_ignored_with_a_notice(loaded):
    sheets = _sheet_keys(export_workbook(loaded))  # the bureau's full export …
    assert ("ZZ3",) in sheets["党组织"]
    full = export_workbook(loaded)
    preview = check(loaded, [("全区导出.xlsx", full)], streets=STAFF)
    assert preview.ok and preview.changes == 0
    notices = {p.sheet: p.message for p in preview.problems if p.level == "notice"}
    assert notices["党组织"] == "有 1 行属于您负责的街道以外,与现有数据相同,已忽略"
    assert notices["人员"].startswith("有 2 行") and notices["站点"].startswith("有 1 行")
    result = apply(loaded, preview, streets=STAFF)  # re-checked, not counted twice
    assert result.outcome == UNCHANGED
    assert [p.message for p in result.problems if p.sheet == "党组织"] == [notices["党组织"]]
    # … is refused as soon as a row of another street differs
    wb = openpyxl.load_workbook(io.BytesIO(full))
    ws = wb["党组织"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "ZZ3")
    row[1].value = "合唱团党支部"
    buffer = io.BytesIO()
    wb.save(buffer)
    (e,) = _refused_whole(loaded, [("全区导出.xlsx", buffer.getvalue())])
    assert (e.sheet, e.row, e.column) == ("党组织", row[0].row, "街道编码") and "双山街道" in e.message


def test_cli_street_option(loaded, tmp_path, capsys):
    settings = Settings(database_url=loaded.url)
    path = tmp_path / "双山.xlsx"
    path.write_bytes(_book(党组织=[_org("ZZ6", SHUANGSHAN)])[0][1])
    before = dump(loaded)
    assert main(["import", str(path), "--street", "明水街道"], settings) == 2
    assert "不在您负责的街道(明水街道)之内" in capsys.readouterr().err
    assert dump(loaded) == before
    assert main(["import", str(path), "--street", "双山街道"], settings) == 0
    out = tmp_path / "明水.xlsx"
    assert main(["export-data", "--out", str(out), "--street", MINGSHUI], settings) == 0
    assert _sheet_keys(out.read_bytes())["党组织"] == [("ZZ1",), ("ZZ2",)]


def test_staff_may_not_draw_another_streets_person_into_their_street_by_a_membership(loaded):
    """RY3 (双山, no home street) joined to a 明水 branch would then count as 明水's, and 明水 staff
    could read and change them: refused, on the person code. A new person in the same import is fine."""
    (e,) = _refused_whole(loaded, _book(组织关系=[["RY3", "ZZ2", dt.date(2020, 3, 1), dt.date(2020, 4, 1)]]))
    assert (e.sheet, e.row, e.column) == ("组织关系", 2, "人员编码")
    assert "该行的人员「RY3」属于街道“双山街道”" in e.message
    (e,) = _refused_whole(loaded, _book(组织关系=[["RY2", "ZZ2", dt.date(2021, 3, 1), None]]))
    assert e.column == "人员编码" and "RY2" in e.message
