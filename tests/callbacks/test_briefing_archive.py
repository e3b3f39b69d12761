"""/briefing/archive: each user sees and downloads the briefings of their scope only, adds or
removes schedules within it, and subscribes themselves to their mail; /briefing shows the
newest files on screen, never in print."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from dashboard.access import users
from dashboard.schedules import Rhythm, add_schedule, run_due, runs, schedules, subscribers
from dashboard.settings import Settings
from tests.acting import client_as
from tests.building import MINGSHUI, SHUANGSHAN, two_streets
from tests.mailbox import Mailbox, Running

MADE = dt.datetime(2026, 11, 20, 4, 0)


@pytest.fixture
def app(store, tmp_path):
    from app import create_app

    with store.engine.begin() as c:
        two_streets(c)
    settings = Settings(database_url=store.url, briefing_dir=str(tmp_path / "archive"))
    made = create_app(settings, store=store)
    for name, streets in (("明水月报", (MINGSHUI,)), ("双山月报", (SHUANGSHAN,)), ("<b>全区</b>月报", ())):
        add_schedule(store, name=name, streets=streets, fmt="pdf", rhythm=Rhythm(1, 1), keep=3, charts=None,
                     created_by="admin", now=MADE)
    run_due(store, settings, dt.datetime(2026, 12, 1, 2), lambda s, _day: f"{s.name}".encode())
    return made


def _ids(store) -> dict[str, int]:
    return {r.name: r.id for r in runs(store)}


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_staff_see_and_download_their_streets_briefings_only(app, store):
    staff = client_as(app, store, "staff", (MINGSHUI,))
    page = staff.get("/briefing/archive").get_data(as_text=True)
    assert "明水月报" in page and "双山月报" not in page and "全区</b>" not in page and "&lt;b&gt;" not in page
    assert re.findall(r'<option value="([^"]*)"', page)[:1] == [MINGSHUI]  # the form offers their street only
    ids = _ids(store)
    r = staff.get(f"/briefing/archive/{ids['明水月报']}")
    assert r.status_code == 200 and r.data == "明水月报".encode()
    assert "filename*=UTF-8''2026-12-01_" in r.headers["Content-Disposition"]
    # another street's file and an unknown one answer alike
    other, unknown = staff.get(f"/briefing/archive/{ids['双山月报']}"), staff.get("/briefing/archive/99999")
    assert other.status_code == unknown.status_code == 404 and other.data == unknown.data


def test_leaders_see_every_briefing_with_names_as_text(app, store):
    page = client_as(app, store, "leader").get("/briefing/archive").get_data(as_text=True)
    assert "明水月报" in page and "双山月报" in page
    assert "&lt;b&gt;全区&lt;/b&gt;月报" in page and "<b>全区</b>" not in page


def test_staff_add_within_their_streets_and_are_refused_beyond_them(app, store):
    staff = client_as(app, store, "staff", (MINGSHUI,))
    csrf = _csrf(staff.get("/briefing/archive").get_data(as_text=True))
    form = {"csrf_token": csrf, "action": "add", "name": "双月报", "format": "pptx", "every": "2", "day": "5",
            "keep": "6"}
    refused = staff.post("/briefing/archive", data={**form, "scope": SHUANGSHAN})
    assert refused.status_code == 400 and "只能为自己负责的街道" in refused.get_data(as_text=True)
    district = staff.post("/briefing/archive", data={**form, "scope": ""})
    assert district.status_code == 400
    assert len(schedules(store)) == 3
    ok = staff.post("/briefing/archive", data={**form, "scope": MINGSHUI})
    assert ok.status_code == 200 and "已添加定期简报“双月报”:每两个月(1、3、5、7、9、11月)5日" in ok.get_data(as_text=True)
    made = [s for s in schedules(store) if s.name == "双月报"]
    assert made and made[0].streets == (MINGSHUI,) and made[0].format == "pptx"


@pytest.mark.parametrize(("field", "value", "words"), [
    ("every", "5", "间隔月数"), ("day", "31", "1 至 28 日"), ("keep", "-1", "保留份数应为正整数"),
    ("format", "docx", "格式"), ("name", "", "名称"),
])
def test_a_bad_schedule_form_keeps_what_was_typed_and_says_why(app, store, field, value, words):
    admin = client_as(app, store, "admin")
    csrf = _csrf(admin.get("/briefing/archive").get_data(as_text=True))
    form = {"csrf_token": csrf, "action": "add", "name": "季报", "scope": "", "format": "pdf", "every": "3",
            "day": "1", "keep": "4", field: value}
    r = admin.post("/briefing/archive", data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and words in page
    assert len(schedules(store)) == 3
    if field != "name":
        assert 'value="季报"' in page


def test_staff_cannot_remove_another_streets_schedule(app, store):
    staff = client_as(app, store, "staff", (MINGSHUI,))
    csrf = _csrf(staff.get("/briefing/archive").get_data(as_text=True))
    theirs = {s.name: s.id for s in schedules(store)}
    r = staff.post("/briefing/archive", data={"csrf_token": csrf, "action": "delete", "id": theirs["双山月报"]})
    assert r.status_code == 403 and len(schedules(store)) == 3
    r = staff.post("/briefing/archive", data={"csrf_token": csrf, "action": "delete", "id": theirs["明水月报"]})
    assert r.status_code == 200 and "明水月报" not in {s.name for s in schedules(store)}
    assert "明水月报" in r.get_data(as_text=True)  # its file is still in the archive


def test_a_file_name_pointing_outside_the_folder_is_not_served(app, store):
    target = _ids(store)["明水月报"]
    with store.engine.begin() as c:
        c.exec_driver_sql(f"UPDATE briefing_runs SET file_name = '../../etc/passwd' WHERE id = {target}")
    r = client_as(app, store, "admin").get(f"/briefing/archive/{target}")
    assert r.status_code == 404 and b"root:" not in r.data


def test_a_cross_site_post_without_the_token_changes_nothing(app, store):
    admin = client_as(app, store, "admin")
    r = admin.post("/briefing/archive", data={"action": "delete", "id": "1"},
                   headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert r.status_code in (400, 403) and len(schedules(store)) == 3


def test_the_briefing_page_lists_the_archive_on_screen_and_not_in_print(app, store):
    page = client_as(app, store, "staff", (MINGSHUI,)).get("/briefing?charts=four-in-one").get_data(as_text=True)
    block = page[page.index('<nav class="archive screen-only"'):page.index("</nav>")]
    assert "明水月报" in block and "双山月报" not in block and "全部归档(1 份)" in block
    assert "@media print { .screen-only { display: none !important; } }" in page


@pytest.fixture
def mail_app(store, tmp_path):
    """The app with a real mail server on 127.0.0.1, and the three schedules (no runs yet)."""
    from app import create_app

    with store.engine.begin() as c:
        two_streets(c)
    with Running(Mailbox()) as box:
        settings = Settings(database_url=store.url, briefing_dir=str(tmp_path / "archive"), smtp_url=box.url(),
                            briefing_runner=False)
        made = create_app(settings, store=store)
        for name, streets in (("明水月报", (MINGSHUI,)), ("双山月报", (SHUANGSHAN,))):
            add_schedule(store, name=name, streets=streets, fmt="pdf", rhythm=Rhythm(1, 1), keep=3, charts=None,
                         created_by="admin", now=MADE)
        yield made, settings, box


def test_staff_subscribe_themselves_to_their_streets_briefing_and_it_arrives_by_mail(mail_app, store):
    app, settings, box = mail_app
    staff = client_as(app, store, "staff", (MINGSHUI,), name="ms-staff")
    page = staff.get("/briefing/archive").get_data(as_text=True)
    assert "尚未填写邮箱" in page and '<label class="form-label" for="email">' in page
    csrf, ids = _csrf(page), {s.name: s.id for s in schedules(store)}
    saved = staff.post("/briefing/archive", data={"csrf_token": csrf, "action": "email", "email": "ms@zq.gov.cn"})
    assert saved.status_code == 200 and "已保存邮箱" in saved.get_data(as_text=True)
    # a field naming someone else is ignored: one subscribes oneself only
    ok = staff.post("/briefing/archive", data={"csrf_token": csrf, "action": "subscribe", "id": ids["明水月报"],
                                               "user": "t-leader-all"})
    assert ok.status_code == 200 and "已订阅“明水月报”" in ok.get_data(as_text=True)
    assert 'aria-label="取消订阅定期简报 明水月报"' in ok.get_data(as_text=True)
    other = staff.post("/briefing/archive", data={"csrf_token": csrf, "action": "subscribe", "id": ids["双山月报"]})
    assert other.status_code == 404
    assert [s.name for s in subscribers(store, ids["明水月报"])] == ["ms-staff"]
    assert subscribers(store, ids["双山月报"]) == []
    run_due(store, settings, dt.datetime(2027, 1, 1, 2), lambda s, _day: f"%PDF {s.name}".encode())
    assert [rcpt for rcpt, _ in box.received] == [("ms@zq.gov.cn",)]
    listed = staff.get("/briefing/archive").get_data(as_text=True)
    assert "已生成 · 邮件已发送" in listed
    gone = staff.post("/briefing/archive", data={"csrf_token": csrf, "action": "unsubscribe", "id": ids["明水月报"]})
    assert gone.status_code == 200 and subscribers(store, ids["明水月报"]) == []


@pytest.mark.parametrize("address", ["not an address", "<script>@x", "a@b@c"])
def test_a_wrong_address_is_refused_with_the_reason_and_nothing_changes(mail_app, store, address):
    app, _, _ = mail_app
    leader = client_as(app, store, "leader")
    csrf = _csrf(leader.get("/briefing/archive").get_data(as_text=True))
    r = leader.post("/briefing/archive", data={"csrf_token": csrf, "action": "email", "email": address})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "邮箱地址格式不正确" in page and "<script>@" not in page
    assert users.get_user(store, "t-leader-all").email is None


def test_without_a_mail_server_the_page_says_so_and_nobody_subscribes(app, store):
    leader = client_as(app, store, "leader")
    page = leader.get("/briefing/archive").get_data(as_text=True)
    assert "未配置邮件服务器" in page and "订阅" not in page.replace("不发送邮件", "")
    r = leader.post("/briefing/archive", data={"csrf_token": _csrf(page), "action": "subscribe", "id": "1"})
    assert r.status_code == 400 and subscribers(store, 1) == []


def test_a_signed_link_neither_reads_the_archive_nor_subscribes_nor_sets_an_address(mail_app, store):
    from callbacks.context import EXTENSION
    from dashboard.access import links

    app, _, _ = mail_app
    info, token = links.create(store, app.server.extensions[EXTENSION].secret, "screen", "screen", "", 30,
                               created_by="test")
    screen = app.server.test_client()
    assert screen.get(f"{info.path}?link={token}").status_code == 302
    csrf = _csrf(screen.get("/login").get_data(as_text=True))  # the session's own token: a valid form
    assert screen.get("/briefing/archive").status_code == 403
    for form in ({"action": "subscribe", "id": "1"}, {"action": "email", "email": "x@zq.gov.cn"}):
        r = screen.post("/briefing/archive", data={"csrf_token": csrf, **form})
        assert r.status_code == 403, form
    assert subscribers(store, 1) == [] and all(u.email is None for u in users.list_users(store))
