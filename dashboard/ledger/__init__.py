"""The bureau's ledgers (台账) in and out: Excel/CSV import (checked, all-or-nothing, audited),
export of the store to the same workbook, and the empty template. The contract is in
``docs/ledger.md`` and :mod:`dashboard.ledger.contract`.

For a web page::

    preview = check(store, [(filename, content_bytes), ...])    # writes nothing
    preview.ok, preview.sheets, preview.problems, preview.to_json()
    result = apply(store, preview, user=None)                    # one transaction + audit log
    export_workbook(store, year=None) -> bytes;  build_template() -> bytes;  import_log(store) -> list[dict]
    export_years(store) -> [2026, 2025, …];  parse_year('2026') -> 2026 (a Chinese ValueError if not a year)

For street staff (街道工作人员) pass ``streets=principal.streets`` to ``check``, ``apply`` (the same
streets again; a preview checked for other streets is refused) and ``export_workbook``: only
rows of those streets are written or exported (:mod:`dashboard.ledger.scope`).
"""
from dashboard.ledger.contract import SHEETS
from dashboard.ledger.plan import SheetCounts
from dashboard.ledger.problems import DEFAULT_MAX_PROBLEMS, Problem
from dashboard.ledger.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, DEFAULT_MAX_ROWS, DEFAULT_MAX_UNPACKED, Limits
from dashboard.ledger.service import (
    APPLIED,
    FAILED,
    REJECTED,
    UNCHANGED,
    LedgerApplyError,
    LedgerError,
    LedgerScopeError,
    LedgerValidationError,
    Preview,
    apply,
    check,
    import_files,
    import_log,
)
from dashboard.ledger.workbook import build_template, export_workbook, export_years, parse_year

__all__ = [
    "SHEETS", "SheetCounts", "Problem", "Limits", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_ROWS", "DEFAULT_MAX_CELLS",
    "DEFAULT_MAX_UNPACKED", "DEFAULT_MAX_PROBLEMS", "Preview",
    "LedgerError", "LedgerValidationError", "LedgerApplyError", "LedgerScopeError",
    "APPLIED", "UNCHANGED", "REJECTED", "FAILED",
    "check", "apply", "import_files", "import_log", "export_workbook", "build_template",
    "export_years", "parse_year",
]
