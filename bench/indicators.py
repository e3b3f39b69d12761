"""Benchmark of the KPI indicators against hand-written SQL floors.

Run from the repository root::

    python bench/indicators.py --scale 1 --db sqlite
    python bench/indicators.py --scale 10 --db postgresql --runs 20

What it measures, on a demo store seeded as of ``--as-of`` (default 2026-11-27):

0. ``seed-demo --scale N``: the time of ``dashboard.demo.seed`` into a freshly migrated store
   (target ≤ 90 s at scale 10). The store is kept and reused while its ``demo_info()`` matches
   (SQLite: ``bench/out/bench-scale{N}.sqlite3``; PostgreSQL: schema ``bench_scale{N}`` at
   ``$DASHBOARD_BENCH_POSTGRES_URL``, default postgresql://postgres@127.0.0.1:5432/test) and
   ``dashboard/demo.py`` is unchanged since (its hash is kept in ``bench/out/seed-times.json``).
   ``--reseed`` forces a rebuild. On PostgreSQL the bench runs VACUUM (ANALYZE) on its schema's
   tables before measuring: ``seed`` loads with COPY and leaves no statistics and empty visibility
   maps, which autovacuum would fix in production but is off on the dev server, and the plans
   (e.g. participants: seq scan of all participations instead of an index-only nested loop)
   depend on it. On SQLite nothing is run (the app never runs ANALYZE there).

For three filters – the whole district, one street (明水街道, 370114001000) and the 党支部 with the
most members on the as-of day – it then times, after 2 warm-ups, ``--runs`` runs (default 20):

1. ``dashboard.indicators.kpis(engine, f)``: every KPI figure now and a year ago (two connections
   side by side). Median and p95; target ≤ 50 ms at scale 1 and ≤ 200 ms at scale 10 (linear in
   between, 200 ms above). For reference also the "kpis floor": the 16 hand-written queries below
   (now and a year ago) one after the other on one raw DBAPI connection; and ``kpi_values()`` now and
   a year ago one after the other on one connection (kpis() without its thread pool).
2. Each indicator statement of ``dashboard/indicators/kpi.py`` through SQLAlchemy,
   ``kpi.run(conn, stmt, f)``, the path kpi_values() takes (compiled SQL cached per filter).
   Median and p95.
3. Its floor: the same figure as a hand-written SQL string with parameters, executed on the raw
   DBAPI cursor of the same connection. Median, and the ratio ours/floor (target ≤ 1.5). The
   floor's rows must equal ours, else the line says MISMATCH: a floor that counts something else
   proves nothing.

Lines that miss a target say OVER TARGET. The exit status is 0 whatever the figures (it is a
benchmark, not a test); only a broken setup (no database, failing seed) ends it otherwise.
The figures also go to ``--json PATH`` (default bench/out/indicators.json) with the machine
reference before and after the run (bench/report.py).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT / "bench"), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import report  # noqa: E402  (bench/report.py: the machine reference and the JSON file)
from sqlalchemy import func, select, text  # noqa: E402

from dashboard import vocab  # noqa: E402
from dashboard.demo import DemoRules, seed  # noqa: E402
from dashboard.indicators import (  # noqa: E402
    Filter,
    kpi,
    kpis,
    resolve_filter,
)
from dashboard.indicators.filters import shift_year  # noqa: E402
from dashboard.indicators.kpi import kpi_values  # noqa: E402
from dashboard.schema import Membership, Organisation  # noqa: E402
from dashboard.store import Store, make_engine  # noqa: E402

OUT = ROOT / "bench" / "out"
AS_OF = dt.date(2026, 11, 27)
DEMO_SEED = 2020
MINGSHUI = "370114001000"  # 明水街道
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
WARMUPS = 2
RATIO_TARGET = 1.5
SEED_TARGET_S, SEED_TARGET_SCALE = 90.0, 10


def kpis_target_ms(scale: int) -> float:
    """≤ 50 ms at scale 1, ≤ 200 ms at scale 10, linear in between."""
    if scale <= 1:
        return 50.0
    if scale >= 10:
        return 200.0
    return 50.0 + (scale - 1) * (200.0 - 50.0) / 9


# -- the store ---------------------------------------------------------------------------------

def _seed_log() -> dict:
    path = OUT / "seed-times.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _generator_hash() -> str:
    """Which demo generator seeded a store: ``demo_info()`` records the rules, not the code."""
    return hashlib.sha1((ROOT / "dashboard" / "demo.py").read_bytes()).hexdigest()[:12]


def _remember_seed(key: str, seconds: float) -> None:
    log = _seed_log()
    log[key] = {"seconds": round(seconds, 2), "at": dt.datetime.now().isoformat(timespec="seconds"),
                "demo_py": _generator_hash()}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "seed-times.json").write_text(json.dumps(log, indent=1), encoding="utf-8")


def _matches(info: dict | None, rules: DemoRules, key: str) -> bool:
    if not (info and info.get("as_of") == rules.as_of.isoformat()
            and info.get("scale") == rules.scale and info.get("seed") == rules.seed):
        return False
    recorded = _seed_log().get(key, {}).get("demo_py")
    if recorded is not None and recorded != _generator_hash():
        print(f"dashboard/demo.py changed since {key} was seeded: rebuilding")
        return False
    return True


def seed_key(db: str, scale: int) -> str:
    """The store's entry in bench/out/seed-times.json."""
    return f"sqlite:bench-scale{scale}.sqlite3" if db == "sqlite" else f"postgresql:bench_scale{scale}"


def open_store(db: str, rules: DemoRules, reseed: bool) -> tuple[Store, str]:
    """The bench store for these rules, seeded if needed; and where it lives."""
    n = rules.scale
    if db == "sqlite":
        path = OUT / f"bench-scale{n}.sqlite3"
        where, key = str(path.relative_to(ROOT)), seed_key(db, n)
        store = Store(f"sqlite:///{path}")
        if path.exists() and not reseed:
            store.migrate()
            if _matches(store.demo_info(), rules, key):
                return _reused(store, where, key, rules)
        store.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):  # start from an empty file
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        store = Store(f"sqlite:///{path}")
    else:
        base = os.environ.get("DASHBOARD_BENCH_POSTGRES_URL") or DEFAULT_PG_URL
        schema = f"bench_scale{n}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
        sep = "&" if "?" in base else "?"
        url = f"{base}{sep}options=-csearch_path%3D{schema}"
        where, key = f"{admin.url.render_as_string()} schema {schema}", seed_key(db, n)
        store = Store(url)
        store.migrate()
        if not reseed and _matches(store.demo_info(), rules, key):
            admin.dispose()
            return _reused(store, where, key, rules)
        store.dispose()
        with admin.begin() as conn:  # start from an empty schema
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        store = Store(url)
    store.migrate()
    t0 = time.perf_counter()
    counts = seed(store, rules)
    seconds = time.perf_counter() - t0
    _remember_seed(key, seconds)
    over = rules.scale >= SEED_TARGET_SCALE and seconds > SEED_TARGET_S
    print(f"seed-demo --scale {n}: {seconds:.1f} s (target ≤ {SEED_TARGET_S:.0f} s at scale {SEED_TARGET_SCALE})"
          f"{'   <<< OVER TARGET' if over else ''}")
    print(f"  rows: {json.dumps(counts, ensure_ascii=False)}")
    print(f"  store: {where}")
    return store, where


def pg_vacuum(store: Store) -> None:
    """VACUUM (ANALYZE) this schema's tables only (other schemas belong to other people)."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        autovacuum = conn.exec_driver_sql("SHOW autovacuum").scalar()
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        tables = conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename").scalars().all()
        t0 = time.perf_counter()
        conn.exec_driver_sql("VACUUM (ANALYZE) " + ", ".join(f'"{schema}"."{t}"' for t in tables))
    print(f"VACUUM (ANALYZE) of {len(tables)} tables in {schema}: {time.perf_counter() - t0:.1f} s "
          f"(server autovacuum = {autovacuum}; not part of the seed time)")


def _reused(store: Store, where: str, key: str, rules: DemoRules) -> tuple[Store, str]:
    past = _seed_log().get(key)
    took = f"{past['seconds']:.1f} s on {past['at']}" if past else "time not recorded"
    over = past and rules.scale >= SEED_TARGET_SCALE and past["seconds"] > SEED_TARGET_S
    print(f"seed-demo --scale {rules.scale}: reused {where} (seeded as of {rules.as_of}; "
          f"took {took}; target ≤ {SEED_TARGET_S:.0f} s at scale {SEED_TARGET_SCALE})"
          f"{'   <<< OVER TARGET' if over else ''}   (--reseed to time it again)")
    return store, where


# -- the floors: each figure as one hand-written SQL string ------------------------------------

class Sql:
    """Builds one SQL string with positional parameters, written with ``?``."""

    def __init__(self, dates_as_text: bool):
        self.params: list = []
        self.dates_as_text = dates_as_text

    def p(self, value) -> str:
        if isinstance(value, dt.date) and self.dates_as_text:
            value = value.isoformat()  # SQLite keeps dates as 'YYYY-MM-DD' text
        self.params.append(value)
        return "?"

    def in_(self, column: str, values) -> str:
        return f"{column} IN ({', '.join(self.p(v) for v in values)})"


def floor_branches(q: Sql, f: Filter) -> str:
    d = f.as_of
    sql = (f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN kind = {q.p(vocab.ESTABLISHED)} THEN 1 ELSE 0 END), 0), "
           f"COALESCE(SUM(CASE WHEN kind = {q.p(vocab.FUNCTIONAL)} THEN 1 ELSE 0 END), 0) FROM organisations "
           f"WHERE level = {q.p(vocab.BRANCH_LEVEL)} AND founded_on <= {q.p(d)} "
           f"AND (dissolved_on IS NULL OR dissolved_on > {q.p(d)})")
    if f.streets:
        sql += f" AND {q.in_('street_code', f.streets)}"
    if f.branch_id is not None:
        sql += f" AND {q.in_('id', f.org_ids)}"
    return sql


def floor_members(q: Sql, f: Filter) -> str:
    d = f.as_of
    where = [f"m.joined_on <= {q.p(d)}", f"(m.left_on IS NULL OR m.left_on > {q.p(d)})",
             f"o.founded_on <= {q.p(d)}", f"(o.dissolved_on IS NULL OR o.dissolved_on > {q.p(d)})"]
    if f.streets:
        where.append(q.in_("o.street_code", f.streets))
    if f.branch_id is not None:
        where.append(q.in_("m.org_id", f.org_ids))  # on the membership side: its index leads with org_id
    return ("SELECT COUNT(DISTINCT m.person_id) FROM memberships m JOIN organisations o ON o.id = m.org_id "
            f"WHERE {' AND '.join(where)}")


def _team_where(q: Sql, f: Filter, t: str) -> list[str]:
    d = f.as_of
    where = [f"{t}founded_on <= {q.p(d)}", f"({t}dissolved_on IS NULL OR {t}dissolved_on > {q.p(d)})"]
    if f.streets:
        where.append(q.in_(f"{t}street_code", f.streets))
    if f.branch_id is not None:
        where.append(q.in_(f"{t}org_id", f.org_ids))
    return where


def floor_teams(q: Sql, f: Filter) -> str:
    return f"SELECT COUNT(*) FROM volunteer_teams WHERE {' AND '.join(_team_where(q, f, ''))}"


def floor_volunteers(q: Sql, f: Filter) -> str:
    d = f.as_of
    where = [f"v.joined_on <= {q.p(d)}", f"(v.left_on IS NULL OR v.left_on > {q.p(d)})", *_team_where(q, f, "t.")]
    return ("SELECT COUNT(DISTINCT v.person_id) FROM volunteer_memberships v "
            f"JOIN volunteer_teams t ON t.id = v.team_id WHERE {' AND '.join(where)}")


def floor_sites(q: Sql, f: Filter) -> str:
    d = f.as_of
    where = [f"opened_on <= {q.p(d)}", f"(closed_on IS NULL OR closed_on > {q.p(d)})"]
    if f.site_streets:
        where.append(q.in_("street_code", f.site_streets))
    return ("SELECT type, COUNT(*), SUM(CASE WHEN co_built THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN standardised THEN 1 ELSE 0 END) FROM sites WHERE {' AND '.join(where)} GROUP BY type")


def _activity_where(q: Sql, f: Filter, a: str) -> list[str]:
    where = [f"{a}date BETWEEN {q.p(f.start)} AND {q.p(f.end)}"]
    if f.streets:
        where.append(q.in_(f"{a}street_code", f.streets))
    if f.branch_id is not None:
        where.append(q.in_(f"{a}org_id", f.org_ids))
    return where


def floor_activities(q: Sql, f: Filter) -> str:
    return f"SELECT category, COUNT(*) FROM activities WHERE {' AND '.join(_activity_where(q, f, ''))} GROUP BY category"


def floor_participants(q: Sql, f: Filter) -> str:
    return ("SELECT COUNT(DISTINCT p.person_id) FROM activities a JOIN participations p ON p.activity_id = a.id "
            f"WHERE {' AND '.join(_activity_where(q, f, 'a.'))}")


def floor_report_records(q: Sql, f: Filter) -> str:
    d = f.as_of
    return (f"SELECT (SELECT COUNT(*) FROM newsletter_issues WHERE published_on <= {q.p(d)}), "
            f"(SELECT COUNT(DISTINCT interviewee) FROM oral_history_interviews WHERE interviewed_on <= {q.p(d)}), "
            f"(SELECT COUNT(*) FROM problems WHERE solved_on <= {q.p(d)})")


INDICATORS: list[tuple[str, Callable, Callable]] = [
    ("branches", kpi.branches_stmt, floor_branches),
    ("members", kpi.members_stmt, floor_members),
    ("teams", kpi.teams_stmt, floor_teams),
    ("volunteers", kpi.volunteers_stmt, floor_volunteers),
    ("sites_by_type", kpi.sites_by_type_stmt, floor_sites),
    ("activities", kpi.activities_stmt, floor_activities),
    ("participants", kpi.participants_stmt, floor_participants),
    ("report_records", kpi.report_records_stmt, floor_report_records),
]


def compile_floor(build: Callable, f: Filter, dialect: str) -> tuple[str, tuple]:
    q = Sql(dates_as_text=dialect == "sqlite")
    sql = build(q, f)
    if dialect == "postgresql":
        sql = sql.replace("?", "%s")  # psycopg's parameter style; no literal '?' in these strings
    return sql, tuple(q.params)


def run_raw(raw, sql: str, params: tuple) -> list:
    cur = raw.cursor()
    try:
        cur.execute(sql, params)
        return cur.fetchall()
    finally:
        cur.close()


def normalise(rows) -> list[tuple]:
    """Rows as sorted tuples of plain ints/strings, so both sides compare equal when they agree."""
    out = []
    for row in rows:
        out.append(tuple(int(v) if isinstance(v, (bool, int)) or type(v).__name__ == "Decimal" else v
                         for v in row))
    return sorted(out, key=repr)


# -- timing ------------------------------------------------------------------------------------

def p95(values: list[float]) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, math.ceil(0.95 * len(s)) - 1)]


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000.0


def measure(fn: Callable[[], object], runs: int, warmups: int = WARMUPS) -> tuple[float, float]:
    """Median and p95 (ms) of ``runs`` timed calls, after ``warmups`` untimed ones."""
    for _ in range(warmups):
        fn()
    gc.collect()
    times = [timed(fn) for _ in range(runs)]
    return statistics.median(times), p95(times)


def add_store_options(ap: argparse.ArgumentParser, name: str, runs: int, warmups: str) -> None:
    """The options of a benchmark on the seeded demo store (bench/records.py, bench/reach.py)."""
    ap.add_argument("--scale", type=int, default=10, help="demo scale (1 = district, 10 = city)")
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--runs", type=int, default=runs, help=f"timed runs per measurement (after {warmups})")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF, help=f"demo as-of day (default {AS_OF})")
    ap.add_argument("--reseed", action="store_true", help="rebuild the store even if it matches")
    report.add_option(ap, name)


def bench_store(ap: argparse.ArgumentParser, args, name: str) -> Store:
    """The seeded store of :func:`add_store_options`' arguments, after the machine reference and
    a header line (PostgreSQL vacuumed and analysed first)."""
    if args.scale < 1 or args.runs < 1:
        ap.error("--scale and --runs must be at least 1")
    report.machine_reference()
    print(f"bench/{name}.py: --db {args.db} --scale {args.scale} --as-of {args.as_of} --runs {args.runs} "
          f"(python {sys.version.split()[0]}, {os.cpu_count()} cores, load {_load()})")
    store, _ = open_store(args.db, DemoRules(as_of=args.as_of, scale=args.scale, seed=DEMO_SEED), args.reseed)
    if store.dialect == "postgresql":
        pg_vacuum(store)
    return store


@dataclass
class Row:
    indicator: str
    filter: str
    median: float
    p95: float
    floor: float | None
    ratio: float | None
    ok: bool
    note: str = ""


def bench_filter(store: Store, label: str, f: Filter, runs: int, target_ms: float) -> list[Row]:
    dialect, engine = store.dialect, store.engine
    ago = f.year_ago()
    rows: list[Row] = []
    with engine.connect() as conn:
        raw = conn.connection.driver_connection

        # the floors must count what we count, now and a year ago
        mismatched: dict[str, str] = {}
        for name, stmt, build in INDICATORS:
            for g, when in ((f, "now"), (ago, "year ago")):
                ours = normalise(kpi.run(conn, stmt, g))
                floor = normalise(run_raw(raw, *compile_floor(build, g, dialect)))
                if ours != floor:
                    mismatched[name] = f"MISMATCH {when}: ours={ours} floor={floor}"
                    print(f"\n!!!!!!!! MISMATCH {name} [{label}, {when}]: ours={ours} floor={floor}\n")

        # 2./3. each statement and its hand-written floor, interleaved run by run
        for name, stmt, build in INDICATORS:
            sql, params = compile_floor(build, f, dialect)
            for _ in range(WARMUPS):
                kpi.run(conn, stmt, f)
                run_raw(raw, sql, params)
            gc.collect()
            ours_t, floor_t = [], []
            for _ in range(runs):
                ours_t.append(timed(lambda stmt=stmt: kpi.run(conn, stmt, f)))
                floor_t.append(timed(lambda sql=sql, params=params: run_raw(raw, sql, params)))
            med, fmed = statistics.median(ours_t), statistics.median(floor_t)
            ratio = med / fmed if fmed > 0 else float("inf")
            note = mismatched.get(name, "")
            rows.append(Row(name, label, med, p95(ours_t), fmed, ratio, ratio <= RATIO_TARGET and not note, note))

        # 1. the whole kpis() call; beside it, run by run, the same figures without the thread
        # pool, and the kpis floor (all 16 hand-written queries in a row on one raw connection)
        floors_all = [compile_floor(build, g, dialect) for g in (f, ago) for _, _, build in INDICATORS]

        def all_floors() -> None:
            for sql, params in floors_all:
                run_raw(raw, sql, params)

        def in_a_row() -> None:
            with engine.connect() as c:
                kpi_values(c, f)
                kpi_values(c, ago)

        for _ in range(WARMUPS):
            k = kpis(engine, f)
            in_a_row()
            all_floors()
        gc.collect()
        kpis_t, row_t, floor_t = [], [], []
        for _ in range(runs):
            kpis_t.append(timed(lambda: kpis(engine, f)))
            row_t.append(timed(in_a_row))
            floor_t.append(timed(all_floors))
    fmed = statistics.median(floor_t)
    med = statistics.median(kpis_t)
    kpis_row = Row("kpis() now+year ago", label, med, p95(kpis_t), fmed, med / fmed, med <= target_ms,
                   f"target ≤ {target_ms:.0f} ms{'; p95 OVER TARGET' if p95(kpis_t) > target_ms else ''}; "
                   "floor = 16 queries in a row")
    med = statistics.median(row_t)
    row_row = Row("  kpi_values() x2 in a row", label, med, p95(row_t), fmed, med / fmed, med <= target_ms,
                  "reference: kpis() without its thread pool")
    now = k.now
    print(f"  {label}: branches {now.active_branches}, members {now.party_members}, teams {now.volunteer_teams}, "
          f"volunteers {now.volunteers}, sites {sum(now.sites_by_type.values())}, activities {now.activities}, "
          f"participants {now.participants}")
    return [kpis_row, row_row, *rows]


def print_table(rows: list[Row]) -> None:
    head = (f"{'indicator':<23} {'filter':<9} {'median ms':>9} {'p95 ms':>8} {'floor ms':>8} {'ratio':>6} "
            f"{'+ms':>6}  status")
    print(head)
    print("-" * len(head))
    for r in rows:
        floor = f"{r.floor:8.2f}" if r.floor is not None else f"{'':8}"
        ratio = f"{r.ratio:6.2f}" if r.ratio is not None else f"{'':6}"
        extra = f"{r.median - r.floor:6.2f}" if r.floor is not None else f"{'':6}"
        status = "OK" if r.ok else "<<< OVER TARGET"
        if r.note.startswith("MISMATCH"):
            status = "<<< MISMATCH"
        note = f"  ({r.note})" if r.note and not r.note.startswith("MISMATCH") else ""
        print(f"{r.indicator:<23} {r.filter:<9} {r.median:9.2f} {r.p95:8.2f} {floor} {ratio} {extra}  {status}{note}")


# -- the filters -------------------------------------------------------------------------------

def biggest_branch(conn, as_of: dt.date) -> tuple[int, str, int]:
    """The 党支部 with the most members in force on the as-of day: (id, name, members)."""
    n = func.count(func.distinct(Membership.person_id)).label("n")
    return conn.execute(
        select(Organisation.id, Organisation.name, n)
        .join(Membership, Membership.org_id == Organisation.id)
        .where(Organisation.level == vocab.BRANCH_LEVEL,
               kpi.in_force(Organisation.founded_on, Organisation.dissolved_on, as_of),
               kpi.in_force(Membership.joined_on, Membership.left_on, as_of))
        .group_by(Organisation.id, Organisation.name)
        .order_by(n.desc(), Organisation.id)
        .limit(1)
    ).one()


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=1, help="demo scale (1 = district, 10 = city)")
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--runs", type=int, default=20, help="timed runs per measurement (after 2 warm-ups)")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF, help=f"demo as-of day (default {AS_OF})")
    ap.add_argument("--reseed", action="store_true", help="rebuild the store even if it matches")
    report.add_option(ap, "indicators")
    args = ap.parse_args(argv)
    if args.scale < 1 or args.runs < 1:
        ap.error("--scale and --runs must be at least 1")
    report.machine_reference()

    rules = DemoRules(as_of=args.as_of, scale=args.scale, seed=DEMO_SEED)
    print(f"bench/indicators.py: --db {args.db} --scale {args.scale} --as-of {args.as_of} --runs {args.runs} "
          f"(python {sys.version.split()[0]}, {os.cpu_count()} cores, load {_load()})")
    store, _ = open_store(args.db, rules, args.reseed)
    if store.dialect == "postgresql":
        pg_vacuum(store)
    try:
        with store.engine.connect() as conn:
            bid, bname, bmembers = biggest_branch(conn, args.as_of)
            filters = [
                ("district", Filter.district(args.as_of)),
                ("street", resolve_filter(conn, streets=[MINGSHUI], as_of=args.as_of)),
                ("branch", resolve_filter(conn, branch=bid, as_of=args.as_of)),
            ]
        fb = filters[2][1]
        print(f"filters: district = 全区; street = 明水街道 {MINGSHUI}; branch = #{bid} {bname} "
              f"({bmembers} members, org_ids {list(fb.org_ids)}, sites of street {fb.branch_street})")
        f0 = filters[0][1]
        print(f"period {f0.start} .. {f0.end}; year ago as of {shift_year(args.as_of)}")
        target = kpis_target_ms(args.scale)
        rows: list[Row] = []
        for label, f in filters:
            rows += bench_filter(store, label, f, args.runs, target)
    finally:
        store.dispose()

    print(f"\nload average at the end: {_load()} (other work on the machine makes every figure noisier)")
    print("ratio = ours / floor (target ≤ 1.5); +ms = ours - floor")
    print_table(rows)
    print()
    summary = {}
    for label, _ in filters:
        mine = [r for r in rows if r.filter == label]
        k, stmts = mine[0], mine[2:]
        over = [r.indicator for r in stmts if r.ratio is not None and r.ratio > RATIO_TARGET]
        bad = [r.indicator for r in stmts if r.note.startswith("MISMATCH")]
        worst = max(stmts, key=lambda r: r.ratio or 0)
        print(f"{label:<9} kpis() median {k.median:.1f} ms, p95 {k.p95:.1f} ms "
              f"(target ≤ {target:.0f} ms: {'OK' if k.ok else 'OVER TARGET'}"
              f"{', p95 OVER TARGET' if k.p95 > target else ''}; floor {k.floor:.1f} ms, "
              f"×{k.ratio:.2f}); statements within {RATIO_TARGET}× floor: {len(stmts) - len(over)}/{len(stmts)}"
              f"{'; OVER TARGET: ' + ', '.join(over) if over else ''} (worst {worst.indicator} ×{worst.ratio:.2f})"
              f"{'; MISMATCH: ' + ', '.join(bad) if bad else ''}")
        summary[label] = {"kpis_median_ms": round(k.median, 2), "kpis_p95_ms": round(k.p95, 2),
                          "kpis_floor_ms": round(k.floor, 2), "kpis_ok": k.ok,
                          "statements_within_ratio": len(stmts) - len(over), "statements": len(stmts),
                          "worst": {"indicator": worst.indicator, "ratio": round(worst.ratio, 2)}, "mismatch": bad}
    report.write("indicators", {
        "db": args.db, "scale": args.scale, "as_of": args.as_of.isoformat(), "runs": args.runs,
        "seed": _seed_log().get(seed_key(args.db, args.scale)), "kpis_target_ms": target, "ratio_target": RATIO_TARGET,
        "summary": summary,
        "rows": [{"indicator": r.indicator.strip(), "filter": r.filter, "median_ms": round(r.median, 3),
                  "p95_ms": round(r.p95, 3), "floor_ms": None if r.floor is None else round(r.floor, 3),
                  "ratio": None if r.ratio is None else round(r.ratio, 3), "ok": r.ok, "note": r.note} for r in rows],
    }, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
