"""The workbook contract: sheets, their Chinese headers, and what each column holds.

One place for it: the reader, the validator, the export, the template and ``docs/ledger.md``
all follow these definitions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dashboard import vocab

# column kinds
CODE = "code"          # the row's own code (key); text
TEXT = "text"
INT = "int"
FLOAT = "float"
DATE = "date"
BOOL = "bool"
CHOICE = "choice"
CHOICES = "choices"    # several of the choices, joined by 、 (stored in vocabulary order)
REF = "ref"            # a code of another record (street: code or name)
LON = "lon"
LAT = "lat"
COORDSYS = "coordsys"  # 坐标系 of the row's coordinates; not stored

STREET, ORG, PERSON, TEAM, SITE, ACTIVITY = "street", "org", "person", "team", "site", "activity"

COORD_ALIASES = {
    "WGS84": "WGS84", "GPS": "WGS84", "CGCS2000": "WGS84", "天地图": "WGS84",
    "GCJ02": "GCJ02", "高德": "GCJ02", "腾讯": "GCJ02", "火星坐标": "GCJ02",
    "BD09": "BD09", "BD09LL": "BD09", "百度": "BD09",
}
TRUE_WORDS = ("是", "Y", "YES", "TRUE", "T", "1", "√", "✓", "有", "对")
FALSE_WORDS = ("否", "N", "NO", "FALSE", "F", "0", "×", "✗", "无", "不是")


@dataclass(frozen=True)
class Col:
    header: str
    field: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None
    maxlen: int | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    table: str
    key: tuple[str, ...]              # fields forming the row's key
    cols: tuple[Col, ...]
    period: tuple[str, str] | None = None  # (start field, end field)
    coords: tuple[str, str] | None = None  # (lon field, lat field)
    year_of: tuple[str, str] | None = None  # (date field, year field): the date falls in that year
    english: str = ""
    headers: dict[str, Col] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", {c.header: c for c in self.cols})

    def col(self, fld: str) -> Col:
        return next(c for c in self.cols if c.field == fld)

    @property
    def key_headers(self) -> tuple[str, ...]:
        return tuple(self.col(f).header for f in self.key)


def _street(header: str = "街道编码", required: bool = True, fld: str = "street_code") -> Col:
    return Col(header, fld, REF, required, ref=STREET, note="街道编码(12位)或街道名称")


STREETS = Sheet("街道", "streets", ("code",), (
    Col("街道编码", "code", CODE, True, maxlen=12, note="12位统计用区划代码"),
    Col("街道名称", "name", TEXT, True, maxlen=40),
    Col("类型", "kind", CHOICE, True, vocab.STREET_KINDS),
    Col("经度", "lon", LON, True, note="WGS84"),
    Col("纬度", "lat", LAT, True, note="WGS84"),
), coords=("lon", "lat"), english="streets (township-level units)")

ORGS = Sheet("党组织", "organisations", ("code",), (
    Col("组织编码", "code", CODE, True, maxlen=40),
    Col("组织名称", "name", TEXT, True, maxlen=100),
    Col("组织类型", "kind", CHOICE, True, vocab.ORG_KINDS),
    Col("层级", "level", CHOICE, True, vocab.ORG_LEVELS),
    Col("上级组织编码", "parent_code", REF, ref=ORG),
    _street(),
    Col("所在单位或社区", "unit", TEXT, maxlen=100),
    Col("成立日期", "founded_on", DATE, True),
    Col("撤销日期", "dissolved_on", DATE),
), period=("founded_on", "dissolved_on"), english="party organisations")

PEOPLE = Sheet("人员", "people", ("code",), (
    Col("人员编码", "code", CODE, True, maxlen=40),
    Col("姓名", "name", TEXT, True, maxlen=40),
    Col("性别", "gender", CHOICE, True, vocab.GENDERS),
    Col("出生年份", "birth_year", INT, True, low=1890, high=2100),
    Col("出生日期", "birth_date", DATE, note="可空;填写时须与出生年份一致"),
    Col("干部类别", "cadre_type", CHOICE, True, vocab.CADRE_TYPES),
    # care columns: personal, shown and exported only to roles allowed names
    Col("健康状况", "health", CHOICE, choices=vocab.HEALTH_STATES),
    Col("独居", "lives_alone", BOOL, note="是/否,空白即未知"),
    Col("联系电话", "phone", TEXT, maxlen=30),
    _street("居住街道编码", required=False),
    Col("居住经度", "lon", LON, note="WGS84"),
    Col("居住纬度", "lat", LAT, note="WGS84"),
    Col("特长领域", "skills", CHOICES, choices=vocab.TALENT_FIELDS, maxlen=100,
        note="银发人才库:可填多项,用“、”分隔(逗号、分号、斜线或空格也可),按上列顺序保存"),
    Col("服务意愿", "willing", BOOL, note="银发人才库:是否愿意参加志愿服务;空白即未登记"),
), coords=("lon", "lat"), year_of=("birth_date", "birth_year"), english="people (retired cadres)")

MEMBERSHIPS = Sheet("组织关系", "memberships", ("person_code", "org_code", "joined_on"), (
    Col("人员编码", "person_code", REF, True, ref=PERSON),
    Col("组织编码", "org_code", REF, True, ref=ORG),
    Col("转入日期", "joined_on", DATE, True),
    Col("转出日期", "left_on", DATE),
), period=("joined_on", "left_on"), english="party memberships")

SITES = Sheet("站点", "sites", ("code",), (
    Col("站点编码", "code", CODE, True, maxlen=40),
    Col("站点名称", "name", TEXT, True, maxlen=100),
    Col("站点类型", "type", CHOICE, True, vocab.SITE_TYPES),
    _street(),
    Col("所在社区", "community", TEXT, maxlen=100),
    Col("经度", "lon", LON, True),
    Col("纬度", "lat", LAT, True),
    Col("坐标系", "coord_system", COORDSYS, choices=vocab.COORD_SYSTEMS, note="空白即 WGS84"),
    Col("是否共建", "co_built", BOOL, note="是/否,空白即否"),
    Col("是否规范", "standardised", BOOL, note="是/否,空白即否"),
    Col("联络指导员", "liaison", TEXT, maxlen=40),
    Col("启用日期", "opened_on", DATE, True),
    Col("停用日期", "closed_on", DATE),
), period=("opened_on", "closed_on"), coords=("lon", "lat"), english="sites")

TEAMS = Sheet("志愿队伍", "volunteer_teams", ("code",), (
    Col("队伍编码", "code", CODE, True, maxlen=40),
    Col("队伍名称", "name", TEXT, True, maxlen=100),
    _street(),
    Col("所属组织编码", "org_code", REF, ref=ORG, note="可选:队伍所属的党组织"),
    Col("服务方向", "direction", TEXT, maxlen=40),
    Col("成立日期", "founded_on", DATE, True),
    Col("解散日期", "dissolved_on", DATE),
), period=("founded_on", "dissolved_on"), english="volunteer teams")

VOLUNTEERS = Sheet("志愿者", "volunteer_memberships", ("person_code", "team_code", "joined_on"), (
    Col("人员编码", "person_code", REF, True, ref=PERSON),
    Col("队伍编码", "team_code", REF, True, ref=TEAM),
    Col("加入日期", "joined_on", DATE, True),
    Col("退出日期", "left_on", DATE),
), period=("joined_on", "left_on"), english="volunteers (team memberships)")

ACTIVITIES = Sheet("活动", "activities", ("code",), (
    Col("活动编码", "code", CODE, True, maxlen=40),
    Col("活动日期", "date", DATE, True),
    Col("活动类别", "category", CHOICE, True, vocab.ACTIVITY_CATEGORIES),
    Col("活动名称", "name", TEXT, True, maxlen=200),
    Col("组织编码", "org_code", REF, ref=ORG),
    Col("队伍编码", "team_code", REF, ref=TEAM),
    Col("站点编码", "site_code", REF, ref=SITE),
    _street(),
    Col("参与人数", "participants", INT, low=0, high=1_000_000, note="空白即 0"),
    Col("时长小时", "hours", FLOAT, low=0, high=10_000, note="空白即 0"),
), english="activities")

PARTICIPATIONS = Sheet("活动参与", "participations", ("activity_code", "person_code"), (
    Col("活动编码", "activity_code", REF, True, ref=ACTIVITY),
    Col("人员编码", "person_code", REF, True, ref=PERSON),
), english="participation (sign-in book)")

CONTACTS = Sheet("走访慰问记录", "contacts", ("person_code", "date", "kind"), (
    Col("人员编码", "person_code", REF, True, ref=PERSON),
    Col("日期", "date", DATE, True),
    Col("方式", "kind", CHOICE, True, vocab.CONTACT_KINDS),
    Col("走访人", "visitor", TEXT, maxlen=40, note="走访、慰问或联系的工作人员或单位"),
    Col("备注", "note", TEXT, maxlen=200),
), english="contacts with cadres (care)")

SHEETS: tuple[Sheet, ...] = (STREETS, ORGS, PEOPLE, MEMBERSHIPS, SITES, TEAMS, VOLUNTEERS, ACTIVITIES, PARTICIPATIONS,
                             CONTACTS)
BY_NAME = {s.name: s for s in SHEETS}
# sheets the reader skips without a notice (the template's own)
INSTRUCTIONS_SHEET = "填写说明"
SILENT_SHEETS = (INSTRUCTIONS_SHEET, "说明", "_选项")
# which sheet defines the codes a REF points at
REF_SHEET = {STREET: STREETS, ORG: ORGS, PERSON: PEOPLE, TEAM: TEAMS, SITE: SITES, ACTIVITY: ACTIVITIES}
REF_NOUN = {STREET: "街道", ORG: "党组织", PERSON: "人员", TEAM: "志愿队伍", SITE: "站点", ACTIVITY: "活动"}
