"""The shared cache's wire format: JSON of a closed set of types, so that whoever can write to
the Redis cannot run code in the app, and a cache that is broken or unreachable never breaks a page.

The Redis tests use DASHBOARD_TEST_REDIS_URL (keys are namespaced by the store's random instance
id, so nothing else in that database is touched) or a private ``redis-server`` they start.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import insert

from dashboard.cache_codec import CacheDecodeError, CacheEncodeError, decode, encode
from dashboard.indicators import Filter, resolve_filter
from dashboard.indicators.breakdowns import SiteRow, branch_options
from dashboard.schema import Street
from dashboard.service import SOURCES, DataService, _RedisCache

REPORT_DAY = dt.date(2020, 7, 1)


def _filters(store) -> list[Filter]:
    """The district, and one branch within its street: Kpis then carries tuples, ids and names."""
    with store.engine.connect() as conn:
        branch = branch_options(conn, as_of=REPORT_DAY)[0]
        narrow = resolve_filter(conn, streets=[branch.street_code], branch=branch.id, as_of=REPORT_DAY)
    return [Filter.district(REPORT_DAY), narrow]


def _entry(svc: DataService, name: str, f: Filter) -> bytes | None:
    return svc.cache.client.get(svc.key(name, f, svc.version().version))


# -- every source, through a real Redis ------------------------------------------------------------


def test_every_source_read_back_from_redis_equals_what_was_computed(report_store, redis_url):
    """A second server process must show exactly the figures the first computed: same numbers,
    same rows, same dataclasses, dates as dates, tuples as tuples."""
    a, b = DataService(report_store, redis_url), DataService(report_store, redis_url)
    version = a.version().version
    filters = _filters(report_store)
    for f in filters:
        for name in SOURCES:
            a.cache.client.delete(a.key(name, f, version))  # earlier tests of this session may have filled them
    a.cache.client.delete(f"{a._prefix}:{version}:streets")

    for f in filters:
        for name in SOURCES:
            computed = a.get(name, f)
            served = b.get(name, f)
            assert served == computed, name
            assert type(served) is type(computed), name
            assert served == SOURCES[name](report_store, f), name
            assert json.loads(_entry(a, name, f))["fmt"] == "zq-cache", name
    assert b.streets(version) == a.streets(version) and len(a.streets(version)) > 0
    assert (a.computed, b.computed) == (len(filters) * len(SOURCES), 0)
    # not a vacuous round trip: the district's figures are all there
    district = b.get("kpis", filters[0])
    assert district.now.education_bases == 19 and district.filter == filters[0]
    assert isinstance(b.get("sites", filters[0])[0].opened_on, dt.date)
    assert isinstance(b.get("honours", filters[0])[0], tuple)


# -- what someone with write access to the Redis can plant ----------------------------------------


def _pickle_that_touches(marker) -> bytes:
    """A protocol-0 pickle that runs ``touch marker`` when unpickled (os.system via __reduce__)."""
    command = f"touch {shlex.quote(str(marker))}"
    return b"cos\nsystem\n(S" + repr(command).encode() + b"\ntR."


def test_the_planted_pickle_is_a_working_exploit(tmp_path):
    """The control for the test below: unpickling this payload does run the command (in a
    throw-away interpreter), so its marker staying absent there means the app did not unpickle it."""
    marker = tmp_path / "owned-by-pickle"
    subprocess.run([sys.executable, "-c", "import pickle, sys; pickle.loads(sys.stdin.buffer.read())"],
                   input=_pickle_that_touches(marker), check=True, timeout=60)
    assert marker.exists()


def test_a_pickle_planted_in_redis_is_not_run_and_the_page_gets_the_real_figures(report_store, redis_url, tmp_path, caplog):
    svc = DataService(report_store, redis_url)
    f = Filter.district(REPORT_DAY)
    key = svc.key("kpis", f, svc.version().version)
    marker = tmp_path / "owned"
    svc.cache.client.set(key, _pickle_that_touches(marker), ex=60)

    with caplog.at_level(logging.WARNING, logger="dashboard.cache"):
        value = svc.get("kpis", f)

    assert not marker.exists()
    assert value == SOURCES["kpis"](report_store, f)
    assert svc.computed == 1
    assert key in caplog.text  # the operator learns which entry was tampered with
    # the entry is now this app's JSON, and another process serves it without computing
    assert decode(svc.cache.client.get(key)) == value
    other = DataService(report_store, redis_url)
    assert other.get("kpis", f) == value and other.computed == 0


def _valid_entry() -> bytes:
    row = SiteRow(1, "S1", "站点", "教育基地", "370114001000", "明水街道", None, 117.5, 36.7, True, False, REPORT_DAY)
    return encode([row])


PLANTED = {
    "garbage": b"\x80\x04\x95garbage\xff\xfe",
    "truncated JSON": _valid_entry()[:-7],
    "not a cache entry": b'{"kpis": 1}',
    "a future format": b'{"fmt":"zq-cache","v":2,"value":[]}',
    "an unknown tag": b'{"fmt":"zq-cache","v":1,"value":{"__set":[1,2]}}',
    "an unregistered class": b'{"fmt":"zq-cache","v":1,"value":{"__t":"Nope","f":{}}}',
    "os.system": json.dumps({"fmt": "zq-cache", "v": 1,
                             "value": {"__t": "os.system", "f": {"command": "touch {marker}"}}}).encode(),
    "subprocess.Popen": json.dumps({"fmt": "zq-cache", "v": 1,
                                    "value": {"__t": "subprocess.Popen", "f": {"args": ["touch", "{marker}"]}}}).encode(),
    "a class's wrong fields": _valid_entry().replace(b'"lat"', b'"latitude"'),
}


@pytest.mark.parametrize("planted", list(PLANTED), ids=list(PLANTED))
def test_an_unreadable_entry_is_a_miss_that_gets_recomputed_and_rewritten(report_store, redis_url, tmp_path, planted):
    svc = DataService(report_store, redis_url)
    f = Filter.district(REPORT_DAY)
    key = svc.key("sites", f, svc.version().version)
    marker = tmp_path / "owned"
    svc.cache.client.set(key, PLANTED[planted].replace(b"{marker}", str(marker).encode()), ex=60)

    value = svc.get("sites", f)

    assert value == SOURCES["sites"](report_store, f) and len(value) > 0
    assert svc.computed == 1 and not marker.exists()
    assert decode(svc.cache.client.get(key)) == value


def test_a_key_of_another_redis_type_is_a_miss_and_is_replaced(report_store, redis_url):
    """A hash where a string should be makes Redis answer WRONGTYPE: that must not be a 500."""
    svc = DataService(report_store, redis_url)
    f = Filter.district(REPORT_DAY)
    key = svc.key("honours", f, svc.version().version)
    svc.cache.client.delete(key)
    svc.cache.client.hset(key, "x", "y")
    svc.cache.client.expire(key, 60)

    assert svc.get("honours", f) == SOURCES["honours"](report_store, f)
    assert decode(svc.cache.client.get(key)) == svc.get("honours", f) and svc.computed == 1


# -- the codec itself ------------------------------------------------------------------------------


def test_values_keep_their_types_and_tag_like_keys_stay_plain_keys():
    value = {
        "rows": [("2020-07", "党的建设", 3), ["a", 1.5, None, True]],
        "__t": {"__d": "not a date", "f": ()},  # a dict whose keys look like tags is still that dict
        "floats": [math.inf, -math.inf, 0.1],
        "day": REPORT_DAY,
    }
    back = decode(encode(value))
    assert back == value
    assert type(back["rows"][0]) is tuple and type(back["rows"][1]) is list and type(back["day"]) is dt.date
    assert math.isnan(decode(encode(math.nan)))


BAD_PAYLOADS = {
    "not UTF-8": b"\xff\xfe{}",
    "empty": b"",
    "NaN literal": b'{"fmt":"zq-cache","v":1,"value":NaN}',
    "duplicate keys": b'{"fmt":"zq-cache","v":1,"v":1,"value":1}',
    "extra envelope key": b'{"fmt":"zq-cache","v":1,"value":1,"x":0}',
    "version as bool": b'{"fmt":"zq-cache","v":true,"value":1}',
    "deep nesting": b'{"fmt":"zq-cache","v":1,"value":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "deep tagged nesting": b'{"fmt":"zq-cache","v":1,"value":' + b'{"__tuple":[' * 40 + b"]}" * 40 + b"}",
    "huge integer": b'{"fmt":"zq-cache","v":1,"value":' + b"9" * 5000 + b"}",
    "bad date": b'{"fmt":"zq-cache","v":1,"value":{"__d":"2020-13-01"}}',
    "date not ISO": b'{"fmt":"zq-cache","v":1,"value":{"__d":"20200701"}}',
    "date not text": b'{"fmt":"zq-cache","v":1,"value":{"__d":20200701}}',
    "two tags": b'{"fmt":"zq-cache","v":1,"value":{"__tuple":[],"__d":"2020-07-01"}}',
    "tuple of an object": b'{"fmt":"zq-cache","v":1,"value":{"__tuple":{}}}',
    "dict of a list": b'{"fmt":"zq-cache","v":1,"value":{"__dict":[]}}',
    "bad float": b'{"fmt":"zq-cache","v":1,"value":{"__float":"1e999"}}',
    "class name not text": b'{"fmt":"zq-cache","v":1,"value":{"__t":["Filter"],"f":{}}}',
    "class with missing fields": b'{"fmt":"zq-cache","v":1,"value":{"__t":"Filter","f":{"as_of":null}}}',
    "a property as a field": b'{"fmt":"zq-cache","v":1,"value":{"__t":"BranchMeetings","f":{"rate":1}}}',
    "dunder class name": b'{"fmt":"zq-cache","v":1,"value":{"__t":"__class__","f":{}}}',
}


@pytest.mark.parametrize("raw", list(BAD_PAYLOADS.values()), ids=list(BAD_PAYLOADS))
def test_every_malformed_payload_is_a_decode_error_and_nothing_else(raw):
    """The service reads CacheDecodeError as a miss; any other exception would be a page error."""
    with pytest.raises(CacheDecodeError):
        decode(raw)


@pytest.mark.parametrize("value", [dt.datetime(2020, 7, 1, 9, 30), {1, 2}, {1: "a"}, object(), b"bytes"],
                         ids=["datetime", "set", "int key", "object", "bytes"])
def test_a_value_outside_the_set_is_refused_rather_than_cached_changed(value):
    """A datetime would come back as a bare date, a set as a list: refuse, so it is never cached wrong."""
    with pytest.raises(CacheEncodeError):
        encode(value)


# -- a Redis with a password, TLS, and a Redis that is unreachable ---------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PASSWORD = "s3cret-b71f"


@pytest.fixture
def private_redis(tmp_path) -> Iterator[int]:
    """A redis-server of our own on a free port that requires PASSWORD; stopped afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("Redis password tests need the redis-server binary (apt-get install redis-server)")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--requirepass", PASSWORD, "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    admin = redis.Redis(host="127.0.0.1", port=port, password=PASSWORD)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                admin.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server on port {port} did not start")
                time.sleep(0.05)
        yield port
    finally:
        admin.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _add_street(store) -> None:
    with store.engine.begin() as c:
        c.execute(insert(Street).values(code="370114001000", name="明水街道", kind="街道", lon=117.54, lat=36.72))


FOUR_IN_ONE = {"明水街道": {"党的建设": False, "老年教育": False, "文体活动": False, "志愿服务": False}}


def test_a_password_protected_redis_is_shared_through_its_url(store, private_redis):
    with pytest.raises(redis.AuthenticationError):  # the password is really required
        redis.Redis(host="127.0.0.1", port=private_redis).get("x")
    url = f"redis://:{PASSWORD}@127.0.0.1:{private_redis}/0"
    _add_street(store)
    f = Filter.district(dt.date(2024, 6, 30))
    a, b = DataService(store, url), DataService(store, url)
    assert a.get("four_in_one", f) == FOUR_IN_ONE
    assert b.get("four_in_one", f) == FOUR_IN_ONE
    assert (a.computed, b.computed) == (1, 0)


def test_a_tls_url_keeps_tls_and_its_password():
    """rediss:// must not quietly become plain TCP, nor lose its password; log lines never show it."""
    svc_cache = _RedisCache(f"rediss://:{PASSWORD}@cache.example:6380/2")
    pool = svc_cache.client.connection_pool
    assert pool.connection_class is redis.SSLConnection
    assert (pool.connection_kwargs["password"], pool.connection_kwargs["host"], pool.connection_kwargs["port"],
            pool.connection_kwargs["db"]) == (PASSWORD, "cache.example", 6380, 2)
    assert svc_cache.where == "cache.example:6380/2 (TLS)"


@pytest.mark.parametrize("trouble", ["wrong password", "nothing listening"])
def test_an_unreachable_cache_serves_pages_uncached_with_one_warning(request, store, caplog, trouble):
    port = request.getfixturevalue("private_redis") if trouble == "wrong password" else _free_port()
    url = f"redis://:not-{PASSWORD}@127.0.0.1:{port}/0"
    _add_street(store)
    f = Filter.district(dt.date(2024, 6, 30))
    svc = DataService(store, url)
    with caplog.at_level(logging.INFO, logger="dashboard.cache"):
        values = [svc.get("four_in_one", f) for _ in range(3)]
    assert values == [FOUR_IN_ONE] * 3
    assert svc.computed == 3  # nothing cached, nothing broken
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and f"127.0.0.1:{port}/0" in warnings[0].getMessage()
    assert PASSWORD not in caplog.text


def test_a_refusing_redis_is_left_alone_for_a_while_then_used_again(store, private_redis, caplog):
    """While Redis is down, panels must not each pay a connection attempt; once fixed, caching resumes."""
    admin = redis.Redis(host="127.0.0.1", port=private_redis, password=PASSWORD)
    url = f"redis://:{PASSWORD}-rotated@127.0.0.1:{private_redis}/0"
    _add_street(store)
    f = Filter.district(dt.date(2024, 6, 30))
    svc = DataService(store, url)

    before = admin.info("stats")["total_connections_received"]
    for _ in range(5):
        assert svc.get("four_in_one", f) == FOUR_IN_ONE
    assert admin.info("stats")["total_connections_received"] - before == 1  # one attempt, then it rests

    admin.config_set("requirepass", f"{PASSWORD}-rotated")  # the operator rotates the server's password
    svc.cache.retry_after = 0.0
    svc.cache._down_until = 0.0  # as if the pause were over
    with caplog.at_level(logging.INFO, logger="dashboard.cache"):
        assert svc.get("four_in_one", f) == FOUR_IN_ONE
    assert "available again" in caplog.text
    other = DataService(store, url)
    assert other.get("four_in_one", f) == FOUR_IN_ONE
    assert (svc.computed, other.computed) == (6, 0)
    admin.close()
