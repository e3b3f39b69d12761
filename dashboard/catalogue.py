"""Every panel of the dashboard, declared once: its id, Chinese title, unit, the data source it
reads, its kind of view, its builder, and the surfaces that show it.

The staff page (``/``), the big screen, ``/embed/<panel-id>``, image export, the briefing and
``python -m dashboard panels`` all take their panels from :data:`PANELS`. To add a panel, see
the README ("Adding a panel").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dashboard import care_views, figures, tables, vocab, volunteer_figures, wording
from dashboard.attention import KIND_LABELS as attention_labels
from dashboard.attention import text as attention_text
from dashboard.indicators.kpi import Kpis, KpiValues
from dashboard.reach import views as reach_views
from dashboard.views import NumberView, View, ViewContext

KINDS = ("number", "chart", "map", "table", "list")
SURFACES = frozenset({"overview", "screen", "embed", "export", "briefing"})


@dataclass(frozen=True)
class Section:
    """A part of the staff page with a page of its own (its tab): the overview first, then one
    page per theme of the bureau's work, so that a visit or a filter change computes and draws
    one theme's panels, not all of them. ``summary`` says what the tab holds (its link's title)."""
    id: str
    title: str
    summary: str


SECTIONS: tuple[Section, ...] = (
    Section("overview", "概况", "主要指标、阵地分布、“四位一体”、需关注事项、活动与“三会一课”"),
    Section("reach", "四就近", "就近学习、就近活动、就近得到关心照顾、就近发挥作用的覆盖与建议新增阵地"),
    Section("care", "关心照顾", "走访慰问联系率、本月生日与寿辰、老干部结构"),
    Section("service", "作用发挥", "志愿服务时长与人次、队伍排行、各街道服务、银发人才库"),
)
SECTION_IDS = tuple(s.id for s in SECTIONS)


@dataclass(frozen=True)
class Panel:
    """One panel. ``build(data, ctx)`` turns what the source returns into the view of ``kind``:
    a :class:`~dashboard.views.NumberView` (number), a figure dict (chart, map) or a
    :class:`~dashboard.views.TableView` (table, list). ``detail`` follows the title on the staff
    page, ``hint`` is a line under the panel there. ``key`` is a number panel's KPI key."""
    id: str
    title: str
    kind: str
    source: str
    build: Callable[..., View]
    unit: str = ""
    detail: str = ""
    hint: str = ""
    surfaces: frozenset[str] = SURFACES
    key: str | None = None
    click_filters_street: bool = False  # a click on a point filters the page by its customdata[0], a street code
    groups: tuple[tuple[str, str], ...] = ()  # (key, label) of a table's row groups the staff page can show alone
    section: str = "overview"  # the part of the staff page that shows it (SECTIONS)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"panel {self.id}: unknown kind {self.kind!r}")
        if not self.surfaces <= SURFACES:
            raise ValueError(f"panel {self.id}: unknown surfaces {set(self.surfaces - SURFACES)}")
        if self.section not in SECTION_IDS:
            raise ValueError(f"panel {self.id}: unknown section {self.section!r}")

    @property
    def heading(self) -> str:
        """The title with its detail, as the staff page shows it."""
        return f"{self.title}({self.detail})" if self.detail else self.title

    def on(self, surface: str) -> bool:
        return surface in self.surfaces


def _number(key: str, title: str, unit: str, note: Callable[[KpiValues], str] | None = None) -> Panel:
    def build(k: Kpis, ctx: ViewContext) -> NumberView:  # noqa: ARG001 - every builder takes the context
        return NumberView(title, unit, getattr(k.now, key), getattr(k.year_ago, key), note(k.now) if note else "")

    # a number panel's view is not part of the briefing's charts: the briefing's KPI table lists them all
    return Panel(f"kpi-{key}", title, "number", "kpis", build, unit=unit, key=key,
                 surfaces=SURFACES - {"briefing"})


def _chart(build: Callable[[object, str], dict]) -> Callable[[object, ViewContext], dict]:
    """A figure builder of (data, theme) as a panel builder."""
    return lambda data, ctx: build(data, ctx.theme)


def _site_map(sites: list, ctx: ViewContext) -> dict:
    return figures.site_map(sites, ctx.streets, ctx.theme, ctx.tiles, selected=ctx.filter.site_streets)


def _reach_gaps(cov, ctx: ViewContext) -> dict:
    return reach_views.gaps_map(cov, ctx.streets, ctx.theme)


def _meetings_status(rows: list, ctx: ViewContext) -> dict:
    return figures.meetings_status([r.status for r in rows], ctx.theme)


number = wording.number
PANELS_IN_ORDER: tuple[Panel, ...] = (
    _number("active_branches", "党支部", "个",
            lambda v: f"建制型 {number(v.established_branches)} · 功能型 {number(v.functional_branches)}"),
    _number("party_members", "党员", "人"),
    _number("volunteer_teams", "志愿服务队伍", "支"),
    _number("volunteers", "志愿者", "人"),
    _number("education_bases", "关心下一代教育基地", "处"),
    _number("co_built_sites", "共建阵地", "处",
            lambda v: f"其中规范化共享式党员活动室 {number(v.standardised_shared_rooms)} 处"),
    _number("activities", "活动场次", "场",
            lambda v: f"新时代文明实践 {number(v.activities_by_category.get(vocab.PRACTICE, 0))} 场"),
    _number("participants", "参与人数", "人"),
    Panel("sites-by-street", "各街道阵地类型", "chart", "sites_by_street", _chart(figures.sites_by_street),
          unit="处", detail="点击柱形筛选街道", click_filters_street=True, surfaces=SURFACES - {"screen"}),
    Panel("activities-by-month", "各月活动场次", "chart", "activities_by_month",
          _chart(figures.activities_by_month), unit="场", detail="按类别"),
    Panel("volunteers-by-team", "志愿服务队伍人数", "chart", "volunteers_by_team",
          _chart(figures.volunteers_by_team), unit="人"),
    Panel("volunteer-service", "志愿服务时长与人次", "chart", "volunteer_service",
          _chart(volunteer_figures.service_by_month), unit="小时", detail="按月",
          hint="时长 = 参与人数 × 活动时长;含志愿队伍开展的活动和新时代文明实践、社区执勤、关心下一代活动。", section="service"),
    Panel("volunteer-teams-ranked", "志愿服务队伍排行", "chart", "volunteer_service",
          _chart(volunteer_figures.teams_ranked), unit="小时", detail="按服务时长,前10支",
          surfaces=SURFACES - {"briefing"}, section="service"),
    Panel("volunteer-streets", "各街道志愿服务时长", "chart", "volunteer_service",
          _chart(volunteer_figures.service_by_street), unit="小时", detail="点击条形筛选街道",
          click_filters_street=True, surfaces=SURFACES - {"screen", "briefing"}, section="service"),
    Panel("talent-pool", "银发人才库", "chart", "talent_pool", _chart(volunteer_figures.talent_pool), unit="人",
          detail="按特长领域", hint="一人可登记多个领域;人数按领域分别统计。",
          surfaces=SURFACES - {"screen", "briefing"}, section="service"),
    Panel("four-in-one", "“四位一体”覆盖", "chart", "four_in_one", _chart(figures.four_in_one),
          detail="党的建设·老年教育·文体活动·志愿服务"),
    # 四就近 (docs/indicators.md, "四就近 · Within reach")
    Panel("reach", "“四就近”覆盖", "table", "reach", reach_views.coverage_table, unit="%",
          detail="就近学习·就近活动·就近得到关心照顾·就近发挥作用", surfaces=SURFACES - {"screen", "briefing"}, section="reach"),
    Panel("reach-by-street", "各街道“四就近”覆盖率", "chart", "reach", _chart(reach_views.by_street), unit="%",
          detail="各项与四项全覆盖", hint="条形为四项全覆盖,短竖线为其上年同期,虚线为全区(或所选范围)合计。", section="reach"),
    # the screen shows only the grid: counts per square kilometre, never a home
    Panel("reach-gaps", "未覆盖老干部分布", "map", "reach", _reach_gaps, unit="人", detail="1公里网格",
          hint="每格为该平方公里内不在就近范围内的老干部人数,不显示个人住址;点击图例切换各项。",
          surfaces=SURFACES - {"briefing"}, section="reach"),
    Panel("reach-sites", "建议新增阵地位置", "table", "reach_sites", reach_views.suggestions_table, unit="处",
          detail="每个街道/镇一处,按可新增覆盖人数", surfaces=SURFACES - {"screen", "briefing"}, section="reach"),
    Panel("map", "阵地分布图", "map", "sites", _site_map, unit="处", click_filters_street=True,
          hint="点击地图上的街道或站点可筛选该街道;点击图例可显示/隐藏站点类型。"),
    Panel("member-structure", "党员结构", "chart", "member_structure", _chart(figures.member_structure),
          unit="人", surfaces=SURFACES - {"screen", "briefing"}),
    Panel("latest-activities", "最新活动", "list", "latest_activities", tables.latest_activities,
          surfaces=SURFACES - {"screen", "briefing"}),
    Panel("three-meetings", "“三会一课”落实情况", "table", "three_meetings", tables.three_meetings,
          detail="支部党员大会、党课按季度,支委会、党小组会按月", surfaces=SURFACES - {"screen", "briefing"}),
    Panel("attention", "需关注", "table", "attention", attention_text.attention_view, unit="项",
          detail="逾期与缺项,按类别和天数排列", hint="点击对象名称可查看其明细记录。",
          groups=tuple(attention_labels.items()),
          # the briefing writes it as sentences (its 需关注事项 section), not as a table
          surfaces=SURFACES - {"screen", "briefing"}),
    Panel("attention-counts", "需关注事项", "chart", "attention", attention_text.counts_view, unit="项",
          surfaces=frozenset({"screen", "embed", "export"})),
    Panel("three-meetings-status", "“三会一课”达标情况", "chart", "three_meetings", _meetings_status,
          unit="个", surfaces=frozenset({"screen", "embed", "export"})),
    # 关心照顾 (care): contact with every cadre, birthdays, all cadres' structure
    Panel("contact-share", "老干部联系率", "chart", "contact_share", care_views.contact_share, unit="%",
          detail="近期有走访慰问记录的老干部占比,按街道", hint="点击柱形可查看该街道尚未联系的老干部。",
          surfaces=SURFACES - {"screen"}, section="care"),
    Panel("contact-branches", "各党支部联系情况", "table", "contact_share", care_views.contact_branches,
          detail="按联系率由低到高", surfaces=SURFACES - {"screen", "briefing"}, section="care"),
    # names: staff only, never on the big screen nor in the briefing (a document that travels)
    Panel("birthdays", "本月生日", "table", "birthdays", care_views.birthdays, unit="人",
          detail="寿辰(80、90、100岁)在前", surfaces=frozenset({"overview", "embed", "export"}), section="care"),
    Panel("cadre-structure", "老干部结构", "chart", "cadre_structure", care_views.cadre_structure, unit="人",
          detail="全部在册老干部,不限党员", surfaces=SURFACES - {"screen", "briefing"}, section="care"),
)

PANELS: dict[str, Panel] = {p.id: p for p in PANELS_IN_ORDER}
NUMBERS: tuple[Panel, ...] = tuple(p for p in PANELS_IN_ORDER if p.kind == "number")



def on(surface: str) -> tuple[Panel, ...]:
    """The panels a surface shows, in catalogue order."""
    return tuple(p for p in PANELS_IN_ORDER if p.on(surface))


def in_section(section_id: str) -> tuple[Panel, ...]:
    """The staff page's panels of one section (its tab), in catalogue order."""
    return tuple(p for p in on("overview") if p.section == section_id)


class UnknownPanel(KeyError):
    """No panel of that id; ``str()`` is a Chinese sentence."""

    def __str__(self) -> str:
        return f"没有“{self.args[0]}”这个面板(可用 python -m dashboard panels --json 查看全部面板编号)"


def panel(panel_id: str) -> Panel:
    try:
        return PANELS[panel_id]
    except KeyError:
        raise UnknownPanel(panel_id) from None
