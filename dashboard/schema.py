"""The store's tables as SQLAlchemy 2 typed models.

Everything that can begin or end carries its dates; an interval is half-open:
a record is in force on day D when ``start <= D`` and (``end`` is empty or ``D < end``).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Street(Base):
    """A township-level unit (街道/镇) of Zhangqiu, keyed by its 12-digit statistical code."""
    __tablename__ = "streets"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(4))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class Organisation(Base):
    """A party organisation: 党委, 党总支 or 党支部, 建制型 or 功能型."""
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(4))
    level: Mapped[str] = mapped_column(String(4))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    unit: Mapped[str | None] = mapped_column(String(100))
    founded_on: Mapped[dt.date] = mapped_column(Date)
    dissolved_on: Mapped[dt.date | None] = mapped_column(Date)


class Person(Base):
    """A retired cadre (or other volunteer) kept as one person, whatever their branches."""
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str] = mapped_column(String(2))
    birth_year: Mapped[int] = mapped_column(Integer)
    cadre_type: Mapped[str] = mapped_column(String(4))
    # care (关心照顾): optional, personal, shown only to roles allowed names (docs/security.md)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)     # agrees with birth_year when given
    health: Mapped[str | None] = mapped_column(String(8))         # vocab.HEALTH_STATES
    lives_alone: Mapped[bool | None] = mapped_column(Boolean)     # 独居; empty: not known
    phone: Mapped[str | None] = mapped_column(String(30))
    street_code: Mapped[str | None] = mapped_column(ForeignKey("streets.code"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    # 银发人才库: the fields of a cadre's skills (vocab.TALENT_FIELDS, joined by 、) and whether
    # they are willing to serve; None = not asked
    skills: Mapped[str | None] = mapped_column(String(100))
    willing: Mapped[bool | None] = mapped_column(Boolean)


class Membership(Base):
    """A person's party membership in one organisation (组织关系), joined and left."""
    __tablename__ = "memberships"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (Index("ix_memberships_org_dates", "org_id", "joined_on", "left_on", "person_id"),)


class Site(Base):
    """A place: co-built rooms, classrooms, stations, theatres, bases and the bureau's own venues."""
    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20))
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    community: Mapped[str | None] = mapped_column(String(100))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    co_built: Mapped[bool] = mapped_column(Boolean, default=False)
    standardised: Mapped[bool] = mapped_column(Boolean, default=False)
    liaison: Mapped[str | None] = mapped_column(String(40))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class VolunteerTeam(Base):
    __tablename__ = "volunteer_teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    direction: Mapped[str | None] = mapped_column(String(40))
    founded_on: Mapped[dt.date] = mapped_column(Date)
    dissolved_on: Mapped[dt.date | None] = mapped_column(Date)


class VolunteerMembership(Base):
    __tablename__ = "volunteer_memberships"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_teams.id"))
    joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (Index("ix_volunteer_memberships_team", "team_id", "joined_on", "left_on", "person_id"),)


class Activity(Base):
    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_teams.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"))
    participants: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    __table_args__ = (
        Index("ix_activities_street_date", "street_code", "date"),
        Index("ix_activities_org_date", "org_id", "date"),
        Index("ix_activities_site_date", "site_id", "date"),
    )


class Participation(Base):
    """Who took part in an activity (from the sign-in book, 签到簿)."""
    __tablename__ = "participations"
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)


class Contact(Base):
    """A contact with a cadre (走访慰问记录): a birthday visit, a home visit, a call, a talk, a
    festival visit or practical help, on one day, by whom."""
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(4))                  # vocab.CONTACT_KINDS
    visitor: Mapped[str | None] = mapped_column(String(40))       # 走访人
    note: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (Index("ix_contacts_person_date", "person_id", "date"),)


class NewsletterIssue(Base):
    """An issue of the bimonthly 《章丘老干部参考》."""
    __tablename__ = "newsletter_issues"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    published_on: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))


class OralHistoryInterview(Base):
    """红色记忆: an interview with a 离休干部 or a pre-1949 party member."""
    __tablename__ = "oral_history_interviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interviewee: Mapped[str] = mapped_column(String(40))
    street_code: Mapped[str | None] = mapped_column(ForeignKey("streets.code"))
    interviewed_on: Mapped[dt.date] = mapped_column(Date)


class Problem(Base):
    """A problem found (检视) and, once solved, its solved date."""
    __tablename__ = "problems"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    found_on: Mapped[dt.date] = mapped_column(Date)
    solved_on: Mapped[dt.date | None] = mapped_column(Date)


class Honour(Base):
    __tablename__ = "honours"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(100))
    awarded_on: Mapped[dt.date] = mapped_column(Date)
    level: Mapped[str | None] = mapped_column(String(20))


class StoreMeta(Base):
    """Facts about the store itself, e.g. ``demo`` = the seed rules it was filled with."""
    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class StoreState(Base):
    """One row, bumped by triggers on every data change: the dashboards' cheap change check."""
    __tablename__ = "store_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


# Tables whose changes bump store_state (everything the dashboards read).
TRACKED_TABLES = (
    "streets", "organisations", "people", "memberships", "sites", "volunteer_teams",
    "volunteer_memberships", "activities", "participations", "newsletter_issues",
    "oral_history_interviews", "problems", "honours", "store_meta",
    "contacts",
)


class ImportLog(Base):
    """The audit log of ledger imports (台账导入记录): one row per attempt to apply files."""
    __tablename__ = "import_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp(), index=True)
    user_name: Mapped[str | None] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Text)
    counts: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)


class User(Base):
    """Someone who logs in: 管理员 (admin), 领导 (leader) or 街道工作人员 (staff, bound to streets)."""
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(10))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(Text)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # bumped: sessions end
    email: Mapped[str | None] = mapped_column(String(254))  # where subscribed briefings are mailed


class UserStreet(Base):
    """A street a 街道工作人员 may see and import for."""
    __tablename__ = "user_streets"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    street_code: Mapped[str] = mapped_column(String(12), primary_key=True)


class Link(Base):
    """A signed link: one page or panel, one filter, until it expires or is revoked."""
    __tablename__ = "links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))        # screen | embed
    target: Mapped[str] = mapped_column(String(64))      # "screen" or a panel id
    query: Mapped[str] = mapped_column(Text)             # the canonical filter query string
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEntry(Base):
    """Who did what, when and from where: logins, imports, data exports, links, user changes."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp(), index=True)
    user_name: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(64))


class PendingImport(Base):
    """A checked ledger upload waiting for its 确认导入: in the store, so that any process may
    confirm it. The files are kept (not the parsed rows), and checked again on confirming."""
    __tablename__ = "pending_imports"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    streets: Mapped[str | None] = mapped_column(Text)      # JSON list: the scope it was checked for
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    state: Mapped[str] = mapped_column(String(10))          # checked | applying | done
    size: Mapped[int] = mapped_column(Integer)
    files: Mapped[bytes | None] = mapped_column(LargeBinary)  # an uncompressed zip of the uploaded files
    result: Mapped[str | None] = mapped_column(Text)        # JSON: what the confirm answered


class CheckSlot(Base):
    """A ledger check (or confirm) running now, in any process or host: at most one per user
    and a few in all, so that checks cannot together exhaust a server's memory. A row older
    than the longest check is left by a process that died and no longer counts."""
    __tablename__ = "check_slots"
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), unique=True)
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime)


class BriefingSchedule(Base):
    """A briefing made by itself: a scope (street codes, JSON; ``[]`` the district), a format, a
    rhythm (every ``every_months`` months, counted from January, on ``day``) and how many of its
    files to keep."""
    __tablename__ = "briefing_schedules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    streets: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(4))
    every_months: Mapped[int] = mapped_column(Integer)
    day: Mapped[int] = mapped_column(Integer)
    keep: Mapped[int] = mapped_column(Integer)
    charts: Mapped[str | None] = mapped_column(Text)  # comma-separated panel ids; None: the briefing's own
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class BriefingRun(Base):
    """One due date of a schedule: running, ok (its file written) or failed (retried up to a
    limit). The schedule's name and scope are copied, so that the archive outlives the schedule."""
    __tablename__ = "briefing_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("briefing_schedules.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(60))
    streets: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(4))
    due_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10))          # running | ok | failed | removed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    file_name: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(Text)
    # mail to the schedule's subscribers: None (nobody to send to, or no SMTP server), sent,
    # partly (some addresses refused for good) or failed (retried); mailed_to the user names sent to
    mail_state: Mapped[str | None] = mapped_column(String(10))
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    mailed_to: Mapped[str | None] = mapped_column(Text)   # JSON list of user names
    mail_message: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("schedule_id", "due_on", name="uq_briefing_runs_schedule_due"),)


class BriefingSubscription(Base):
    """A user who receives a schedule's briefings by mail (while they may see its scope)."""
    __tablename__ = "briefing_subscriptions"
    schedule_id: Mapped[int] = mapped_column(ForeignKey("briefing_schedules.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class Lease(Base):
    """A job only one process of all may do at a time (the briefing runner): held by ``owner``
    until ``expires_at``, renewed while it runs; a dead holder's lease runs out."""
    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
