"""Demo data: a plausible history of the bureau's work from 2013 to the as-of day.

Generated from the rules below, deterministically for a given seed. At scale 1 and as of
2020-07-01 the district-wide figures equal the bureau's own report (docs/sources.md):

- 15 volunteer teams with 500–599 distinct volunteers; 19 关心下一代教育基地; 6 standardised
  共享式党员活动室 and 5 芳华剧场; 10–19 co-built 开放式活动室 and 老年大学分校/课堂;
  4 功能型党支部; 42 issues of 《章丘老干部参考》; 85 红色记忆 interviewees; 33 problems solved;
  35–39 新时代文明实践 and 30–39 关心下一代 activities in the 12 months before.

Other rules: each street has its own 建制型 branch, the central streets also community
branches, and district departments have their branches under the 区直机关离退休干部党总支;
the 辛寨 branch was dissolved when 辛寨镇 merged into 刁镇 (2017). People are fictitious
("张某甲"): 离休 cadres born 1920–1931, 退休 cadres born 1940–1966, who join their branch
at retirement (60 for men, 55 for women) or when it is founded, and leave on death. Sign-in
records (participation rows) exist from 2019, when the 签到簿 went digital. Scale N multiplies
the people, the branches and sites below street level, the teams and the activities.

So that the 需关注 list has a handful of items on any as-of day (``_Upkeep``, its own random
stream, leaving the figures above unchanged): branches meet at their street's 共享式党员活动室 and
hold 主题党日 at its 文明实践站; each 开放式活动室 has a monthly 文体活动; each street's 老干部党支部
brings 老年教育 and 文体活动 to its street every quarter, except 文体活动 in 垛庄镇; site activities
get sign-ins from 2019, except at the earliest co-built 老年大学分校/课堂 (paper sheets); one co-built
site in twelve has recorded nothing for the last 100–200 days, one in fifteen has no 联络指导员;
垛庄镇 has not entered its 签到簿 for the last 75 days; each January from 2020 the 组织生活会 finds
3–5 problems, solved 90–240 days later, the last two of each year after 365–540 days (in 2020
not before 15 July: the epidemic). Meeting lapses come from the branches' diligence above.

Where people live (``settle``, its own random stream, positions only): homes lie around their
street's seat, normally spread with 1.1 km for a 街道 and 1.8 km for a 镇 (its villages); a street's
sites are built together (一室一校一站) around two central communities, themselves 0.5 km about
the seat, each site within 0.25 km of one; all inside their street.

银发人才库 (``talent_pool``, its own random stream): one cadre in six alive on the as-of day has
filed skills, one field (two in one case of four), drawn with the volunteer teams' work in mind
(理论宣讲 and 文化艺术 the most common, 法律服务 and 经济管理 the rarest); of them three in four are
willing to serve (服务意愿 是), and one in ten of the others said so when asked (a tenth were asked).
关心照顾 (``_Care``, its own random stream, leaving everything above unchanged): every person gets
a 出生日期 in their birth year, a 健康状况 that worsens with age (良好/一般/较差/失能半失能), 独居
more often with age, and a fictitious 联系电话 (``0531-0…``: no local number starts with 0). The
走访慰问记录 covers the 15 months before the as-of day (enough for "now" and "a year ago" in a
90-day window, and small enough for the ledger's import limit), for the cadres of each day (a
membership or team membership in force): a 生日祝寿 visit on the birthday of each cadre turning 70,
80, 90 or 100 and of every 离休干部; a 慰问 of every 离休干部 in the week before 春节 and before 七一,
and of every cadre aged 85 or more or 失能半失能 before 春节; every quarter each street calls (电话,
two in three) or visits (走访) a share of its cadres, its own rate drawn once per seed from 2% to
15%, twice it for those living alone or in poor health (so some streets keep in touch and others
fall behind); every half year each street holds a 座谈 with 8–15 of its cadres; and a third of the
失能半失能 get 帮扶 once a year. The 重点关爱对象 (离休, 90 or older, 失能半失能) are visited or called
every 78–86 days instead, one contact in forty missed, so that 需关注 lists a handful of them.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field

from sqlalchemy import delete

from dashboard import geo, vocab
from dashboard.schema import (
    Activity,
    Base,
    Contact,
    Honour,
    Membership,
    NewsletterIssue,
    OralHistoryInterview,
    Organisation,
    Participation,
    Person,
    Problem,
    Site,
    StoreMeta,
    Street,
    VolunteerMembership,
    VolunteerTeam,
)
from dashboard.store import Store, bulk_insert

GENERATOR_VERSION = 7  # bump when the rules change: stores seeded by older rules differ
HISTORY_START = dt.date(2013, 1, 1)
REPORT_DAY = dt.date(2020, 7, 1)
DIGITAL_SIGN_IN = dt.date(2019, 1, 1)

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
            "魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
GIVEN = "甲乙丙丁戊己庚辛壬癸"
COMMUNITY_WORDS = (
    "东苑", "西关", "南湖", "北园", "新华", "和平", "幸福", "文化", "泉城", "绣江", "百脉",
    "龙泉", "东岭", "清河", "书院", "槐荫", "康宁", "福泰", "明湖", "翠屏",
)
DEPARTMENTS = (
    "区人民医院", "区教育和体育局", "区财政局", "区公安分局", "区人民法院", "区人民检察院",
    "区农业农村局", "区水务局", "区交通运输局", "区住房和城乡建设局", "区市场监督管理局",
    "区卫生健康局", "区民政局", "区人力资源和社会保障局", "区自然资源局", "区税务局",
    "区供销社", "区文化和旅游局", "区统计局", "区审计局", "区总工会", "区妇联",
)
TEAM_DIRECTIONS = ("移风易俗", "理论宣讲", "关心下一代", "文明实践", "环境保护", "助老助残", "文艺演出", "医疗义诊")


@dataclass(frozen=True)
class DemoRules:
    as_of: dt.date
    scale: int = 1
    seed: int = 2020


def _d(day: dt.date) -> int:
    return day.toordinal()


def _day(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def _rand_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end] (inclusive)."""
    return _day(rng.randint(_d(start), _d(end)))


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, min(day.day, 28))


@dataclass
class _Gen:
    rules: DemoRules
    rng: random.Random
    streets: list[geo.Township]
    orgs: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    memberships: list[dict] = field(default_factory=list)
    sites: list[dict] = field(default_factory=list)
    teams: list[dict] = field(default_factory=list)
    volunteers: list[dict] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)
    participations: list[dict] = field(default_factory=list)
    death: dict[int, dt.date] = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date:
        return self.rules.as_of

    def street(self, name: str) -> geo.Township:
        return next(t for t in self.streets if t.name == name)

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "某" + self.rng.choice(GIVEN)

    def point_in(self, town: geo.Township, radius_km: float = 2.5) -> tuple[float, float]:
        """A point near the street's reference point that is inside the district and nearer to
        this street's point than to any other (so, as far as we know, inside the street)."""
        for _ in range(200):
            lon = town.lon + self.rng.uniform(-1, 1) * radius_km / 89.0
            lat = town.lat + self.rng.uniform(-1, 1) * radius_km / 111.0
            if geo.in_district(lon, lat) and geo.nearest_township(lon, lat).code == town.code:
                return round(lon, 6), round(lat, 6)
        return town.lon, town.lat

    # -- organisations -------------------------------------------------------------------
    def add_org(self, name, kind, level, street, founded, dissolved=None, parent=None, unit=None) -> dict:
        org = {
            "id": len(self.orgs) + 1, "code": f"ZZ{len(self.orgs) + 1:05d}", "name": name, "kind": kind,
            "level": level, "parent_id": parent, "street_code": street.code, "unit": unit,
            "founded_on": founded, "dissolved_on": dissolved,
        }
        if founded <= self.as_of:
            self.orgs.append(org)
        return org

    def build_orgs(self) -> None:
        rng, n = self.rng, self.rules.scale
        mingshui = self.street("明水街道")
        for town in self.streets:
            self.add_org(f"{town.name}老干部党支部", vocab.ESTABLISHED, vocab.BRANCH_LEVEL, town,
                         _rand_day(rng, dt.date(2013, 1, 1), dt.date(2014, 6, 30)), unit=f"{town.name}办事处")
        self.add_org("辛寨老干部党支部", vocab.ESTABLISHED, vocab.BRANCH_LEVEL, self.street("刁镇街道"),
                     dt.date(2013, 3, 1), dissolved=dt.date(2017, 3, 1), unit="原辛寨镇")
        central = [self.street("明水街道"), self.street("双山街道"), self.street("圣井街道"), self.street("埠村街道")]
        for i in range(6 * n):
            town = central[i % len(central)]
            community = f"{COMMUNITY_WORDS[i % len(COMMUNITY_WORDS)]}社区"
            suffix = "" if i < len(COMMUNITY_WORDS) else str(i // len(COMMUNITY_WORDS) + 1)
            self.add_org(f"{town.name}{community}{suffix}离退休干部党支部", vocab.ESTABLISHED, vocab.BRANCH_LEVEL,
                         town, _rand_day(rng, dt.date(2014, 1, 1), dt.date(2019, 12, 31)), unit=community)
        general = self.add_org("区直机关离退休干部党总支", vocab.ESTABLISHED, "党总支", mingshui,
                               dt.date(2013, 1, 1), unit="区委老干部局")
        for i in range(len(DEPARTMENTS) * n):
            dept = DEPARTMENTS[i % len(DEPARTMENTS)] + ("" if i < len(DEPARTMENTS) else f"第{i // len(DEPARTMENTS) + 1}")
            town = mingshui if i % 3 else self.street("双山街道")
            self.add_org(f"{dept}离退休干部党支部", vocab.ESTABLISHED, vocab.BRANCH_LEVEL, town,
                         _rand_day(rng, dt.date(2013, 1, 1), dt.date(2016, 12, 31)), parent=general["id"], unit=dept)
        functional = [
            ("老干部志愿服务队功能型党支部", dt.date(2019, 3, 1)),
            ("老年大学合唱团功能型党支部", dt.date(2019, 6, 1)),
            ("银发帮忙团功能型党支部", dt.date(2019, 9, 1)),
            ("老年大学书画班功能型党支部", dt.date(2020, 4, 1)),
            ("芳华剧场艺术团功能型党支部", dt.date(2022, 5, 1)),
            ("百脉银龄志愿服务功能型党支部", dt.date(2023, 7, 1)),
        ]
        for name, founded in functional:
            self.add_org(name, vocab.FUNCTIONAL, vocab.BRANCH_LEVEL, mingshui, founded, unit="区委老干部局")

    # -- people and memberships ----------------------------------------------------------
    def build_people(self) -> None:
        rng, n = self.rng, self.rules.scale
        branches = [o for o in self.orgs if o["level"] == vocab.BRANCH_LEVEL and o["kind"] == vocab.ESTABLISHED]
        weights = [3 if "老干部党支部" in o["name"] else 2 for o in branches]
        xinzhai = next((o for o in branches if o["name"].startswith("辛寨")), None)
        diaozhen = next((o for o in branches if o["name"] == "刁镇街道老干部党支部"), None)
        for pid in range(1, 11000 * n + 1):
            retired_early = rng.random() < 0.025
            gender = "男" if rng.random() < 0.62 else "女"
            birth = rng.randint(1920, 1931) if retired_early else rng.randint(1940, 1966)
            cadre = "离休" if retired_early else "退休"
            branch = rng.choices(branches, weights)[0]
            town = next(t for t in self.streets if t.code == branch["street_code"])
            lon, lat = self.point_in(town, 3.0)
            self.people.append({
                "id": pid, "code": f"RY{pid:07d}", "name": self.name(), "gender": gender, "birth_year": birth,
                "cadre_type": cadre, "street_code": town.code, "lon": lon, "lat": lat,
            })
            retire = dt.date(birth + (60 if gender == "男" else 55), rng.randint(1, 12), 1)
            death_age = min(102, max(70, int(rng.gauss(84, 7))))
            death = dt.date(birth + death_age, rng.randint(1, 12), rng.randint(1, 28))
            self.death[pid] = death
            joined = max(retire, branch["founded_on"], HISTORY_START)
            if joined >= death or joined > self.as_of:
                continue
            if branch is xinzhai:
                # the 2017 merger: 辛寨 members moved to 刁镇 on the day their branch closed;
                # those who retired after it joined 刁镇 straight away
                closed = xinzhai["dissolved_on"]
                if joined < closed:
                    self.add_membership(pid, xinzhai["id"], joined, min(death, closed))
                if death > closed and diaozhen is not None:
                    self.add_membership(pid, diaozhen["id"], max(joined, closed), death)
                continue
            if rng.random() < 0.03:  # a transfer to another branch
                other = rng.choice(branches)
                moved = _rand_day(rng, joined, min(death, self.as_of))
                if other is not branch and other is not xinzhai and other["founded_on"] <= moved and moved > joined:
                    self.add_membership(pid, branch["id"], joined, moved)
                    self.add_membership(pid, other["id"], moved, death)
                    continue
            self.add_membership(pid, branch["id"], joined, death)
        # functional branches draw their members from the established branches
        functional = [o for o in self.orgs if o["kind"] == vocab.FUNCTIONAL]
        for org in functional:
            alive = [m for m in self.memberships if m["left_on"] is None or m["left_on"] > org["founded_on"]]
            for m in rng.sample(alive, min(len(alive), rng.randint(25, 45) * n)):
                joined = max(org["founded_on"], m["joined_on"])
                self.add_membership(m["person_id"], org["id"], joined, self.death[m["person_id"]])

    def add_membership(self, pid: int, org_id: int, joined: dt.date, left: dt.date | None) -> None:
        if joined > self.as_of:
            return
        self.memberships.append({
            "id": len(self.memberships) + 1, "person_id": pid, "org_id": org_id, "joined_on": joined,
            "left_on": left if left is not None and left <= self.as_of else None,
        })

    # -- sites ---------------------------------------------------------------------------
    def add_site(self, site_type, town, opened, *, co_built=False, standardised=False, closed=None, label=None) -> None:
        if opened > self.as_of:
            return
        sid = len(self.sites) + 1
        community = f"{self.rng.choice(COMMUNITY_WORDS)}社区"
        lon, lat = self.point_in(town)
        self.sites.append({
            "id": sid, "code": f"ZD{sid:05d}", "name": label or f"{town.name}{community}{site_type}",
            "type": site_type, "street_code": town.code, "community": community, "lon": lon, "lat": lat,
            "co_built": co_built, "standardised": standardised,
            "liaison": self.name() if co_built else None,
            "opened_on": opened, "closed_on": closed if closed is not None and closed <= self.as_of else None,
        })

    def build_sites(self) -> None:
        rng, n = self.rng, self.rules.scale
        towns = self.streets
        pick = lambda k: rng.sample(towns, k) if k <= len(towns) else [rng.choice(towns) for _ in range(k)]  # noqa: E731
        before = lambda: _rand_day(rng, dt.date(2017, 1, 1), dt.date(2020, 6, 30))  # noqa: E731
        after = lambda: _rand_day(rng, dt.date(2020, 7, 2), dt.date(2026, 6, 30))  # noqa: E731
        mingshui = self.street("明水街道")
        self.add_site(vocab.SANATORIUM, mingshui, dt.date(2005, 1, 1), label="章丘区老干部干休所")
        self.add_site(vocab.ACTIVITY_CENTRE, mingshui, dt.date(2008, 1, 1), label="章丘区老干部活动中心")
        for _ in range(n):
            # 一室一校一站 as of the report: 6 standardised shared rooms, 13 co-built open rooms and
            # classrooms, 5 theatres, 19 education bases
            for town in pick(6):
                self.add_site(vocab.SHARED_ROOM, town, before(), co_built=True, standardised=True)
            for town in pick(2):
                self.add_site(vocab.SHARED_ROOM, town, before(), co_built=True)
            for town in pick(7):
                self.add_site(vocab.OPEN_ROOM, town, before(), co_built=True)
            for town in pick(6):
                self.add_site(vocab.UNIVERSITY, town, before(), co_built=True)
            for town in pick(5):
                self.add_site(vocab.PRACTICE_STATION, town, before(), co_built=True)
            for town in pick(5):
                self.add_site(vocab.THEATRE, town, before(), co_built=True)
            for town in pick(18):
                self.add_site(vocab.EDUCATION_BASE, town, _rand_day(rng, dt.date(2013, 6, 1), dt.date(2020, 6, 30)))
            # growth after the report, and one base closed
            for town in pick(4):
                self.add_site(vocab.SHARED_ROOM, town, after(), co_built=True, standardised=True)
            for town in pick(5):
                self.add_site(rng.choice((vocab.OPEN_ROOM, vocab.UNIVERSITY)), town, after(), co_built=True)
            for town in pick(6):
                self.add_site(vocab.PRACTICE_STATION, town, after(), co_built=True)
            for town in pick(2):
                self.add_site(vocab.THEATRE, town, after(), co_built=True)
            for town in pick(5):
                self.add_site(vocab.EDUCATION_BASE, town, after())
            self.add_site(vocab.EDUCATION_BASE, rng.choice(towns), dt.date(2014, 5, 1), closed=dt.date(2022, 9, 1))

    # -- volunteer teams -----------------------------------------------------------------
    def add_team(self, name, town, founded, org=None, direction=None) -> dict | None:
        if founded > self.as_of:
            return None
        team = {
            "id": len(self.teams) + 1, "code": f"DW{len(self.teams) + 1:04d}", "name": name,
            "street_code": town.code, "org_id": org, "direction": direction or self.rng.choice(TEAM_DIRECTIONS),
            "founded_on": founded, "dissolved_on": None,
        }
        self.teams.append(team)
        return team

    def build_teams(self) -> None:
        rng, n = self.rng, self.rules.scale
        mingshui = self.street("明水街道")
        by_name = {o["name"]: o["id"] for o in self.orgs}
        report_teams = []
        for i in range(n):
            tag = "" if i == 0 else f"({i + 1})"
            report_teams.append(self.add_team(f"银发帮忙团{tag}", mingshui, dt.date(2016, 4, 1),
                                              by_name.get("银发帮忙团功能型党支部"), "移风易俗"))
            report_teams.append(self.add_team(f"红色记忆宣讲团{tag}", mingshui, dt.date(2018, 3, 1), None, "理论宣讲"))
            report_teams.append(self.add_team(f"关工委“五老”宣讲团{tag}", mingshui, dt.date(2014, 5, 1), None, "关心下一代"))
            for town in rng.sample(self.streets, 12):
                branch = by_name.get(f"{town.name}老干部党支部")
                report_teams.append(self.add_team(f"{town.name}老干部志愿服务队{tag}", town,
                                                  _rand_day(rng, dt.date(2015, 1, 1), dt.date(2019, 12, 31)), branch))
            # the 百脉银龄 brand from 2023, with yearly intakes
            for k, founded in enumerate((dt.date(2023, 3, 5), dt.date(2024, 3, 5), dt.date(2025, 3, 5), dt.date(2026, 3, 5))):
                self.add_team(f"百脉银龄志愿服务队第{k + 1}分队{tag}", mingshui, founded,
                              by_name.get("百脉银龄志愿服务功能型党支部"))
        self.report_teams = [t for t in report_teams if t is not None]

    def build_volunteers(self) -> None:
        rng, n = self.rng, self.rules.scale
        alive_at = lambda pid, day: self.death[pid] > day  # noqa: E731
        people = [p["id"] for p in self.people]
        pool_2020 = [pid for pid in people if alive_at(pid, REPORT_DAY)]
        target = rng.randint(520, 580) * n
        chosen = rng.sample(pool_2020, min(target, len(pool_2020)))
        teams = self.report_teams
        for i, pid in enumerate(chosen if teams else ()):
            homes = [teams[i % len(teams)]]
            if rng.random() < 0.1:
                homes.append(rng.choice(teams))
            for team in {t["id"]: t for t in homes}.values():
                joined = _rand_day(rng, team["founded_on"], REPORT_DAY - dt.timedelta(days=1))
                left = None
                if rng.random() < 0.2:
                    left = _rand_day(rng, REPORT_DAY + dt.timedelta(days=1), dt.date(2026, 12, 31))
                self.add_volunteer(pid, team, joined, left)
        # former volunteers who had left before the report, and intakes after it
        for team in teams:
            for pid in rng.sample(people, 6):
                joined = _rand_day(rng, team["founded_on"], REPORT_DAY - dt.timedelta(days=60))
                left = _rand_day(rng, joined + dt.timedelta(days=1), REPORT_DAY - dt.timedelta(days=1))
                if left > joined:
                    self.add_volunteer(pid, team, joined, left)
        for team in self.teams:
            newcomers = 40 * n if team not in teams else 8
            for pid in rng.sample(people, newcomers):
                start = max(team["founded_on"], REPORT_DAY + dt.timedelta(days=1))
                if start < self.as_of:
                    self.add_volunteer(pid, team, _rand_day(rng, start, self.as_of), None)

    def add_volunteer(self, pid: int, team: dict, joined: dt.date, left: dt.date | None) -> None:
        death = self.death[pid]
        if joined > self.as_of or joined >= death:
            return
        left = min(left, death) if left else death
        self.volunteers.append({
            "id": len(self.volunteers) + 1, "person_id": pid, "team_id": team["id"], "joined_on": joined,
            "left_on": left if left <= self.as_of else None,
        })

    # -- activities ----------------------------------------------------------------------
    def add_activity(self, day, category, name, street_code, *, org=None, team=None, site=None,
                     attendees=(), headcount=None, hours=2.0) -> None:
        if day > self.as_of:
            return
        # one sign-in per person: a roster can list someone twice (a second membership in the
        # same branch or team overlapping the first), which at --scale 10 it did
        attendees = tuple(dict.fromkeys(attendees))
        aid = len(self.activities) + 1
        recorded = day >= DIGITAL_SIGN_IN
        self.activities.append({
            "id": aid, "code": f"HD{aid:08d}", "date": day, "category": category, "name": name,
            "org_id": org, "team_id": team, "site_id": site, "street_code": street_code,
            "participants": len(attendees) if recorded and attendees else (headcount or len(attendees)),
            "hours": hours,
        })
        if recorded:
            self.participations.extend({"activity_id": aid, "person_id": pid} for pid in attendees)

    def members_on(self, org_id: int, day: dt.date) -> list[int]:
        return [pid for pid, joined, left in self.roster.get(org_id, ()) if joined <= day and (left is None or left > day)]

    def build_meetings(self) -> None:
        rng = self.rng
        self.roster: dict[int, list] = {}
        for m in self.memberships:
            self.roster.setdefault(m["org_id"], []).append((m["person_id"], m["joined_on"], m["left_on"]))
        sizes = {vocab.COMMITTEE_MEETING: 4, vocab.GROUP_MEETING: 6, vocab.PARTY_LECTURE: 10, vocab.THEME_DAY: 8}
        for org in self.orgs:
            if org["level"] != vocab.BRANCH_LEVEL:
                continue
            # most branches keep every meeting; some slip now and then, a few often
            roll = rng.random()
            diligence = 1.0 if roll < 0.6 else rng.uniform(0.93, 0.99) if roll < 0.85 else rng.uniform(0.7, 0.9)
            month = dt.date(max(org["founded_on"], HISTORY_START).year, max(org["founded_on"], HISTORY_START).month, 1)
            end = min(org["dissolved_on"] or self.as_of, self.as_of)
            while month <= end:
                plan = [vocab.COMMITTEE_MEETING, vocab.GROUP_MEETING, vocab.THEME_DAY]
                if month.month in (3, 6, 9, 12):
                    plan += [vocab.GENERAL_MEETING, vocab.PARTY_LECTURE]
                for category in plan:
                    if rng.random() > diligence:
                        continue
                    day = month + dt.timedelta(days=rng.randint(0, 27))
                    if day < org["founded_on"] or day >= end:
                        continue
                    members = self.members_on(org["id"], day) if day >= DIGITAL_SIGN_IN else []
                    if category == vocab.GENERAL_MEETING:
                        k = max(3, len(members) // 8)
                    else:
                        k = sizes[category]
                    attendees = rng.sample(members, min(k, len(members))) if members else ()
                    self.add_activity(day, category, f"{org['name']}{category}", org["street_code"], org=org["id"],
                                      attendees=attendees, headcount=k, hours=1.5)
                month = _add_months(month, 1)

    def yearly_windows(self, first_year: int) -> list[tuple[dt.date, dt.date]]:
        """12-month windows ending on 1 July, the report's anniversary, up to the as-of day."""
        out, year = [], first_year
        while dt.date(year - 1, 7, 2) <= self.as_of:
            out.append((dt.date(year - 1, 7, 2), dt.date(year, 7, 1)))
            year += 1
        return out

    def build_events(self) -> None:
        rng, n = self.rng, self.rules.scale
        team_roster: dict[int, list] = {}
        for v in self.volunteers:
            team_roster.setdefault(v["team_id"], []).append((v["person_id"], v["joined_on"], v["left_on"]))
        sites_of = lambda t: [s for s in self.sites if s["type"] == t]  # noqa: E731

        def open_sites(site_type: str, day: dt.date) -> list[dict]:
            return [s for s in sites_of(site_type) if s["opened_on"] <= day and (s["closed_on"] is None or s["closed_on"] > day)]

        def team_members(team: dict, day: dt.date) -> list[int]:
            return [pid for pid, joined, left in team_roster.get(team["id"], ()) if joined <= day and (left is None or left > day)]

        def count(window_end: dt.date, report: tuple[int, int], growth: float) -> int:
            years_from_report = window_end.year - 2020
            if years_from_report == 0:
                return rng.randint(*report) * n
            base = (report[0] + report[1]) / 2
            return max(2, int(base * (1 + growth) ** years_from_report * rng.uniform(0.92, 1.05))) * n

        for start, end in self.yearly_windows(2016):
            for _ in range(count(end, (35, 39), 0.12)):
                day = _rand_day(rng, start, end)
                teams = [t for t in self.teams if t["founded_on"] <= day]
                if not teams:
                    continue
                team = rng.choice(teams)
                stations = [s for s in open_sites(vocab.PRACTICE_STATION, day) if s["street_code"] == team["street_code"]]
                crew = team_members(team, day)
                attendees = rng.sample(crew, min(len(crew), rng.randint(6, 20))) if day >= DIGITAL_SIGN_IN else ()
                self.add_activity(day, vocab.PRACTICE, f"{team['name']}新时代文明实践活动", team["street_code"],
                                  team=team["id"], org=team["org_id"], site=stations[0]["id"] if stations else None,
                                  attendees=attendees, headcount=rng.randint(8, 25), hours=3.0)
            for _ in range(count(end, (30, 39), 0.08)):
                day = _rand_day(rng, start, end)
                bases = open_sites(vocab.EDUCATION_BASE, day)
                if not bases:
                    continue
                base = rng.choice(bases)
                self.add_activity(day, vocab.NEXT_GENERATION, f"{base['name']}关爱青少年活动", base["street_code"],
                                  site=base["id"], headcount=rng.randint(20, 80), hours=2.5)
        # 红色记忆 lectures since 2018 (20余场次 by the report)
        for start, end in self.yearly_windows(2019):
            k = rng.randint(9, 11) if end <= REPORT_DAY else rng.randint(6, 12)
            for _ in range(k * n):
                day = _rand_day(rng, max(start, dt.date(2018, 3, 1)), end)
                town = rng.choice(self.streets)
                self.add_activity(day, vocab.LECTURE_TOUR, "红色记忆事迹宣讲", town.code, headcount=rng.randint(40, 150))
        # visits, culture, classes: steady streams
        month = dt.date(2015, 1, 1)
        while month <= self.as_of:
            for _ in range(2 * n):
                town = rng.choice(self.streets)
                self.add_activity(month + dt.timedelta(days=rng.randint(0, 27)), vocab.VISIT,
                                  "走访慰问离退休干部", town.code, headcount=rng.randint(3, 12))
            for site in open_sites(vocab.THEATRE, month):
                self.add_activity(month + dt.timedelta(days=rng.randint(0, 27)), vocab.CULTURE,
                                  f"{site['name']}文艺演出", site["street_code"], site=site["id"],
                                  headcount=rng.randint(30, 200))
            for site in open_sites(vocab.UNIVERSITY, month):
                self.add_activity(month + dt.timedelta(days=rng.randint(0, 27)), vocab.ELDER_EDUCATION,
                                  f"{site['name']}课程", site["street_code"], site=site["id"], headcount=rng.randint(15, 40))
            month = _add_months(month, 1)
        # 半月谈 at the activity centre, twice a month
        centre = next(s for s in self.sites if s["type"] == vocab.ACTIVITY_CENTRE)
        month = dt.date(2019, 1, 1)
        while month <= self.as_of:
            for day in (month + dt.timedelta(days=rng.randint(0, 13)), month + dt.timedelta(days=rng.randint(14, 27))):
                self.add_activity(day, vocab.HALF_MONTH_TALK, "“半月谈”学习交流", centre["street_code"],
                                  site=centre["id"], headcount=rng.randint(10, 20), hours=1.5)
            month = _add_months(month, 1)
        # epidemic 2020: 10 members on community duty, 111 duty-days in all
        on_duty = rng.sample([p["id"] for p in self.people if self.death[p["id"]] > dt.date(2020, 6, 1)], 10)
        days = range(_d(dt.date(2020, 1, 27)), _d(dt.date(2020, 4, 30)) + 1)
        for pid, day in sorted(rng.sample([(pid, d) for pid in on_duty for d in days], 111), key=lambda x: x[1]):
            self.add_activity(_day(day), vocab.COMMUNITY_DUTY, "疫情防控社区执勤", self.street("明水街道").code,
                              attendees=(pid,), headcount=1, hours=8.0)

    def records(self) -> dict[str, list[dict]]:
        rng = self.rng
        issues, number, day = [], 1, dt.date(2013, 7, 15)
        while day <= self.as_of:
            issues.append({"id": number, "number": number, "published_on": day,
                           "title": f"《章丘老干部参考》第{number}期"})
            number, day = number + 1, _add_months(day, 2).replace(day=15)
        interviews = [
            {"id": i + 1, "interviewee": f"{self.name()}{i + 1:03d}", "street_code": rng.choice(self.streets).code,
             "interviewed_on": _rand_day(rng, dt.date(2018, 1, 10), dt.date(2020, 6, 30))}
            for i in range(85)
        ]
        day = REPORT_DAY
        while True:
            day += dt.timedelta(days=rng.randint(25, 60))
            if day > self.as_of:
                break
            interviews.append({"id": len(interviews) + 1, "interviewee": f"{self.name()}{len(interviews) + 1:03d}",
                               "street_code": rng.choice(self.streets).code, "interviewed_on": day})
        problems = []
        campaigns = [
            ("“不忘初心、牢记使命”主题教育", dt.date(2019, 6, 1), dt.date(2019, 12, 20), 33, dt.date(2020, 1, 31)),
            ("党史学习教育", dt.date(2021, 3, 1), dt.date(2021, 10, 31), 21, dt.date(2022, 1, 31)),
            ("学习贯彻习近平新时代中国特色社会主义思想主题教育", dt.date(2023, 4, 1), dt.date(2023, 11, 30), 26, dt.date(2024, 3, 31)),
        ]
        for campaign, start, end, k, deadline in campaigns:
            if start > self.as_of:
                continue
            for i in range(k):
                found = _rand_day(rng, start, min(end, self.as_of))
                solved = _rand_day(rng, found, deadline)
                problems.append({"id": len(problems) + 1, "campaign": campaign, "description": f"检视问题{i + 1}",
                                 "found_on": found, "solved_on": solved if solved <= self.as_of else None})
        honours = [
            ("感动章丘十大先模人物(群体)", "章丘老干部志愿服务群体", dt.date(2018, 12, 1), "区级"),
            ("感动章丘先进个人", "郭际奎", dt.date(2019, 12, 1), "区级"),
            ("全省离退休干部先进集体", "明水街道老干部党支部", dt.date(2020, 2, 1), "省级"),
            ("全区新时代文明实践工作先进单位", "章丘区委老干部局", dt.date(2020, 5, 1), "区级"),
            ("攻坚克难先进党组织", "章丘区委老干部局党支部", dt.date(2020, 6, 30), "区级"),
        ]
        problems += _Upkeep(self, random.Random(f"{self.rules.seed}:problems")).life_meeting_problems(len(problems))
        return {
            "newsletter_issues": issues,
            "oral_history_interviews": interviews,
            "problems": problems,
            "honours": [
                {"id": i + 1, "title": t, "recipient": r, "awarded_on": d, "level": lv}
                for i, (t, r, d, lv) in enumerate(honours) if d <= self.as_of
            ],
        }


@dataclass
class _Upkeep:
    """The rules that keep the 需关注 list plausible (a handful of items on any as-of day). They
    draw from their own random stream, so the rules above and the report's figures are unchanged."""
    g: _Gen
    rng: random.Random
    by_street: dict[tuple[str, str], list[dict]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_street = {}
        for site in self.g.sites:
            self.by_street.setdefault((site["street_code"], site["type"]), []).append(site)

    def open_sites(self, street: str, site_type: str, day: dt.date) -> list[dict]:
        return [s for s in self.by_street.get((street, site_type), ())
                if s["opened_on"] <= day and (s["closed_on"] is None or s["closed_on"] > day)]

    def place_meetings(self) -> None:
        """Branches meet at their street's 共享式党员活动室 (taking turns month by month when there
        are several), and hold 主题党日 at its 文明实践站 when it has one."""
        for a in self.g.activities:
            if a["org_id"] is None or a["site_id"] is not None or a["category"] not in vocab.MEETING_CADENCE:
                continue
            day = a["date"]
            rooms = self.open_sites(a["street_code"], vocab.SHARED_ROOM, day)
            if a["category"] == vocab.THEME_DAY:
                rooms = self.open_sites(a["street_code"], vocab.PRACTICE_STATION, day) or rooms
            if rooms:
                a["site_id"] = rooms[(day.year * 12 + day.month) % len(rooms)]["id"]

    def room_programmes(self) -> None:
        """Each 开放式活动室 holds a 文体活动 every month from its opening (or 2015)."""
        month = dt.date(2015, 1, 1)
        while month <= self.g.as_of:
            for site in self.g.sites:
                if site["type"] == vocab.OPEN_ROOM and site["opened_on"] <= month and (
                        site["closed_on"] is None or site["closed_on"] > month):
                    self.g.add_activity(month + dt.timedelta(days=self.rng.randint(0, 27)), vocab.CULTURE,
                                        f"{site['name']}文体活动", site["street_code"], site=site["id"],
                                        headcount=self.rng.randint(15, 60))
            month = _add_months(month, 1)

    def street_programmes(self) -> None:
        """Each street's 老干部党支部 brings 老年教育 (a class, in February, May, August and November)
        and 文体活动 (January, April, July, October) to its street, at its 共享式党员活动室 when it
        has one, from 2015; 垛庄镇, a mountain town without a venue for them, holds no 文体活动."""
        for org in self.g.orgs:
            town = next((t for t in self.g.streets if org["name"] == f"{t.name}老干部党支部"), None)
            if town is None:
                continue
            month = max(dt.date(2015, 1, 1), _add_months(org["founded_on"].replace(day=1), 1))
            end = min(org["dissolved_on"] or self.g.as_of, self.g.as_of)
            while month <= end:
                category = {2: vocab.ELDER_EDUCATION, 1: vocab.CULTURE}.get(month.month % 3)
                if category and not (category == vocab.CULTURE and town.name == "垛庄镇"):
                    day = month + dt.timedelta(days=self.rng.randint(0, 27))
                    rooms = self.open_sites(town.code, vocab.SHARED_ROOM, day)
                    members = self.g.members_on(org["id"], day) if day >= DIGITAL_SIGN_IN else []
                    if day < end:
                        self.g.add_activity(
                            day, category, f"{town.name}{'老年教育讲座' if category == vocab.ELDER_EDUCATION else '文体活动'}",
                            town.code, org=org["id"], site=rooms[0]["id"] if rooms else None,
                            attendees=self.rng.sample(members, min(len(members), self.rng.randint(10, 25))),
                            headcount=self.rng.randint(20, 50))
                month = _add_months(month, 1)

    def sign_ins(self) -> None:
        """From the digital 签到簿 (2019), the site's activities without a roster (performances,
        classes) get 8–20 sign-ins of people living in its street; the earliest co-built
        老年大学分校/课堂 keeps paper sheets only, so its activities have none."""
        residents: dict[str, list[int]] = {}
        for p in self.g.people:
            residents.setdefault(p["street_code"], []).append(p["id"])
        signed = {row["activity_id"] for row in self.g.participations}
        classrooms = sorted((s for s in self.g.sites if s["type"] == vocab.UNIVERSITY and s["co_built"]),
                            key=lambda s: (s["opened_on"], s["id"]))
        paper = classrooms[0]["id"] if classrooms else None
        for a in self.g.activities:
            if a["site_id"] is None or a["site_id"] == paper or a["date"] < DIGITAL_SIGN_IN or a["id"] in signed:
                continue
            pool = residents.get(a["street_code"], [])
            picked = self.rng.sample(pool, min(len(pool), self.rng.randint(8, 20)))
            self.g.participations.extend({"activity_id": a["id"], "person_id": pid} for pid in picked
                                         if self.g.death[pid] > a["date"])

    def lapses(self) -> None:
        """Gaps as the ledgers have them: one co-built site in twelve (by id) has recorded nothing
        in its 写实册 for the last 100–200 days (its activities name no site); one in fifteen has
        no 联络指导员 (the post is vacant); and 垛庄镇 has not entered its 签到簿 for the last 75 days."""
        quiet = {s["id"]: self.g.as_of - dt.timedelta(days=self.rng.randint(100, 200))
                 for s in self.g.sites if s["co_built"] and s["id"] % 12 == 5}
        for a in self.g.activities:
            if a["site_id"] in quiet and a["date"] > quiet[a["site_id"]]:
                a["site_id"] = None
        for s in self.g.sites:
            if s["co_built"] and s["id"] % 15 == 4:
                s["liaison"] = None
        late = next((t.code for t in self.g.streets if t.name == "垛庄镇"), None)
        cutoff = self.g.as_of - dt.timedelta(days=75)
        unsigned = {a["id"] for a in self.g.activities if a["street_code"] == late and a["date"] > cutoff}
        self.g.participations[:] = [r for r in self.g.participations if r["activity_id"] not in unsigned]

    def life_meeting_problems(self, first_id: int) -> list[dict]:
        """Each January from 2020 the year's 组织生活会 finds 3–5 problems. Each is solved 90–240
        days after it was found, the last two of each year only after 365–540 days; in 2020 the
        epidemic held rectification back to the second half of the year (solved 2020-07-15 or later)."""
        out = []
        for year in range(2020, self.g.as_of.year + 1):
            k = self.rng.randint(3, 5)
            for i in range(k):
                found = dt.date(year, 1, self.rng.randint(6, 28))
                if found > self.g.as_of:
                    continue
                slow = i >= k - 2
                solved = found + dt.timedelta(days=self.rng.randint(365, 540) if slow else self.rng.randint(90, 240))
                if year == 2020:
                    solved = max(solved, dt.date(2020, 7, 15))
                out.append({"id": first_id + len(out) + 1, "campaign": f"{year - 1}年度组织生活会",
                            "description": f"检视问题{i + 1}", "found_on": found,
                            "solved_on": solved if solved <= self.g.as_of else None})
        return out


TALENT_WEIGHTS = {  # relative frequency of each 银发人才库 field among the demo's cadres
    "理论宣讲": 8, "党建指导": 5, "文化艺术": 8, "教育培训": 6, "医疗保健": 4, "法律服务": 2,
    "农业技术": 4, "经济管理": 2, "调解纠纷": 4, "移风易俗": 5,
}


# 四就近: how far from its street's seat (the town centre) homes and sites lie, in km (the spread of
# a normal distribution): towns are compact and a 镇's villages lie farther out
HOME_SPREAD = {"街道": 1.1, "镇": 1.8}
CENTRES, CENTRE_SPREAD, SITE_SPREAD = 2, 0.5, 0.25


def settle(g: _Gen, rng: random.Random) -> None:
    """Homes and sites where people live: around their street's seat, most of them near it (rules
    in the module docstring). Positions only, on their own random stream: no figure of the
    report depends on where anyone lives."""
    towns = {t.code: t for t in g.streets}

    def near(town: geo.Township, spread_km: float, at: tuple[float, float] | None = None) -> tuple[float, float]:
        lon0, lat0 = at or (town.lon, town.lat)
        for _ in range(50):
            lon = lon0 + rng.gauss(0, spread_km) / 89.0
            lat = lat0 + rng.gauss(0, spread_km) / 111.0
            if geo.in_district(lon, lat) and geo.nearest_township(lon, lat).code == town.code:
                return round(lon, 6), round(lat, 6)
        return lon0, lat0

    for person in g.people:
        town = towns.get(person["street_code"])
        if town is not None:
            person["lon"], person["lat"] = near(town, HOME_SPREAD.get(town.kind, 1.1))
    # 一室一校一站: a street's sites are built together in a few central communities
    centres = {code: [near(town, CENTRE_SPREAD) for _ in range(CENTRES)] for code, town in towns.items()}
    for site in g.sites:
        town = towns[site["street_code"]]
        site["lon"], site["lat"] = near(town, SITE_SPREAD, rng.choice(centres[town.code]))


def talent_pool(g: _Gen, rng: random.Random) -> None:
    """The 银发人才库 columns of the people alive on the as-of day (rules in the module docstring)."""
    fields_, weights = list(TALENT_WEIGHTS), list(TALENT_WEIGHTS.values())
    for person in g.people:
        person["skills"], person["willing"] = None, None
        if g.death[person["id"]] <= g.as_of:
            continue
        if rng.random() < 1 / 6:
            picked = set(rng.choices(fields_, weights, k=2 if rng.random() < 0.25 else 1))
            person["skills"] = vocab.MULTI_SEPARATOR.join(f for f in vocab.TALENT_FIELDS if f in picked)
            person["willing"] = rng.random() < 0.75
        elif rng.random() < 0.1:
            person["willing"] = rng.random() < 0.1
# 春节 (the first day of the lunar year), for the 慰问 before it
SPRING_FESTIVAL = {y: dt.date.fromisoformat(d) for y, d in (
    (2012, "2012-01-23"), (2013, "2013-02-10"), (2014, "2014-01-31"), (2015, "2015-02-19"), (2016, "2016-02-08"),
    (2017, "2017-01-28"), (2018, "2018-02-16"), (2019, "2019-02-05"), (2020, "2020-01-25"), (2021, "2021-02-12"),
    (2022, "2022-02-01"), (2023, "2023-01-22"), (2024, "2024-02-10"), (2025, "2025-01-29"), (2026, "2026-02-17"),
    (2027, "2027-02-06"), (2028, "2028-01-26"), (2029, "2029-02-13"), (2030, "2030-02-03"), (2031, "2031-01-23"),
    (2032, "2032-02-11"), (2033, "2033-01-31"), (2034, "2034-02-19"), (2035, "2035-02-08"),
)}
CARE_MONTHS = 15  # how far back the demo's 走访慰问记录 goes
CARE_HEALTH = {  # age from → weights of vocab.HEALTH_STATES
    0: (0.62, 0.28, 0.08, 0.02), 70: (0.42, 0.36, 0.16, 0.06), 80: (0.22, 0.38, 0.25, 0.15), 90: (0.1, 0.3, 0.3, 0.3),
}


@dataclass
class _Care:
    """The care rules of the module's doc: the people's care columns and the 走访慰问记录."""
    g: _Gen
    rng: random.Random
    contacts: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.links: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
        for m in (*self.g.memberships, *self.g.volunteers):
            self.links.setdefault(m["person_id"], []).append((m["joined_on"], m["left_on"]))
        self.start = self.g.as_of - dt.timedelta(days=CARE_MONTHS * 30 + 5)
        self.seen: set[tuple[int, dt.date, str]] = set()

    def cadre_on(self, pid: int, day: dt.date) -> bool:
        return any(j <= day and (left is None or left > day) for j, left in self.links.get(pid, ()))

    def focus(self, p: dict, day: dt.date | None = None) -> bool:
        """A 重点关爱对象 (vocab.CARE_FOCUS_*) on the day (the as-of day by default)."""
        year = (day or self.g.as_of).year
        return (p["cadre_type"] == vocab.CARE_FOCUS_CADRE or year - p["birth_year"] >= vocab.CARE_FOCUS_AGE
                or p["health"] in vocab.CARE_FOCUS_HEALTH)

    def people(self) -> None:
        as_of = self.g.as_of
        for p in self.g.people:
            first = dt.date(p["birth_year"], 1, 1)
            p["birth_date"] = first + dt.timedelta(days=self.rng.randrange(365))
            age = as_of.year - p["birth_year"]
            weights = CARE_HEALTH[max(k for k in CARE_HEALTH if k <= age)]
            p["health"] = self.rng.choices(vocab.HEALTH_STATES, weights)[0]
            p["lives_alone"] = self.rng.random() < (0.06 if age < 70 else 0.12 if age < 80 else 0.2)
            p["phone"] = f"0531-0{self.rng.randrange(10**6, 10**7)}"

    def add(self, p: dict, day: dt.date, kind: str, visitor: str, note: str | None = None) -> None:
        if not self.start <= day <= self.g.as_of or not self.cadre_on(p["id"], day):
            return
        key = (p["id"], day, kind)
        if key in self.seen:
            return
        self.seen.add(key)
        self.contacts.append({"id": len(self.contacts) + 1, "person_id": p["id"], "date": day, "kind": kind,
                              "visitor": visitor, "note": note})

    def build(self) -> list[dict]:
        g, rng = self.g, self.rng
        streets = {t.code: t.name for t in g.streets}
        rates = {code: rng.uniform(0.02, 0.15) for code in sorted(streets)}
        staff = {code: f"{name}老干部工作专干" for code, name in streets.items()}
        by_street: dict[str, list[dict]] = {}
        for p in g.people:
            by_street.setdefault(p["street_code"], []).append(p)
        for p in g.people:
            birth = p["birth_date"]
            for year in range(self.start.year, g.as_of.year + 1):
                age = year - birth.year
                if age in (70, 80, 90, 100) or (p["cadre_type"] == "离休" and age >= 80):
                    day = birth.replace(year=year) if not (birth.month == 2 and birth.day == 29) else dt.date(year, 2, 28)
                    self.add(p, day, vocab.BIRTHDAY_VISIT, "区委老干部局", f"{age}岁生日")
            for year, festival in SPRING_FESTIVAL.items():
                age = year - birth.year
                if p["cadre_type"] == "离休" or age >= 85 or p["health"] == "失能半失能":
                    self.add(p, festival - dt.timedelta(days=rng.randint(2, 9)), "慰问", "区委老干部局", "春节慰问")
                if p["cadre_type"] == "离休":
                    self.add(p, dt.date(year, 6, rng.randint(22, 30)), "慰问", "区委老干部局", "“七一”慰问")
            if p["health"] == "失能半失能" and rng.random() < 1 / 3:
                self.add(p, _rand_day(rng, self.start, g.as_of), "帮扶", staff[p["street_code"]], "协调解决生活困难")
        quarter, n = self.start, 0
        while quarter <= g.as_of:
            end = min(_add_months(quarter, 3) - dt.timedelta(days=1), g.as_of)
            for code, people in sorted(by_street.items()):
                for p in people:
                    if self.focus(p):
                        continue
                    poor = p["lives_alone"] or p["health"] == "较差"
                    if rng.random() < rates[code] * (2 if poor else 1):
                        kind = "电话" if rng.random() < 2 / 3 else "走访"
                        self.add(p, _rand_day(rng, quarter, end), kind, staff[code])
                if n % 2 == 0:  # every half year
                    day = _rand_day(rng, quarter, end)
                    alive = [p for p in people if self.cadre_on(p["id"], day)]
                    for p in rng.sample(alive, min(len(alive), rng.randint(8, 15))):
                        self.add(p, day, "座谈", staff[code], "老干部座谈会")
            quarter, n = _add_months(quarter, 3), n + 1
        for p in g.people:  # the 重点关爱对象: a contact every 78–86 days, one in forty missed
            day = self.start + dt.timedelta(days=rng.randint(0, 80))
            while day <= g.as_of:
                if self.focus(p, day) and rng.random() >= 1 / 40:
                    self.add(p, day, "走访" if rng.random() < 0.5 else "电话", staff[p["street_code"]], "重点关爱对象定期联系")
                day += dt.timedelta(days=rng.randint(78, 86))
        self.contacts.sort(key=lambda c: (c["date"], c["person_id"], c["kind"]))
        for i, c in enumerate(self.contacts, start=1):
            c["id"] = i
        return self.contacts


def generate(rules: DemoRules) -> dict[str, list[dict]]:
    """All demo rows, keyed by table name, in insertion order."""
    g = _Gen(rules=rules, rng=random.Random(rules.seed), streets=list(geo.townships()))
    g.build_orgs()
    g.build_people()
    g.build_sites()
    g.build_teams()
    g.build_volunteers()
    g.build_meetings()
    g.build_events()
    work = _Upkeep(g, random.Random(f"{rules.seed}:upkeep"))
    work.place_meetings()
    work.room_programmes()
    work.street_programmes()
    work.sign_ins()
    work.lapses()
    talent_pool(g, random.Random(f"{rules.seed}:talent"))
    settle(g, random.Random(f"{rules.seed}:settle"))
    care = _Care(g, random.Random(f"{rules.seed}:care"))
    care.people()
    contacts = care.build()
    streets = [{"code": t.code, "name": t.name, "kind": t.kind, "lon": t.lon, "lat": t.lat} for t in g.streets]
    return {
        "streets": streets, "organisations": g.orgs, "people": g.people, "memberships": g.memberships,
        "sites": g.sites, "volunteer_teams": g.teams, "volunteer_memberships": g.volunteers,
        "activities": g.activities, "participations": g.participations, **g.records(), "contacts": contacts,
    }


DATA_TABLES = (
    Contact, Participation, Activity, VolunteerMembership, VolunteerTeam, Membership, Site, Person,
    Organisation, NewsletterIssue, OralHistoryInterview, Problem, Honour, Street,
)


def seed(store: Store, rules: DemoRules) -> dict[str, int]:
    """Replace the store's contents with demo data, in one transaction. Returns row counts."""
    rows = generate(rules)
    tables = Base.metadata.tables
    with store.engine.begin() as conn:
        for model in DATA_TABLES:
            conn.execute(delete(model))
        for name in ("streets", "organisations", "people", "memberships", "sites", "volunteer_teams",
                     "volunteer_memberships", "activities", "participations", "newsletter_issues",
                     "oral_history_interviews", "problems", "honours", "contacts"):
            if name == "organisations":
                # parents first: the self-reference must hold row by row
                ordered = sorted(rows[name], key=lambda o: o["parent_id"] is not None)
                bulk_insert(conn, tables[name], ordered)
            else:
                bulk_insert(conn, tables[name], rows[name])
        conn.execute(delete(StoreMeta).where(StoreMeta.key == "demo"))
        conn.execute(tables["store_meta"].insert(), [{"key": "demo", "value": json.dumps({
            "as_of": rules.as_of.isoformat(), "scale": rules.scale, "seed": rules.seed,
            "generator": GENERATOR_VERSION,
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        })}])
        if conn.dialect.name == "postgresql":
            for name in ("organisations", "people", "memberships", "sites", "volunteer_teams",
                         "volunteer_memberships", "activities", "newsletter_issues",
                         "oral_history_interviews", "problems", "honours", "contacts"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                     f"COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)")
    # fresh planner statistics: PostgreSQL picks sequential scans on a just-loaded store without them
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE " + ", ".join(rows) if conn.dialect.name == "postgresql" else "ANALYZE")
    return {name: len(r) for name, r in rows.items()}
