"""Random damage to a valid workbook: the import applies whole, or changes nothing and raises
nothing but LedgerValidationError."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_support import base_sheets, dump, to_xlsx

from dashboard.ledger import LedgerValidationError, check, import_files

BASE = to_xlsx(base_sheets())
NAMES = list(base_sheets())

junk = st.one_of(
    st.none(), st.text(max_size=12), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(dt.date(1800, 1, 1), dt.date(2200, 1, 1)), st.booleans(),
    st.sampled_from(["=1+1", "ZZ1", "RY1", "明水街道", "2020年2月30日", "GCJ02", "是", "党支部", "\x00", " "]),
)
cell_edit = st.tuples(st.just("cell"), st.sampled_from(NAMES), st.integers(1, 5), st.integers(1, 13), junk)
structural = st.tuples(
    st.sampled_from(["merge", "hide", "delete_row", "delete_col", "dup_row", "rename_sheet"]),
    st.sampled_from(NAMES), st.integers(1, 5), st.integers(1, 13), st.none())
byte_edit = st.tuples(st.just("bytes"), st.integers(0, 10**6), st.integers(0, 255))
damage = st.lists(st.one_of(cell_edit, structural, byte_edit), min_size=1, max_size=4)


def _damaged(edits) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(BASE))
    byte_edits = []
    for kind, *args in edits:
        if kind == "bytes":
            byte_edits.append(args)
            continue
        name, row, col, value = args
        if name not in wb.sheetnames:
            continue
        ws = wb[name]
        if kind == "cell":
            try:
                ws.cell(row=row, column=col).value = value
            except Exception:  # noqa: BLE001  openpyxl refuses some values: not our concern
                pass
        elif kind == "merge":
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
        elif kind == "hide":
            ws.row_dimensions[row].hidden = True
        elif kind == "delete_row":
            ws.delete_rows(row)
        elif kind == "delete_col":
            ws.delete_cols(col)
        elif kind == "dup_row":
            ws.append([c.value for c in ws[row]])
        elif kind == "rename_sheet":
            ws.title = f"{name}{row}"
    buffer = io.BytesIO()
    wb.save(buffer)
    data = bytearray(buffer.getvalue())
    for pos, value in byte_edits:
        data[pos % len(data)] = value
    return bytes(data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=damage)
def test_damage_applies_whole_or_not_at_all(store, edits):
    data = _damaged(edits)
    before, version = dump(store), store.version().version
    try:
        result = import_files(store, [("damaged.xlsx", data)])
    except LedgerValidationError as exc:
        assert not exc.preview.ok and exc.preview.problems
        assert dump(store) == before and store.version().version == version
        return
    # applied: every row of the file is now in the store exactly as the file says
    assert result.ok and result.applied
    again = check(store, [("damaged.xlsx", data)])
    assert again.ok and again.changes == 0
