"""Branches, volunteer teams, sites and activities: the records behind their counts, each under
the very scope its figure counts with (:mod:`dashboard.indicators.kpi`), narrowed by the drill."""
from __future__ import annotations

from sqlalchemy import false, literal, or_, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from dashboard import vocab
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import active_orgs, activity_scope, site_scope, team_scope
from dashboard.indicators.three_meetings import three_meetings
from dashboard.indicators.volunteering import volunteer_condition
from dashboard.records.drill import Drill
from dashboard.records.people import activity_conditions
from dashboard.records.spec import ID, Column, Kind, street_code
from dashboard.schema import Activity, Organisation, Site, Street, VolunteerTeam

Leader = aliased(Organisation)


def branches(conn: Connection, f: Filter, d: Drill) -> Select:
    stmt = (
        select(Organisation.id.label(ID), Organisation.code.label("code"), Organisation.name.label("name"),
               Organisation.kind.label("kind"), Street.name.label("street"), Organisation.unit.label("unit"),
               Organisation.founded_on.label("founded_on"))
        .join(Street, Street.code == Organisation.street_code)
        .where(Organisation.level == vocab.BRANCH_LEVEL, *active_orgs(f))
    )
    code = street_code(conn, d)
    if code is not None:
        stmt = stmt.where(Organisation.street_code == code)
    if d.org_type is not None:
        stmt = stmt.where(Organisation.kind == d.org_type)
    if d.status is not None:
        # the status is the 三会一课 table's own verdict, computed as the table computes it
        ids = [r.org_id for r in three_meetings(conn, f) if r.status == d.status]
        stmt = stmt.where(Organisation.id.in_(ids) if ids else false())
    return stmt


def teams(conn: Connection, f: Filter, d: Drill) -> Select:
    stmt = (
        select(VolunteerTeam.id.label(ID), VolunteerTeam.code.label("code"), VolunteerTeam.name.label("name"),
               Street.name.label("street"), Leader.name.label("org"), VolunteerTeam.direction.label("direction"),
               VolunteerTeam.founded_on.label("founded_on"))
        .join(Street, Street.code == VolunteerTeam.street_code)
        .outerjoin(Leader, Leader.id == VolunteerTeam.org_id)
        .where(*team_scope(f))
    )
    code = street_code(conn, d)
    if code is not None:
        stmt = stmt.where(VolunteerTeam.street_code == code)
    return stmt


def area_types(d: Drill) -> tuple[str, ...]:
    areas = [d.area] if d.area else list(vocab.FOUR_IN_ONE)
    return tuple(t for a in areas for t in vocab.FOUR_IN_ONE[a]["sites"])


def area_categories(d: Drill) -> tuple[str, ...]:
    areas = [d.area] if d.area else list(vocab.FOUR_IN_ONE)
    return tuple(c for a in areas for c in vocab.FOUR_IN_ONE[a]["categories"])


def site_conditions(conn: Connection, f: Filter, d: Drill) -> list:
    cond = list(site_scope(f))
    code = street_code(conn, d)
    if code is not None:
        cond.append(Site.street_code == code)
    if d.type is not None:
        cond.append(Site.type == d.type)
    if d.co_built:
        cond.append(Site.co_built.is_(True))
    if d.standardised:
        cond.append(Site.standardised.is_(True))
    if d.area is not None:
        cond.append(Site.type.in_(area_types(d)))
    if d.site is not None:
        cond.append(Site.id == d.site)
    return cond


def sites(conn: Connection, f: Filter, d: Drill) -> Select:
    return (
        select(Site.id.label(ID), Site.code.label("code"), Site.name.label("name"), Site.type.label("type"),
               Street.name.label("street"), Site.community.label("community"), Site.co_built.label("co_built"),
               Site.standardised.label("standardised"), Site.liaison.label("liaison"),
               Site.opened_on.label("opened_on"))
        .join(Street, Street.code == Site.street_code)
        .where(*site_conditions(conn, f, d))
    )


def activity_where(conn: Connection, f: Filter, d: Drill) -> list:
    """Activities in scope, narrowed by the drill. With ``org``: the activities that organisation
    held itself in the period while it existed, when it is in scope and in force on the as-of
    day: the 三会一课 table's count of a branch (it does not look at the activity's street)."""
    if d.org is not None:
        cond = [Activity.org_id == d.org, Activity.date >= f.start, Activity.date <= f.end,
                Activity.date >= Organisation.founded_on,
                or_(Organisation.dissolved_on.is_(None), Activity.date < Organisation.dissolved_on),
                *active_orgs(f), *activity_conditions(conn, d)]
    else:
        cond = [*activity_scope(f), *activity_conditions(conn, d)]
    if d.meetings:
        cond.append(Activity.category.in_(tuple(vocab.THREE_MEETINGS_ONE_LECTURE)))
    if d.area is not None:
        cond.append(Activity.category.in_(area_categories(d)))
    if d.team is not None:
        cond.append(Activity.team_id == d.team)
    if d.volunteer:
        cond.append(volunteer_condition())
    return cond


def activities(conn: Connection, f: Filter, d: Drill) -> Select:
    Holder = aliased(Organisation)
    stmt = (
        select(Activity.id.label(ID), Activity.code.label("code"), Activity.date.label("date"),
               Activity.category.label("category"), Activity.name.label("name"), Street.name.label("street"),
               Holder.name.label("org"), Site.name.label("site"), Activity.participants.label("participants"))
        .join(Street, Street.code == Activity.street_code)
        .outerjoin(Holder, Holder.id == Activity.org_id)
        .outerjoin(Site, Site.id == Activity.site_id)
    )
    if d.org is not None:
        stmt = stmt.join(Organisation, Organisation.id == Activity.org_id)
    return stmt.where(*activity_where(conn, f, d))


def coverage(conn: Connection, f: Filter, d: Drill) -> Select:
    """四位一体: the open sites of the area's types and the period's activities of its categories
    in the street (a cell is covered when this list is not empty), as four_in_one() looks."""
    code = street_code(conn, d)
    site_part = (
        select(Site.id.label(ID), literal("站点").label("record"), Site.code.label("code"),
               Site.name.label("name"), Site.type.label("what"), Street.name.label("street"),
               Site.opened_on.label("day"))
        .join(Street, Street.code == Site.street_code)
        .where(*site_scope(f), Site.type.in_(area_types(d)))
    )
    activity_part = (
        select(Activity.id.label(ID), literal("活动").label("record"), Activity.code.label("code"),
               Activity.name.label("name"), Activity.category.label("what"), Street.name.label("street"),
               Activity.date.label("day"))
        .join(Street, Street.code == Activity.street_code)
        .where(*activity_scope(f), Activity.category.in_(area_categories(d)))
    )
    # four_in_one() shows the streets of the filter's sites (a branch: its street) only
    if f.site_streets:
        site_part = site_part.where(Site.street_code.in_(f.site_streets))
        activity_part = activity_part.where(Activity.street_code.in_(f.site_streets))
    if code is not None:
        site_part = site_part.where(Site.street_code == code)
        activity_part = activity_part.where(Activity.street_code == code)
    return select(union_all(site_part, activity_part).subquery())


SITE_COLUMNS = (
    Column("code", "站点编码"), Column("name", "站点名称"), Column("type", "站点类型"), Column("street", "街道/镇"),
    Column("community", "所在社区"), Column("co_built", "是否共建"), Column("standardised", "是否规范"),
    Column("liaison", "联络指导员", personal=True), Column("opened_on", "启用日期"),
)

KINDS = (
    Kind("branches", "党支部", (
        Column("code", "组织编码"), Column("name", "组织名称"), Column("kind", "组织类型"), Column("street", "街道/镇"),
        Column("unit", "所在单位或社区"), Column("founded_on", "成立日期"),
    ), ("code", "name"), "name", branches),
    Kind("teams", "志愿服务队伍", (
        Column("code", "队伍编码"), Column("name", "队伍名称"), Column("street", "街道/镇"), Column("org", "所属组织"),
        Column("direction", "服务方向"), Column("founded_on", "成立日期"),
    ), ("code", "name"), "name", teams),
    Kind("sites", "站点", SITE_COLUMNS, ("code", "name"), "name", sites),
    Kind("activities", "活动", (
        Column("code", "活动编码"), Column("date", "活动日期"), Column("category", "活动类别"), Column("name", "活动名称"),
        Column("street", "街道/镇"), Column("org", "组织"), Column("site", "站点"), Column("participants", "参与人数"),
    ), ("code", "name"), "date", activities, descending=True, dated=True),
    Kind("coverage", "“四位一体”覆盖依据", (
        Column("record", "记录"), Column("code", "编码"), Column("name", "名称"), Column("what", "类型或类别"),
        Column("street", "街道/镇"), Column("day", "启用或活动日期"),
    ), ("code", "name"), "street", coverage, dated=True),
)
