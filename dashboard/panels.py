"""The dashboard's panels by id: what each shows and its Chinese title.

The staff page, the big screen, ``/embed/<panel-id>``, image export and the briefing all
name panels from this one list.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    key: str      # as in the CLI's JSON
    title: str
    unit: str


KPIS = (
    Kpi("active_branches", "党支部", "个"),
    Kpi("party_members", "党员", "人"),
    Kpi("volunteer_teams", "志愿服务队伍", "支"),
    Kpi("volunteers", "志愿者", "人"),
    Kpi("education_bases", "关心下一代教育基地", "处"),
    Kpi("co_built_sites", "共建阵地", "处"),
    Kpi("activities", "活动场次", "场"),
    Kpi("participants", "参与人数", "人"),
)
KPI_BY_KEY = {k.key: k for k in KPIS}


@dataclass(frozen=True)
class Panel:
    id: str
    title: str
    kind: str  # kpi | chart | map | table | list


CHARTS = (
    Panel("map", "阵地分布图", "map"),
    Panel("sites-by-street", "各街道阵地类型", "chart"),
    Panel("activities-by-month", "各月活动场次", "chart"),
    Panel("volunteers-by-team", "志愿服务队伍人数", "chart"),
    Panel("member-structure", "党员结构", "chart"),
    Panel("four-in-one", "“四位一体”覆盖", "chart"),
    Panel("three-meetings", "“三会一课”落实情况", "table"),
    Panel("latest-activities", "最新活动", "list"),
)

PANELS: dict[str, Panel] = {f"kpi-{k.key}": Panel(f"kpi-{k.key}", k.title, "kpi") for k in KPIS}
PANELS.update({p.id: p for p in CHARTS})
