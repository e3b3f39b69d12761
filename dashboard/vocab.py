"""The bureau's controlled vocabularies (the Chinese terms are the stored values)."""
from __future__ import annotations

STREET_KINDS = ("街道", "镇")

ORG_KINDS = ("建制型", "功能型")
ESTABLISHED, FUNCTIONAL = ORG_KINDS
ORG_LEVELS = ("党委", "党总支", "党支部")
BRANCH_LEVEL = "党支部"

CADRE_TYPES = ("离休", "退休")
GENDERS = ("男", "女")

# 关心照顾: a cadre's health as the bureau's 老干部信息 forms record it (the four grades of the
# civil-affairs elderly-care assessment, 良好/一般/较差, and 失能半失能 for those who need care
# every day), and the ways of contact the report names (生日祝寿、走访调研、座谈交流、走访慰问)
# with the everyday 电话 and 帮扶 (help with a practical problem, 排忧解难)
HEALTH_STATES = ("良好", "一般", "较差", "失能半失能")
BIRTHDAY_VISIT = "生日祝寿"
CONTACT_KINDS = (BIRTHDAY_VISIT, "走访", "电话", "座谈", "慰问", "帮扶")
ROUND_BIRTHDAYS = (80, 90, 100)  # 寿辰 the bureau marks with a 生日祝寿 visit
# 重点关爱对象: the cadres the bureau must not lose touch with, whom 需关注 lists when no contact is
# recorded for too long: every 离休干部 (its first charge), those aged 90 or more, and those whose
# health is 失能半失能 (they cannot come to any site: care has to come to them)
CARE_FOCUS_CADRE = "离休"
CARE_FOCUS_AGE = 90
CARE_FOCUS_HEALTH = ("失能半失能",)

SHARED_ROOM = "共享式党员活动室"
OPEN_ROOM = "开放式活动室"
UNIVERSITY = "老年大学分校/课堂"
PRACTICE_STATION = "文明实践站"
THEATRE = "芳华剧场"
EDUCATION_BASE = "关心下一代教育基地"
SANATORIUM = "干休所"
ACTIVITY_CENTRE = "活动中心"
SITE_TYPES = (
    SHARED_ROOM, OPEN_ROOM, UNIVERSITY, PRACTICE_STATION, THEATRE,
    EDUCATION_BASE, SANATORIUM, ACTIVITY_CENTRE,
)

# 三会一课 and its required cadence: months between required meetings.
GENERAL_MEETING = "支部党员大会"
COMMITTEE_MEETING = "支委会"
GROUP_MEETING = "党小组会"
PARTY_LECTURE = "党课"
THREE_MEETINGS_ONE_LECTURE = {
    GENERAL_MEETING: 3,
    COMMITTEE_MEETING: 1,
    GROUP_MEETING: 1,
    PARTY_LECTURE: 3,
}
THEME_DAY = "主题党日"
# The whole required cadence of a branch's organisational life: 三会一课 and the monthly
# 主题党日 (《中国共产党支部工作条例(试行)》, 2018: 党支部应当每月相对固定1天开展主题党日).
MEETING_CADENCE = {**THREE_MEETINGS_ONE_LECTURE, THEME_DAY: 1}
PRACTICE = "新时代文明实践"
NEXT_GENERATION = "关心下一代"
LECTURE_TOUR = "宣讲"
VISIT = "走访慰问"
COMMUNITY_DUTY = "社区执勤"
HALF_MONTH_TALK = "半月谈"
CULTURE = "文体活动"
ELDER_EDUCATION = "老年教育"
ACTIVITY_CATEGORIES = (
    GENERAL_MEETING, COMMITTEE_MEETING, GROUP_MEETING, PARTY_LECTURE, THEME_DAY,
    PRACTICE, NEXT_GENERATION, LECTURE_TOUR, VISIT, COMMUNITY_DUTY, HALF_MONTH_TALK,
    CULTURE, ELDER_EDUCATION,
)

# 四位一体: which records show that a street has each of the four areas of work.
FOUR_IN_ONE = {
    "党的建设": {"sites": (SHARED_ROOM,), "categories": tuple(THREE_MEETINGS_ONE_LECTURE) + (THEME_DAY,)},
    "老年教育": {"sites": (UNIVERSITY,), "categories": (ELDER_EDUCATION, LECTURE_TOUR)},
    "文体活动": {"sites": (THEATRE, OPEN_ROOM, ACTIVITY_CENTRE), "categories": (CULTURE,)},
    "志愿服务": {"sites": (PRACTICE_STATION,), "categories": (PRACTICE, COMMUNITY_DUTY, NEXT_GENERATION)},
}

# Volunteer service (志愿服务): the activities of the 四位一体's 志愿服务 area; an activity a
# volunteer team held counts too, whatever its category.
VOLUNTEER_CATEGORIES = FOUR_IN_ONE["志愿服务"]["categories"]

# 银发人才库: the fields a cadre's skills are filed under (a person may have several), after the
# report's 当好四大员 (宣讲、组织建设、文明建设、政策落实、帮扶救助) and the volunteer teams' directions.
TALENT_FIELDS = (
    "理论宣讲", "党建指导", "文化艺术", "教育培训", "医疗保健", "法律服务",
    "农业技术", "经济管理", "调解纠纷", "移风易俗",
)
MULTI_SEPARATOR = "、"

COORD_SYSTEMS = ("WGS84", "GCJ02", "BD09")
