"""Rule 5: 检视问题 still open past their 整改 term, and the median days to solve.

A problem is open on D when it was found on or before D and is not solved on or before D. It is
listed when open more than N days (``problem_open_days``). Problems carry no street: they are
the bureau's own, so they are listed only when the filter is district-wide (no street, no
branch); the median is a district figure whatever the filter, like ``problems_solved``.
"""
from __future__ import annotations

import statistics

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from dashboard.attention.model import Item, Thresholds
from dashboard.indicators.filters import Filter
from dashboard.schema import Problem
from dashboard.wording import day_zh


def problem_figures(conn: Connection, f: Filter) -> dict:
    """District figures on D: open problems, solved problems, the median days from found to solved."""
    rows = conn.execute(select(Problem.found_on, Problem.solved_on).where(Problem.found_on <= f.as_of)).all()
    solved = [(s - found).days for found, s in rows if s is not None and s <= f.as_of]
    return {
        "open_problems": len(rows) - len(solved),
        "solved_problems": len(solved),
        "median_days_to_solve": statistics.median(solved) if solved else None,
    }


def problem_items(conn: Connection, f: Filter, t: Thresholds) -> list[Item]:
    if f.streets or f.branch_id is not None:
        return []
    rows = conn.execute(
        select(Problem.id, Problem.campaign, Problem.description, Problem.found_on)
        .where(Problem.found_on <= f.as_of, or_(Problem.solved_on.is_(None), Problem.solved_on > f.as_of))
    ).all()
    out = []
    for p in rows:
        days = (f.as_of - p.found_on).days
        if days <= t.problem_open_days:
            continue
        out.append(Item(
            kind="problem_open", street_code=None, subject_id=p.id, subject_name=f"{p.campaign}:{p.description}",
            why=f"{p.campaign}检视问题“{p.description}”于{day_zh(p.found_on)}查摆,已{days}天未整改,"
                f"超过{t.problem_open_days}天",
            since=p.found_on, days=days, link={"kind": "problems", "open": 1},
            detail={"campaign": p.campaign, "found_on": p.found_on},
        ))
    return out
