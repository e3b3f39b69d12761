"""The 银发人才库 columns of 人员: several fields in one cell, and files without them lose nothing."""
from __future__ import annotations

import pytest
from ledger_support import base_sheets, dump, to_xlsx
from sqlalchemy import select

from dashboard.ledger import LedgerValidationError, import_files
from dashboard.schema import Person


def _with_talent(rows: dict[str, tuple]) -> bytes:
    sheets = base_sheets()
    people = sheets["人员"]
    people[0] += ["特长领域", "服务意愿"]
    for row in people[1:]:
        row += list(rows.get(row[0], (None, None)))
    return to_xlsx(sheets)


def _talent(store) -> dict[str, tuple]:
    with store.engine.connect() as conn:
        return {code: (skills, willing) for code, skills, willing in
                conn.execute(select(Person.code, Person.skills, Person.willing).order_by(Person.code))}


def test_fields_in_any_separator_are_stored_in_vocabulary_order(loaded):
    result = import_files(loaded, [("人才库.xlsx", _with_talent({"RY1": ("法律服务, 理论宣讲", "是"),
                                                               "RY2": ("文化艺术", "否")}))])
    assert result.ok and result.applied
    assert _talent(loaded) == {"RY1": ("理论宣讲、法律服务", True), "RY2": ("文化艺术", False), "RY3": (None, None)}


def test_an_unknown_field_is_refused_with_its_row_and_nothing_changes(loaded):
    before = dump(loaded)
    with pytest.raises(LedgerValidationError) as info:
        import_files(loaded, [("人才库.xlsx", _with_talent({"RY2": ("文化艺术、唱歌", "是")}))])
    errors = [p for p in info.value.preview.problems if p.is_error]
    assert [(p.sheet, p.row, p.column) for p in errors] == [("人员", 3, "特长领域")]
    assert "「唱歌」不在可选值之内" in errors[0].message
    assert dump(loaded) == before


def test_a_people_sheet_without_the_columns_keeps_what_was_filed(loaded, base_xlsx):
    assert import_files(loaded, [("人才库.xlsx", _with_talent({"RY1": ("移风易俗", "是")}))]).applied
    again = import_files(loaded, [("旧格式.xlsx", base_xlsx)])  # an older template: no 特长领域, 服务意愿
    assert again.ok
    assert _talent(loaded)["RY1"] == ("移风易俗", True)
