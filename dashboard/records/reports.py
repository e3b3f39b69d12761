"""The district-wide report records: newsletter issues, 红色记忆 interviewees, problems.

They ignore the street and branch filter, as their figures do (docs/indicators.md)."""
from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import interview_scope, newsletter_scope, solved_scope
from dashboard.records.drill import Drill
from dashboard.records.spec import ID, Column, Kind
from dashboard.schema import NewsletterIssue, OralHistoryInterview, Problem


def newsletters(conn: Connection, f: Filter, d: Drill) -> Select:  # noqa: ARG001 - every kind takes them
    return select(NewsletterIssue.id.label(ID), NewsletterIssue.number.label("number"),
                  NewsletterIssue.title.label("title"), NewsletterIssue.published_on.label("published_on")
                  ).where(*newsletter_scope(f))


def interviewees(conn: Connection, f: Filter, d: Drill) -> Select:  # noqa: ARG001
    """One row per interviewee (the figure counts distinct names), with their first interview."""
    return (
        select(OralHistoryInterview.interviewee.label(ID), OralHistoryInterview.interviewee.label("name"),
               func.min(OralHistoryInterview.interviewed_on).label("first_on"), func.count().label("interviews"))
        .where(*interview_scope(f))
        .group_by(OralHistoryInterview.interviewee)
    )


def problems(conn: Connection, f: Filter, d: Drill) -> Select:  # noqa: ARG001
    """Problems found by the as-of day; ``solved``: those solved by then (the figure); ``open``: the rest."""
    if d.solved:
        cond = solved_scope(f)
    else:
        cond = [Problem.found_on <= f.as_of]
        if d.open:
            cond.append(or_(Problem.solved_on.is_(None), Problem.solved_on > f.as_of))
    return select(Problem.id.label(ID), Problem.id.label("number"), Problem.campaign.label("campaign"),
                  Problem.description.label("description"), Problem.found_on.label("found_on"),
                  Problem.solved_on.label("solved_on")).where(and_(*cond))


KINDS = (
    Kind("newsletters", "《章丘老干部参考》", (
        Column("number", "期号"), Column("title", "标题"), Column("published_on", "出版日期"),
    ), ("title",), "number", newsletters, descending=True, district=True),
    Kind("interviewees", "红色记忆受访人", (
        Column("name", "受访人", personal=True), Column("first_on", "首次采访日期"), Column("interviews", "采访次数"),
    ), ("name",), "first_on", interviewees, district=True),
    Kind("problems", "检视问题", (
        Column("number", "编号"), Column("campaign", "检视活动"), Column("description", "问题描述"),
        Column("found_on", "发现日期"), Column("solved_on", "整改日期"),
    ), ("campaign", "description"), "found_on", problems, descending=True, district=True),
)
