"""The entry point: every rule for one filter, ranked into one list."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from dashboard.attention.contacts import contact_items
from dashboard.attention.ledgers import freshness, ledger_items
from dashboard.attention.meetings import meeting_items
from dashboard.attention.model import KINDS, Attention, Thresholds, rank
from dashboard.attention.problems import problem_figures, problem_items
from dashboard.attention.sites import completeness, site_items, site_states
from dashboard.attention.streets import four_in_one_items
from dashboard.indicators.filters import Filter


def attention(conn: Connection, f: Filter, thresholds: Thresholds | None = None) -> Attention:
    """What is overdue on the filter's as-of day, ranked (see :func:`dashboard.attention.model.rank`)."""
    t = thresholds or Thresholds()
    states = site_states(conn, f, t)
    table = freshness(conn, f, t)
    items = rank([
        *meeting_items(conn, f, t.meeting_grace_days),
        *problem_items(conn, f, t),
        *four_in_one_items(conn, f),
        *site_items(states, f, t),
        *contact_items(conn, f, t),
        *ledger_items(table, t),
    ])
    counts = {kind: 0 for kind in KINDS}
    for item in items:
        counts[item.kind] += 1
    complete = completeness(conn, f, t, states)
    sites = sum(r["sites"] for r in complete)
    summary = {
        "items": len(items),
        "branches_behind": len({i.subject_id for i in items if i.kind == "meetings"}),
        "streets_missing_areas": len({i.street_code for i in items if i.kind == "four_in_one"}),
        "cadres_not_contacted": counts["contact_overdue"],
        "co_built_sites": sites,
        "complete_sites": sum(r["complete"] for r in complete),
        "complete_share": round(sum(r["complete"] for r in complete) / sites, 4) if sites else None,
        **problem_figures(conn, f),
    }
    return Attention(f.as_of, t, items, counts, summary, tuple(table), tuple(complete))
