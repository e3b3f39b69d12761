"""Round trips: the demo store exported and imported into an emptied store gives the same figures;
importing the same file again changes nothing."""
from __future__ import annotations

import datetime as dt

from ledger_support import dump
from sqlalchemy import delete

from dashboard.demo import DATA_TABLES, DemoRules, seed
from dashboard.indicators import Filter, kpis
from dashboard.ledger import UNCHANGED, apply, check, export_workbook, import_log

AS_OF = dt.date(2020, 7, 1)
# figures from tables that are not part of the ledger workbook
NOT_IN_LEDGER = ("newsletter_issues", "oral_history_interviewees", "problems_solved")


def _ledger_figures(store) -> dict:
    out = kpis(store.engine, Filter.district(AS_OF)).to_json()
    return {k: v for k, v in out.items() if not k.startswith(NOT_IN_LEDGER)}


def test_demo_store_round_trip(store):
    seed(store, DemoRules(as_of=AS_OF))
    before = _ledger_figures(store)
    data = export_workbook(store)
    preview = check(store, [("export.xlsx", data)])
    assert preview.ok and preview.changes == 0  # export → import is a no-op

    with store.engine.begin() as conn:
        for model in DATA_TABLES:
            conn.execute(delete(model))
    # apply() diffs again against the store as it is now: here, an empty one
    result = apply(store, preview)
    assert result.ok and result.applied and result.changes > 50_000
    assert _ledger_figures(store) == before

    state, version = dump(store), store.version().version
    again = apply(store, preview)
    assert again.outcome == UNCHANGED and again.changes == 0
    assert all(c.unchanged == c.rows for c in again.sheets.values())
    assert dump(store) == state
    assert store.version().version == version  # not even a trigger fired
    log = import_log(store)
    assert [e["outcome"] for e in log[:2]] == ["unchanged", "applied"]
    assert log[0]["sha256"] == again.files[0].sha256 and log[0]["counts"]["人员"]["unchanged"] == 11000


def test_small_workbook_export_import_is_identity(loaded):
    data = export_workbook(loaded)
    preview = check(loaded, [("export.xlsx", data)])
    assert preview.ok and preview.changes == 0, preview.problems
    assert preview.sheets["活动参与"].unchanged == 3


def test_a_ledger_grown_past_one_import_exports_year_by_year_and_each_year_imports_as_it_is(tmp_path):
    """The demo district's whole ledger passes the import's row limit around 2028 (most of it 活动参与,
    kept since sign-in went digital in 2019), as a real district's would: its export for one year
    (that year's 活动, their 活动参与 and 走访慰问记录, with all the registers) still imports, with room
    to spare in 2030, and importing it changes nothing."""
    from sqlalchemy import extract, func, select

    from dashboard.ledger import DEFAULT_MAX_ROWS, export_workbook, export_years
    from dashboard.schema import Activity, Contact, Participation, Person
    from dashboard.store import Store

    store = Store(f"sqlite:///{tmp_path / 'grown.sqlite3'}")
    store.migrate()
    seed(store, DemoRules(as_of=dt.date(2030, 6, 30)))
    assert export_years(store) == list(range(2030, 2012, -1))

    year = 2029  # the last whole year, the busiest
    preview = check(store, [("2029.xlsx", export_workbook(store, year=year))])
    assert preview.ok and preview.changes == 0, preview.problems[:3]
    rows = {name: c.rows for name, c in preview.sheets.items()}
    assert sum(rows.values()) <= 0.85 * DEFAULT_MAX_ROWS
    in_year = extract("year", Activity.date) == year
    with store.engine.connect() as c:
        count = lambda q: c.execute(q).scalar_one()  # noqa: E731
        assert rows["活动"] == count(select(func.count()).select_from(Activity).where(in_year)) > 2000
        assert rows["活动参与"] == count(select(func.count()).select_from(Participation)
                                        .join(Activity, Activity.id == Participation.activity_id).where(in_year))
        assert rows["走访慰问记录"] == count(select(func.count()).select_from(Contact)
                                          .where(extract("year", Contact.date) == year)) > 0
        assert rows["人员"] == count(select(func.count()).select_from(Person)) == 11000
        assert count(select(func.count()).select_from(Participation)) > rows["活动参与"] * 8
