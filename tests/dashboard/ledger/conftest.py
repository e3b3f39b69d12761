"""Fixtures for the ledger tests (helpers are in ledger_support.py)."""
from __future__ import annotations

import pytest
from ledger_support import base_sheets, to_xlsx


@pytest.fixture
def base_xlsx() -> bytes:
    return to_xlsx(base_sheets())


@pytest.fixture
def loaded(store, base_xlsx):
    """A store holding the base workbook."""
    from dashboard.ledger import import_files

    result = import_files(store, [("台账.xlsx", base_xlsx)])
    assert result.ok and result.applied, result.problems
    return store
