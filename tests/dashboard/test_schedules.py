"""Scheduled briefings: rhythms, schedules kept in the store, runs on a moved clock, retries,
keeping N files, and one runner among several."""
from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from dashboard.access import users
from dashboard.access.principal import ADMIN, EMBED_LINK, LEADER, STAFF, Principal
from dashboard.schedules import Rhythm, Runner, ScheduleError, add_schedule, run_due, runs, schedules, visible
from dashboard.schedules import repository as repo
from dashboard.schedules.runner import LEASE, MAX_ATTEMPTS
from dashboard.settings import Settings
from tests.building import MINGSHUI, SHUANGSHAN, two_streets
from tests.mailbox import Mailbox, Running

# 2026-11-20 12:00 in China; the schedules below are made then
MADE = dt.datetime(2026, 11, 20, 4, 0)


def at(day: str, hour: int = 1) -> dt.datetime:
    """A UTC time on a day in China (UTC+8): hour 1 UTC is 09:00 there."""
    return dt.datetime.fromisoformat(day).replace(hour=hour)


@pytest.fixture
def streets_store(store):
    with store.engine.begin() as c:
        two_streets(c)
    return store


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(briefing_dir=str(tmp_path / "briefings"))


def _add(store, name="月度简报", streets=(MINGSHUI,), every=1, day=1, keep=12, fmt="pdf"):
    return add_schedule(store, name=name, streets=streets, fmt=fmt, rhythm=Rhythm(every, day), keep=keep,
                        charts=None, created_by="admin", now=MADE)


def _fake(calls: list):
    def make(s, day):
        calls.append((s.id, day))
        return f"{s.name} {day}".encode()
    return make


@pytest.mark.parametrize(("every", "day", "today", "latest", "following", "text"), [
    (1, 1, "2026-12-06", "2026-12-01", "2027-01-01", "每月1日"),
    (1, 28, "2026-12-06", "2026-11-28", "2026-12-28", "每月28日"),
    (2, 1, "2026-12-06", "2026-11-01", "2027-01-01", "每两个月(1、3、5、7、9、11月)1日"),
    (3, 15, "2026-01-15", "2026-01-15", "2026-04-15", "每季度(1、4、7、10月)15日"),
    (12, 2, "2026-01-01", "2025-01-02", "2026-01-02", "每年1月2日"),
])
def test_rhythms_know_their_latest_and_next_due_day(every, day, today, latest, following, text):
    r = Rhythm(every, day)
    today = dt.date.fromisoformat(today)
    assert r.latest(today) == dt.date.fromisoformat(latest)
    assert r.following(today) == dt.date.fromisoformat(following)
    assert r.text == text


@pytest.mark.parametrize(("every", "day", "words"), [(5, 1, "间隔月数"), (1, 29, "1 至 28 日"), (1, 0, "1 至 28 日")])
def test_a_rhythm_that_cannot_be_kept_is_refused_in_chinese(every, day, words):
    with pytest.raises(ScheduleError, match=words):
        Rhythm(every, day)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"name": " "}, "名称"), ({"name": "简" * 61}, "名称"), ({"fmt": "docx"}, "格式"), ({"keep": 0}, "保留份数"),
    ({"streets": ("火星街道",)}, "未知的街道"),
])
def test_bad_schedules_are_refused_and_nothing_is_kept(streets_store, kwargs, words):
    with pytest.raises(ScheduleError, match=words):
        _add(streets_store, **kwargs)
    assert schedules(streets_store) == []


def test_a_due_schedule_runs_once_as_of_its_day_and_its_file_is_named_by_date_and_scope(streets_store, settings):
    s = _add(streets_store, name="月度/简报<b>")
    calls: list = []
    # made on 20 November: the 1 November run is not made after the fact
    assert run_due(streets_store, settings, at("2026-11-30"), _fake(calls)) == []
    # 1 December, 00:30 in China (16:30 UTC the day before): due
    done = run_due(streets_store, settings, dt.datetime(2026, 11, 30, 16, 30), _fake(calls))
    assert calls == [(s.id, dt.date(2026, 12, 1))]
    (outcome,) = done
    assert outcome.run.state == "ok" and outcome.run.due_on == dt.date(2026, 12, 1)
    assert outcome.path.name == f"2026-12-01_明水街道_月度-简报-b_{outcome.run.id}.pdf"
    assert outcome.path.read_bytes() == "月度/简报<b> 2026-12-01".encode()
    assert outcome.path.parent == Path(settings.briefing_dir)
    # later the same month: nothing more
    assert run_due(streets_store, settings, at("2026-12-20"), _fake(calls)) == []
    assert len(calls) == 1


def test_a_failed_run_is_recorded_retried_later_and_given_up_after_the_limit(streets_store, settings, caplog):
    _add(streets_store)
    attempts: list = []

    def broken(s, day):
        attempts.append(day)
        raise RuntimeError("Chromium 无法启动")

    first = run_due(streets_store, settings, at("2026-12-01"), broken)
    assert first[0].run.state == "failed" and "Chromium 无法启动" in first[0].run.message
    assert "scheduled briefing" in caplog.text  # logged, not silent
    # too soon to retry, then retried every 10 minutes until the limit
    assert run_due(streets_store, settings, at("2026-12-01") + dt.timedelta(minutes=5), broken) == []
    clock = at("2026-12-01")
    for _ in range(MAX_ATTEMPTS + 2):
        clock += dt.timedelta(minutes=11)
        run_due(streets_store, settings, clock, broken)
    assert len(attempts) == MAX_ATTEMPTS
    (last,) = runs(streets_store)
    assert (last.state, last.attempts) == ("failed", MAX_ATTEMPTS)
    # a retry that works is recorded as such
    repo.finish(streets_store, last.id, clock, error="x")
    with streets_store.engine.begin() as c:
        c.exec_driver_sql("UPDATE briefing_runs SET attempts = 1")
    ok = run_due(streets_store, settings, clock + dt.timedelta(minutes=11), _fake([]))
    assert ok[0].run.state == "ok" and ok[0].run.attempts == 2


def test_only_the_newest_files_are_kept(streets_store, settings):
    s = _add(streets_store, keep=2)
    paths = []
    for day in ("2026-12-01", "2027-01-01", "2027-02-01"):
        (o,) = run_due(streets_store, settings, at(day), _fake([]))
        paths.append(o.path)
    assert [p.exists() for p in paths] == [False, True, True]
    states = {r.due_on.isoformat(): r.state for r in runs(streets_store) if r.schedule_id == s.id}
    assert states == {"2026-12-01": "removed", "2027-01-01": "ok", "2027-02-01": "ok"}


def test_a_removed_schedule_leaves_its_files_in_the_archive(streets_store, settings):
    s = _add(streets_store)
    (o,) = run_due(streets_store, settings, at("2026-12-01"), _fake([]))
    repo.delete_schedule(streets_store, s.id)
    assert schedules(streets_store) == []
    (kept,) = runs(streets_store)
    assert kept.schedule_id is None and kept.name == "月度简报" and o.path.exists()
    with pytest.raises(ScheduleError, match="没有编号为"):
        repo.delete_schedule(streets_store, s.id)


def test_the_lease_lets_one_holder_at_a_time_and_runs_out(streets_store):
    now = at("2026-12-01")
    assert repo.take_lease(streets_store, LEASE, "a", now, 60)
    assert not repo.take_lease(streets_store, LEASE, "b", now, 60)
    assert repo.take_lease(streets_store, LEASE, "a", now, 60)  # renewed by its holder
    assert repo.take_lease(streets_store, LEASE, "b", now + dt.timedelta(seconds=61), 60)  # a dead holder's runs out
    repo.release_lease(streets_store, LEASE, "b")
    assert repo.take_lease(streets_store, LEASE, "a", now, 60)


def test_several_runners_make_each_briefing_once(streets_store, settings):
    _add(streets_store, name="甲")
    _add(streets_store, name="乙", streets=(SHUANGSHAN,))
    calls: list = []
    lock = threading.Lock()

    def slow(s, day):
        with lock:
            calls.append(s.id)
        time.sleep(0.05)
        return b"x"

    clock = at("2026-12-01")
    threads = [threading.Thread(target=run_due, args=(streets_store, settings, clock, slow, f"p{i}")) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # passes that found the lease taken did nothing; a later pass finds the runs recorded
    run_due(streets_store, settings, clock, slow, "late")
    assert sorted(calls) == [1, 2]
    assert sorted(r.state for r in runs(streets_store)) == ["ok", "ok"]


def test_the_server_runner_makes_a_real_briefing_by_itself_when_the_clock_moves_and_mails_it(report_store, tmp_path):
    """The runner thread, as the server starts it, with a clock a test moves past a due day; the
    PDF goes to the subscriber through a real SMTP server."""
    if shutil.which("chromium") is None:
        pytest.skip("Chromium not found (apt-get install chromium)")
    s = add_schedule(report_store, name="明水月报", streets=(MINGSHUI,), fmt="pdf", rhythm=Rhythm(1, 1), keep=3,
                     charts=("sites-by-street",), created_by="admin", now=at("2020-06-20"))
    users.add_user(report_store, "ms-staff", "abcd1234", STAFF, [MINGSHUI])
    users.set_email(report_store, "ms-staff", "ms@zq.gov.cn")
    repo.subscribe(report_store, s.id, "ms-staff")
    now = [at("2020-06-30")]
    with Running(Mailbox()) as box:
        settings = Settings(briefing_dir=str(tmp_path / "archive"), smtp_url=box.url())
        runner = Runner(report_store, settings, interval=0.2, clock=lambda: now[0]).start()
        try:
            time.sleep(0.6)
            assert not any(r.schedule_id == s.id for r in runs(report_store))  # not due yet
            now[0] = at("2020-07-01", 2)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                done = [r for r in runs(report_store) if r.schedule_id == s.id and r.state in ("ok", "failed")
                        and (r.state == "failed" or r.mail_state)]
                if done:
                    break
                time.sleep(0.2)
        finally:
            runner.stop()
    (r,) = done
    assert r.state == "ok", r.message
    pdf = Path(settings.briefing_dir) / r.file_name
    assert r.file_name.startswith("2020-07-01_明水街道_明水月报_") and pdf.read_bytes().startswith(b"%PDF")
    assert r.mail_state == "sent", r.mail_message
    (mail,) = box.to("ms@zq.gov.cn")
    (part,) = list(mail.iter_attachments())
    assert part.get_content() == pdf.read_bytes() and "2020年7月1日" in mail["Subject"]
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "明水街道" in text and "2020年7月1日" in text


def _who(role, streets=()):
    return Principal("u", "u", role, streets=streets)


def test_staff_see_their_streets_schedules_only_and_links_none():
    assert visible(_who(ADMIN), ()) and visible(_who(LEADER), (MINGSHUI,))
    staff = _who(STAFF, (MINGSHUI,))
    assert visible(staff, (MINGSHUI,))
    assert not visible(staff, (SHUANGSHAN,)) and not visible(staff, (MINGSHUI, SHUANGSHAN))
    assert not visible(staff, ())  # the district's briefing is not one street's
    assert not visible(replace(_who(EMBED_LINK), link_id=1), ())
    assert not visible(None, ())
