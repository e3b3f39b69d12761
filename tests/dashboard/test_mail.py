"""Scheduled briefings by mail, through a real SMTP server on 127.0.0.1: who receives them (the
access rules, checked when sending), the message, retries of a server that is down or
refuses for now, addresses refused for good, and a wrong login."""
from __future__ import annotations

import datetime as dt

import pytest

from dashboard.access import users
from dashboard.schedules import Rhythm, add_schedule, run_due, runs
from dashboard.schedules import repository as repo
from dashboard.schedules.runner import MAX_ATTEMPTS
from dashboard.settings import Settings
from dashboard.smtp import parse_server
from tests.building import MINGSHUI, SHUANGSHAN, two_streets
from tests.dashboard.test_cli import cli
from tests.mailbox import Mailbox, Running, free_port

MADE = dt.datetime(2026, 11, 20, 4, 0)
DUE = dt.datetime(2026, 12, 1, 1, 0)  # 09:00 on 1 December in China
PASSWORD = "abcd1234"


@pytest.fixture
def people(store):
    """明水's schedule and its would-be readers: who may see it, who may not, who cannot be mailed."""
    with store.engine.begin() as c:
        two_streets(c)
    s = add_schedule(store, name="明水月报", streets=(MINGSHUI,), fmt="pdf", rhythm=Rhythm(1, 1), keep=3,
                     charts=None, created_by="admin", now=MADE)
    for name, role, streets, address in [
        ("leader", "leader", [], "leader@zq.gov.cn"),
        ("mingshui", "staff", [MINGSHUI], "ms@zq.gov.cn"),
        ("shuangshan", "staff", [SHUANGSHAN], "ss@zq.gov.cn"),   # another street's staff
        ("noaddress", "staff", [MINGSHUI], ""),
        ("gone", "leader", [], "gone@zq.gov.cn"),
    ]:
        users.add_user(store, name, PASSWORD, role, streets)
        if address:
            users.set_email(store, name, address)
        repo.subscribe(store, s.id, name)
    users.set_enabled(store, "gone", False)
    return store, s


def _settings(tmp_path, url: str | None) -> Settings:
    return Settings(briefing_dir=str(tmp_path / "briefings"), smtp_url=url, mail_from="laoganbuju@zq.gov.cn")


def _make(s, day):
    return f"%PDF {s.name} {day}".encode()


def test_a_made_briefing_is_mailed_to_each_subscriber_who_may_see_its_street_and_no_one_else(people, tmp_path):
    store, s = people
    with Running(Mailbox()) as box:
        (o,) = run_due(store, _settings(tmp_path, box.url()), DUE, _make)
    assert sorted(rcpt for rcpt, _ in box.received) == [("leader@zq.gov.cn",), ("ms@zq.gov.cn",)]
    (msg,) = box.to("ms@zq.gov.cn")
    assert msg["To"] == "ms@zq.gov.cn"  # nobody sees the other readers' addresses
    assert "laoganbuju@zq.gov.cn" in msg["From"] and msg["Subject"] == "明水月报:明水街道(数据截至2026年12月1日)"
    (part,) = list(msg.iter_attachments())
    assert part.get_filename() == o.path.name and part.get_content_type() == "application/pdf"
    assert part.get_content() == o.path.read_bytes()
    assert "明水月报" in msg.get_body(("plain",)).get_content()
    assert (o.run.state, o.run.mail_state) == ("ok", "partly")
    assert sorted(o.run.mailed_to) == ["leader", "mingshui"]
    assert "shuangshan(无权查看此范围)" in o.run.mail_message and "noaddress(未填写邮箱)" in o.run.mail_message
    assert "gone(无权查看此范围)" in o.run.mail_message  # a disabled account receives nothing


def test_without_a_mail_server_nothing_is_sent_or_recorded(people, tmp_path):
    store, _ = people
    (o,) = run_due(store, _settings(tmp_path, None), DUE, _make)
    assert o.run.state == "ok" and o.run.mail_state is None and o.run.mail_attempts == 0


def test_a_server_that_is_down_is_retried_later_and_the_briefing_is_kept_meanwhile(people, tmp_path):
    store, _ = people
    down = f"smtp://127.0.0.1:{free_port()}"
    (o,) = run_due(store, _settings(tmp_path, down), DUE, _make)
    assert o.run.state == "ok" and o.path.exists()  # the file is not lost with the mail
    assert o.run.mail_state == "failed" and "无法连接邮件服务器:127.0.0.1" in o.run.mail_message
    with Running(Mailbox()) as box:
        settings = _settings(tmp_path, box.url())
        run_due(store, settings, DUE + dt.timedelta(minutes=5), _make)  # too soon to try again
        assert box.received == []
        run_due(store, settings, DUE + dt.timedelta(minutes=11), _make)
    (r,) = runs(store)
    assert (r.mail_state, r.mail_attempts) == ("partly", 2)
    assert sorted(rcpt for rcpt, _ in box.received) == [("leader@zq.gov.cn",), ("ms@zq.gov.cn",)]


def test_a_delivery_that_fails_part_way_is_finished_later_without_sending_anything_twice(people, tmp_path):
    store, _ = people
    with Running(Mailbox(refuse_once={"ms@zq.gov.cn"})) as box:
        settings = _settings(tmp_path, box.url())
        (o,) = run_due(store, settings, DUE, _make)
        assert o.run.mail_state == "failed" and "暂时拒收(451" in o.run.mail_message
        assert o.run.mailed_to == ("leader",)
        run_due(store, settings, DUE + dt.timedelta(minutes=11), _make)
    (r,) = runs(store)
    assert r.mail_state == "partly" and sorted(r.mailed_to) == ["leader", "mingshui"]
    assert [rcpt for rcpt, _ in box.received] == [("leader@zq.gov.cn",), ("ms@zq.gov.cn",)]


def test_an_address_refused_for_good_is_reported_and_not_tried_again(people, tmp_path):
    store, _ = people
    with Running(Mailbox(refuse_for_good={"leader@zq.gov.cn"})) as box:
        (o,) = run_due(store, _settings(tmp_path, box.url()), DUE, _make)
    assert o.run.mail_state == "partly" and "leader(退信 550" in o.run.mail_message
    assert [rcpt for rcpt, _ in box.received] == [("ms@zq.gov.cn",)]


def test_a_wrong_login_is_retried_up_to_the_limit_and_the_password_is_never_shown(people, tmp_path):
    store, _ = people
    with Running(Mailbox(login=("dashboard", "right p@ss"))) as box:
        settings = _settings(tmp_path, box.url("dashboard", "wrong%20p%40ss"))
        clock = DUE
        for _ in range(MAX_ATTEMPTS + 2):
            run_due(store, settings, clock, _make)
            clock += dt.timedelta(minutes=11)
        (r,) = runs(store)
        assert (r.mail_state, r.mail_attempts) == ("failed", MAX_ATTEMPTS)
        assert "拒绝了登录" in r.mail_message and "p@ss" not in r.mail_message and "wrong" not in r.mail_message
        assert box.received == []
        # the right password, URL-encoded as the setting says, logs in
        repo.record_mail(store, r.id, clock, state="failed", sent=(), message="x")
        with store.engine.begin() as c:
            c.exec_driver_sql("UPDATE briefing_runs SET mail_attempts = 1")
        run_due(store, _settings(tmp_path, box.url("dashboard", "right%20p%40ss")), clock + dt.timedelta(minutes=11),
                _make)
    assert len(box.received) == 2


def test_a_street_staff_member_moved_to_another_street_stops_receiving_its_briefing(people, tmp_path):
    store, s = people
    users.grant_streets(store, "mingshui", [SHUANGSHAN], replace_all=True)
    with Running(Mailbox()) as box:
        run_due(store, _settings(tmp_path, box.url()), DUE, _make)
    assert box.to("ms@zq.gov.cn") == [] and len(box.to("leader@zq.gov.cn")) == 1


def test_a_missing_file_is_recorded_on_the_run_not_reported_as_the_server(people, tmp_path):
    store, _ = people
    with Running(Mailbox()) as box:
        settings = _settings(tmp_path, f"smtp://127.0.0.1:{free_port()}")
        (o,) = run_due(store, settings, DUE, _make)
        o.path.unlink()
        run_due(store, _settings(tmp_path, box.url()), DUE + dt.timedelta(minutes=11), _make)
    (r,) = runs(store)
    assert r.mail_state == "failed" and r.mail_message.startswith("FileNotFoundError")
    assert box.received == []


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.intra", ("mail.intra", 25, "none", None, None)),
    ("smtp+starttls://u%40zq:p%3Aw@mail.intra:2587", ("mail.intra", 2587, "starttls", "u@zq", "p:w")),
    ("smtps://mail.intra", ("mail.intra", 465, "tls", None, None)),
])
def test_the_mail_server_url_names_host_port_security_and_login(url, expected):
    server = parse_server(url)
    assert (server.host, server.port, server.security, server.user, server.password) == expected


@pytest.mark.parametrize("url", ["http://mail.intra", "mail.intra:25", "smtp://"])
def test_a_wrong_mail_server_url_stops_the_start_without_showing_the_password(url):
    with pytest.raises(ValueError, match="DASHBOARD_SMTP_URL") as caught:
        Settings.from_env({"DASHBOARD_SMTP_URL": url.replace("://", "://u:secret@") if "://" in url else url})
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("address", ["张三", "a@b@c", "a b@zq.gov.cn", "x" * 250 + "@zq.cn", "<a@zq.cn>"])
def test_a_wrong_address_is_refused_in_chinese_and_the_old_one_kept(people, address):
    store, _ = people
    with pytest.raises(users.UserError, match="邮箱地址格式不正确"):
        users.set_email(store, "leader", address)
    assert users.get_user(store, "leader").email == "leader@zq.gov.cn"


def test_the_command_line_sets_addresses_and_subscribes_only_those_who_may_see_the_scope(people):
    store, s = people
    bad = cli(store, "user", "email", "leader", "not-an-address")
    assert bad.returncode != 0 and "邮箱地址格式不正确" in bad.stderr
    ok = cli(store, "user", "email", "leader", "boss@zq.gov.cn")
    assert ok.returncode == 0 and users.get_user(store, "leader").email == "boss@zq.gov.cn"
    repo.subscribe(store, s.id, "shuangshan", on=False)
    refused = cli(store, "schedule", "subscribe", str(s.id), "--user", "shuangshan")
    assert refused.returncode != 0 and "无权查看其范围" in refused.stderr
    assert "shuangshan" not in {x.name for x in repo.subscribers(store, s.id)}
    off = cli(store, "schedule", "subscribe", str(s.id), "--user", "mingshui", "--off")
    assert off.returncode == 0 and "mingshui" not in {x.name for x in repo.subscribers(store, s.id)}
    on = cli(store, "schedule", "subscribe", str(s.id), "--user", "mingshui")
    assert on.returncode == 0 and "未配置 DASHBOARD_SMTP_URL" in on.stdout
    assert "mingshui" in {x.name for x in repo.subscribers(store, s.id)}
