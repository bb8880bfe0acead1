"""docs/benchmarks.json (every figure) and docs/benchmarks.md (the same, for people to read).

A run that measures only some stages (`--only`) keeps the other sections of the previous report
when it was made on the same data set; every run adds a line to the history of scales.
"""

import json
import re
from pathlib import Path

from django.utils import timezone

from orienta.bench.pages import FIRST_VISIT_BUDGET, LATER_VISIT_BUDGET, SCRIPT_BUDGET
from orienta.people.queries import CANDIDATE_POOL

SECTIONS = ("queries", "duplicates", "results", "load", "weight", "browser", "sync")
# Sections that say on which data they were measured: kept whatever the data set of a later
# run, and a run of them alone on another data set leaves the rest of the report as it was.
OWN_DATA = ("sync",)
TARGET_PERSONS = 1_000_000
TARGET_VISITS = 3_000_000
TARGET_USERS = 50
TARGET_P95_MS = 200
TARGET_DUPES_P95_MS = 50
TARGET_CPU_MS = 20  # average worker CPU per request under load
TARGET_RESULTS_MS = 1000  # the country-year results dashboard


def write(results: dict, docs: Path) -> tuple[Path, Path]:
    docs.mkdir(parents=True, exist_ok=True)
    json_path, md_path = docs / "benchmarks.json", docs / "benchmarks.md"
    previous = _read(json_path)
    merged = _merge(previous, results)
    json_path.write_text(json.dumps(merged, indent=1, ensure_ascii=False) + "\n", "utf-8")
    old = md_path.read_text("utf-8") if md_path.exists() else ""
    md_path.write_text(keep_notes(old, render(merged)), "utf-8")
    return md_path, json_path


KEPT = re.compile(r"^<!-- kept -->\n.*?^<!-- /kept -->\n", re.M | re.S)


def keep_notes(old: str, new: str) -> str:
    """`new`, with the notes written by hand in `old` (between `<!-- kept -->` and
    `<!-- /kept -->`, such as a before-and-after of a piece of work) carried over to the end of
    the section (`## ` heading) they were in; at the end of the report if it has gone."""
    for match in KEPT.finditer(old):
        headings = [h for h in re.findall(r"^## .*$", old[: match.start()], re.M)]
        at = len(new)
        if headings and (start := new.find("\n" + headings[-1] + "\n")) >= 0:
            following = re.search(r"^## ", new[start + len(headings[-1]) + 2 :], re.M)
            if following is not None:
                at = start + len(headings[-1]) + 2 + following.start()
        block = match.group(0)
        new = new[:at].rstrip("\n") + "\n\n" + block + ("\n" if at < len(new) else "") + new[at:]
    return new


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _same_data(a: dict, b: dict) -> bool:
    keys = ("persons", "seed", "generated_on")
    return (
        bool(a)
        and all(a.get("dataset", {}).get(k) == b["dataset"].get(k) for k in keys)
        and (a.get("options", {}).get("db") == b["options"].get("db"))
    )


def _merge(previous: dict, results: dict) -> dict:
    measured = {s for s in SECTIONS if s in results}
    if previous and measured and measured <= set(OWN_DATA) and not _same_data(previous, results):
        return previous | {s: results[s] for s in measured}
    merged = dict(results)
    same = _same_data(previous, results)
    for section in SECTIONS:
        if section not in merged and section in previous and (same or section in OWN_DATA):
            merged[section] = previous[section]
    runs = [r for r in previous.get("history", []) if _run_key(r) != _run_key(_run(merged))]
    merged["history"] = sorted(runs + [_run(merged)], key=lambda r: (r["db"], r["persons"]))
    return merged


def _run_key(run: dict) -> tuple:
    return run["db"], run["persons"], run.get("users")


def _run(results: dict) -> dict:
    """One line of the history: the headline figures of a run at one scale."""
    load, dupes = results.get("load", {}), results.get("duplicates", {})
    return {
        "date": timezone.localdate().isoformat(),
        "db": results["options"]["db"],
        "persons": results["dataset"]["persons"],
        "visits": results["dataset"]["visits"],
        "users": load.get("users"),
        "requests_per_second": load.get("requests_per_second"),
        "errors": load.get("errors"),
        "worst_server_p95_ms": _worst(load, "server"),
        "worst_client_p95_ms": _worst(load, "client"),
        "duplicates_p95_ms": dupes.get("site", {}).get("ms", {}).get("p95"),
        "recall": dupes.get("site", {}).get("recall"),
        "generation_rows_per_second": results["generation"]["rows_per_second"],
    }


def _worst(load: dict, side: str) -> float | None:
    values = []
    for row in load.get("operations", {}).values():
        figures = row["server"] if side == "server" else row
        if figures.get("p95") is not None:
            values.append(figures["p95"])
    return max(values, default=None)


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _kb(n: int | None) -> str:
    return "—" if n is None else f"{n / 1024:.1f}"


def _ms(x: float | None) -> str:
    return "—" if x is None else f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(r: dict) -> str:
    sections = (
        _intro, _targets, _setup, _followup, _load, _duplicates, _results, _queries, _weight,
        _browser, _sync, _extrapolation, _history, _reproduce,
    )  # fmt: skip
    stages = {_load: "load", _duplicates: "dupes", _queries: "queries", _weight: "weight",
              _browser: "browser", _results: "results"}  # fmt: skip
    parts = []
    for section in sections:
        text = section(r)
        if text and section in stages:
            text += f"\n\nThis section alone: `{_command(r, stages[section])}`"
        parts.append(text)
    return "\n\n".join(p for p in parts if p) + "\n"


def _command(r: dict, only: str = "") -> str:
    o = r["options"]
    args = f"--persons {o['persons']} --users {o['users']} --seconds {o['seconds']:g} "
    args += f"--db {o['db']}" + (f" --only {only}" if only else "")
    return f'make bench BENCH_ARGS="{args}"'


def _scale(r: dict) -> str:
    d, o = r["dataset"], r["options"]
    return (
        f"{d['persons']:,} persons, {d['visits']:,} visits, {d['sites']} sites on "
        f"{'PostgreSQL' if o['db'] == 'postgres' else 'SQLite'}"
    )


def _at_scale(r: dict) -> bool:
    return r["dataset"]["persons"] >= TARGET_PERSONS and r["options"]["db"] == "postgres"


def _written_on(r: dict) -> str:
    """The date of the run these figures come from (a later run of the sync stage alone keeps
    them, and says its own date in its section)."""
    key = _run_key(_run(r))
    dates = [h["date"] for h in r.get("history", []) if _run_key(h) == key]
    return dates[0] if dates else _run(r)["date"]


def _intro(r: dict) -> str:
    head = (
        "# Benchmarks\n\n"
        f"Written by `python manage.py bench` (`make bench`) on {_written_on(r)}; "
        "the raw figures are in `docs/benchmarks.json`.\n\n"
        f"**Scale actually measured: {_scale(r)}, "
        f"{r.get('load', {}).get('users', '—')} simulated users.** The targets of issue 6 are "
        f"set for {TARGET_PERSONS:,} persons and {TARGET_VISITS:,} visits with {TARGET_USERS} "
        "users on PostgreSQL; "
    )
    if _at_scale(r):
        return head + "this run is at that scale."
    return head + (
        "a figure below is measured at that scale only where it says so, and the section "
        "*Towards 1,000,000 persons* says what is extrapolated."
    )


def _speed(load: dict) -> str:
    """The machine's speed around the run: the CPU of a fixed workload (`calibrate`)."""
    speed = load.get("calibration_ms")
    if not speed:
        return ""
    before, after = speed
    return f"; machine speed: the reference workload took {before} ms before the run, {after} after"


def _speed_sentence(load: dict) -> str:
    speed = load.get("calibration_ms")
    if not speed:
        return ""
    return (
        f"; a fixed pure-Python workload (`orienta/bench/calibrate.py`) took {speed[0]} ms of "
        f"CPU before the run and {speed[1]} ms after: the machine's speed, to compare reports "
        "made on other days"
    )


def _verdict(value, limit, at_scale: bool) -> str:
    if value is None:
        return "not measured"
    if value > limit:
        return "**not met**" if at_scale else "**not met**, even at this smaller scale"
    return "met" if at_scale else "met at this scale; not measured at the target scale"


def _targets(r: dict) -> str:
    rows = []
    weight = r.get("weight", [])
    if weight:
        first = max(weight, key=lambda w: w["first_visit"])
        later = max(weight, key=lambda w: w["later_visit"])
        scripts = max(w["scripts"] for w in weight)
        hosts = sum(len(w["other_hosts"]) for w in weight)
        rows += [
            ["first visit, compressed (HTML + CSS + JS)", f"≤ {_kb(FIRST_VISIT_BUDGET)} KB",
             f"{_kb(first['first_visit'])} KB ({first['page']})",
             _verdict(first["first_visit"], FIRST_VISIT_BUDGET, True)],
            ["of which JavaScript", f"≤ {_kb(SCRIPT_BUDGET)} KB", f"{_kb(scripts)} KB",
             _verdict(scripts, SCRIPT_BUDGET, True)],
            ["later visit, page HTML compressed", f"≤ {_kb(LATER_VISIT_BUDGET)} KB",
             f"{_kb(later['later_visit'])} KB ({later['page']})",
             _verdict(later["later_visit"], LATER_VISIT_BUDGET, True)],
            ["references to other hosts", "0", str(hosts), _verdict(hosts, 0, True)],
        ]  # fmt: skip
    rows += _scale_targets(r)
    if not rows:
        return ""
    return "## Measured against the targets\n\n" + _table(
        ["what", "target", "measured", "verdict"], rows
    )


def _scale_targets(r: dict) -> list[list]:
    d = r["dataset"]
    big = _at_scale(r)
    rows = []
    load = r.get("load")
    if load:
        worst = _worst(load, "server")
        at = big and load["users"] >= TARGET_USERS
        rows.append([
            f"p95 server time, {TARGET_USERS} users, {TARGET_PERSONS:,} persons, PostgreSQL",
            f"≤ {TARGET_P95_MS} ms",
            f"worst page p95 {_ms(worst)} ms (workers), {_ms(_worst(load, 'client'))} ms "
            f"(client, queueing included) — {load['users']} users, {_scale(r)}",
            _verdict(worst, TARGET_P95_MS, at),
        ])  # fmt: skip
        cpu = load.get("worker_cpu_ms_per_request")
        if isinstance(cpu, (int, float)):
            rows.append([
                f"average worker CPU per request, {TARGET_USERS} users",
                f"≤ {TARGET_CPU_MS} ms",
                f"{cpu} ms — {_scale(r)}{_speed(load)}",
                _verdict(cpu, TARGET_CPU_MS, at),
            ])  # fmt: skip
        rows.append(
            ["errors under load", "0", str(load["errors"]), _verdict(load["errors"], 0, True)]
        )
    res = r.get("results")
    if res:
        counted = (res.get("counted_ms") or {"p50": res["first_ms"]})["p50"]
        rows.append([
            f"country-year results dashboard, {TARGET_PERSONS:,} persons",
            f"≤ {TARGET_RESULTS_MS:,} ms",
            f"{_ms(res['ms']['p50'])} ms p50 from kept figures, {_ms(counted)} ms counted from "
            f"the records ({res['country']} {res['period']})",
            _verdict(res["ms"]["p50"], TARGET_RESULTS_MS, big),
        ])  # fmt: skip
    dupes = r.get("duplicates")
    if dupes:
        p95 = dupes["site"]["ms"]["p95"]
        rows.append([
            f"duplicate search p95 over {TARGET_PERSONS:,} persons",
            f"≤ {TARGET_DUPES_P95_MS} ms",
            f"{_ms(p95)} ms in a site's registry, {_ms(dupes['country']['ms']['p95'])} ms in a "
            f"country's — {d['persons']:,} persons",
            _verdict(p95, TARGET_DUPES_P95_MS, big),
        ])  # fmt: skip
    return rows


def _setup(r: dict) -> str:
    m, d, g = r["machine"], r["dataset"], r["generation"]
    rows = [
        ["machine", f"{m['cpus']} CPUs, {m['memory_gb']} GB, shared with other work: load "
                    f"average {m['load_average_start'][0]} at the start, "
                    f"{m.get('load_average_end', ['—'])[0]} at the end"],
        ["software", f"Python {m['python']}, Django {m['django']}, {m['database']}"],
        ["data set", f"{d['persons']:,} persons in {d['households']:,} households, "
                     f"{d['visits']:,} visits ({d['anonymous_visits']:,} anonymous) over "
                     f"{d['years']} years{_since(d)}, {d['match_keys']:,} match keys, "
                     f"{d['sites']} sites, "
                     f"{d['true_pairs']:,} true duplicate pairs (seed {d['seed']}, generated "
                     f"{d['generated_on']})"],
        ["follow-up layer", _followup_counts(d)],
        ["generation", f"{g['seconds']:,} s, {sum(g['rows'].values()):,} rows, "
                       f"{g['rows_per_second']:,} rows/s "
                       f"({d['persons'] / max(g['seconds'], 1e-9):,.0f} persons/s)"
                       f"{_followup_time(g)}"],
        ["whole run", f"{r['seconds']:,} s (migrate, generate if needed, measure, report)"],
    ]  # fmt: skip
    return "## Set-up\n\n" + _table(["", ""], rows)


FOLLOWUP_LABELS = {
    "directory.Service": "services",
    "directory.Permanence": "permanences",
    "cases.Case": "cases",
    "cases.CaseAction": "actions",
    "cases.FollowUp": "follow-ups",
    "cases.CaseEvent": "case timeline entries",
    "referrals.Referral": "referrals",
    "referrals.ReferralEvent": "referral events",
    "fund.FundRequest": "fund requests",
    "fund.Payment": "payments",
    "fund.LedgerEntry": "ledger entries",
}


def _followup_counts(d: dict) -> str:
    counts = d.get("followup") or {}
    if not counts:
        return "—"
    return ", ".join(f"{counts.get(k, 0):,} {label}" for k, label in FOLLOWUP_LABELS.items())


def _followup_time(g: dict) -> str:
    seconds = g.get("followup_seconds")
    return "" if seconds is None else f"; of which the follow-up layer {seconds:,} s"


def _followup(r: dict) -> str:
    d, g = r["dataset"], r["generation"]
    counts = d.get("followup") or {}
    if not counts:
        return ""
    cases, referrals = counts.get("cases.Case", 0), counts.get("referrals.Referral", 0)
    return (
        "## The follow-up layer\n\n"
        "Besides the registry and visits, the generator writes the follow-up work of every "
        "site: each country's directory (the partners' services with their fees in the "
        "country currency, opening hours, and one to three weekly permanences at each site) "
        "and support fund (rules, quarterly periods), written once through the apps' "
        "services; then, in bulk like the registry, cases for about 60% of the persons whose "
        "visit ended in *case* (needs = the visit's themes, a few percent sensitive, about "
        "30% closed with a reason, the rest in progress or, for the newest, still open; 1 to "
        "3 actions each, some overdue, some due today, most done; contacts made and planned; "
        "the timeline of each), referrals from cases and from visits ending in *oriented* "
        "to services of the country, each with an event for every transition, and fund "
        "requests for about 10% of the referrals, to services that charge, with their "
        "approvals, rejections, payments and reversals, and the ledger entries of each step "
        "under quarterly allocations that cover them (balances are the sums of the entries "
        "and never negative). Codes come from the per-site counters, as the services make "
        f"them. Here: {cases:,} cases and {referrals:,} referrals for {d['persons']:,} "
        f"persons, in {g.get('followup_seconds', '—')} s of the {g['seconds']:,} s of "
        "generation."
    )


def _since(d: dict) -> str:
    recorded = d.get("visits_recorded_by_load_runs", 0)
    return f" (and {recorded:,} recorded since by earlier load tests)" if recorded else ""


def _load(r: dict) -> str:
    load = r.get("load")
    if not load:
        return ""
    rows = [
        [op, row["requests"], row["errors"], _ms(row["server"]["p50"]), _ms(row["server"]["p95"]),
         _ms(row["server"]["p99"]), _ms(row["p50"]), _ms(row["p95"]), _ms(row["p99"])]
        for op, row in load["operations"].items()
    ]  # fmt: skip
    return (
        f"## Server under load\n\n{load['users']} simulated users, each signed in with their "
        f"own session (and the agents with their own API token), for {load['seconds']} s "
        "against gunicorn "
        f"({load['workers']} sync workers) on 127.0.0.1: {load['requests']:,} requests, "
        f"**{load['requests_per_second']} requests/s, {load['errors']} errors**; the workers "
        f"used {load.get('worker_cpu_ms_per_request', '—')} ms of CPU per request on average "
        "(user + system, whatever else the machine was doing)"
        f"{_speed_sentence(load)}. Each user "
        "loops over their operations in random order with no pause (a closed loop: the "
        "server at saturation, not a typical morning): one user in five is a site manager "
        "(signed in with their second factor) who opens the manager's worklist and the "
        "fund's approval queue; the others are agents who run the registry's eight "
        "operations and the follow-up work's ten. *Workers* is the time gunicorn's worker "
        "spent on the request (access log `%(D)s`); *client* adds the wait for a free worker "
        "and the load client's own share of the same two CPUs.\n\n"
        + _table(
            [
                "operation",
                "requests",
                "errors",
                "workers p50 ms",
                "p95",
                "p99",
                "client p50 ms",
                "p95",
                "p99",
            ],
            rows,
        )  # fmt: skip
        + "\n\nOperations: `login_page` GET /login/ signed out; `day` GET /day/; `search` GET "
        "/people/?q=<the site's commonest family name>; `person` GET /people/<id>/; "
        "`register_form` GET /people/new/; `visit_post` POST /visits/new/?person=<id> (302); "
        "`api_search` GET /api/v1/persons?q=<family name>; `api_match` POST "
        "/api/v1/persons/match; `worklist` GET /worklist/ (an agent); `case` GET "
        "/cases/<id>/; `referrals` GET /referrals/; `referral` GET /referrals/<id>/; "
        "`directory` GET /directory/?q=<a word of a service name>; `fund_requests` GET /fund/ "
        "(the site's requests); `api_cases`, `api_referrals`, `api_fund_requests`, "
        "`api_hsds_services` GET /api/v1/cases, /api/v1/referrals, /api/v1/fund/requests, "
        "/api/v1/hsds/services (first page); `manager_worklist` GET /worklist/ and "
        "`fund_queue` GET /fund/queue/ (a manager)."
    )


def _duplicates(r: dict) -> str:
    dupes = r.get("duplicates")
    if not dupes:
        return ""
    rows = []
    for label, key in (("a site (agent)", "site"), ("a country (coordinator)", "country")):
        s = dupes[key]
        rows.append([label, s["queries"], _ms(s["ms"]["p50"]), _ms(s["ms"]["p95"]),
                     _ms(s["ms"]["p99"]), s["recall"], s["ranked_first"], s["precision"],
                     s["candidates_per_query"]])  # fmt: skip
    missed = dupes["site"]["missed_examples"]
    missed_text = (
        "Missed (site scope): "
        + "; ".join(
            f"{m['original']} / {m['duplicate']} ({', '.join(m['changes'])})" for m in missed
        )
        if missed
        else "No second record was missed in the sample."
    )
    return (
        "## Duplicate matching\n\n"
        f"`person_candidates` (what the registration form and `POST /api/v1/persons/match` call) "
        f"for a sample of the {dupes['pairs_in_truth']:,} second records the generator made "
        "(1 to 3 of the perturbations of `labelled_pairs.py`: accents, case, spelling variants, "
        "swapped names, typos, dates, phone formats, other names), looked up with the record "
        "itself left out. *Recall*: the first record is among the candidates; *precision*: "
        "share of the candidates shown that are the first record — every other candidate is a "
        "different person by construction, though the small name pools of the generator make "
        "namesakes commoner than in life. A lookup shows at most ten candidates: when a second "
        "record has lost its birth date and its site holds ten persons or more of exactly the "
        "same name, the first record ties with them and can fall outside the ten — the agent "
        "needs a birth date or a phone to tell them apart.\n\n"
        + _table(
            [
                "registry searched",
                "lookups",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "recall",
                "ranked first",
                "precision",
                "candidates per lookup",
            ],
            rows,
        )  # fmt: skip
        + f"\n\n{missed_text}"
    )


def _results(r: dict) -> str:
    res = r.get("results")
    if not res:
        return ""
    ms = res["ms"]
    counted = res.get("counted_ms") or {"p50": res["first_ms"]}
    task = (
        f"\n\nThe scheduled task that counts the most opened dashboards ahead (every country's "
        f"and the programme's, for the current year, the current quarter and the one before) "
        f"took {res['task_s']:,} s ({res['task']}). Figures are kept "
        f"{res['kept_seconds'] // 60} minutes and the task runs every 15."
        if "task_s" in res
        else ""
    )
    return (
        "## Results dashboard\n\n"
        f"The dashboard of {res['country']} for {res['period']} as its coordinator opens it "
        "(`/results/?period=…`, called in-process past the sign-in middleware): the total of "
        "every indicator, the monthly trend of persons welcomed and its splits by sex, age "
        "band and disability, rendered; counted from the records (as when its kept figures "
        "have expired), then as people open it, from the kept figures. Target: within 1 s on "
        "the 1,000,000-person set.\n\n"
        + _table(
            [
                "persons welcomed",
                "visits",
                "counted ms",
                "queries",
                "kept p50 ms",
                "kept max ms",
                "queries",
                "persons welcomed alone ms",
            ],
            [
                [
                    f"{res['persons_welcomed']:,}",
                    f"{res['visits']:,}",
                    _ms(counted["p50"]),
                    res.get("counted_queries", res["queries"]),
                    _ms(ms["p50"]),
                    _ms(ms["max"]),
                    res["queries"],
                    _ms(res["persons_welcomed_ms"]),
                ]
            ],
        )  # fmt: skip
        + task
    )


def _queries(r: dict) -> str:
    rows_in = r.get("queries")
    if not rows_in:
        return ""
    rows = [
        [q["page"], q["small"]["list"], q["small"]["queries"], q["large"]["list"],
         q["large"]["queries"], "yes" if q["constant"] else "**no**"]
        for q in rows_in
    ]  # fmt: skip
    return (
        "## Database queries per page\n\n"
        "Django's test client in-process on the bench database, one agent signed in, counting "
        "every query of the request (session, user, audit log included), on a short and a long "
        "list: the long day and person page have 60 more visits, added for the count in a "
        "transaction rolled back afterwards. Both sizes are counted inside such a transaction, "
        "where the BEGIN and COMMIT around a real request's audit-log write do not show (two "
        "statements more on the pages that log a read). The follow-up pages are counted "
        "between two real rows of the generated set, each opened by a user who may see it "
        "(managers past their second factor): the agent with the fewest planned actions and "
        "the one with the most, the site with the fewest referrals (open cases, requests "
        "waiting) and the one with the most, the case in progress and the referral with the "
        "shortest timeline and the longest; the API lists at pages of 5 and 50.\n\n"
        + _table(["page", "short list", "queries", "long list", "queries", "constant"], rows)
    )


def _weight(r: dict) -> str:
    weight = r.get("weight")
    if not weight:
        return ""
    rows = [
        [w["page"], _kb(w["first_visit"]), _kb(w["scripts"]), _kb(w["later_visit"]),
         f"{w['header_bytes_first_visit']:,} / {w['header_bytes_later_visit']:,}",
         len(w["other_hosts"])]
        for w in weight
    ]  # fmt: skip
    return (
        "## Bytes on the wire\n\n"
        "Bodies as gunicorn sent them, gzip-compressed (`Accept-Encoding: gzip`). A first visit "
        "loads the HTML and every asset it references (stylesheet, script; icons are inline "
        "`data:` URLs, there are no images or fonts); a later visit has the assets cached and "
        "loads the HTML only (pages are `no-store`). Response headers are counted apart "
        "(security headers, CSP and cookies: about a kilobyte per response). Django pads "
        "compressed responses with up to 100 random bytes (BREACH mitigation), so sizes vary "
        "by that much from run to run. The pages are an agent's (the first user of the load), "
        "and the manager's worklist and fund queue as the manager of the same site.\n\n"
        + _table(
            [
                "page",
                "first visit KB",
                "of which JS KB",
                "later visit KB",
                "header bytes first / later",
                "other hosts",
            ],
            rows,
        )  # fmt: skip
    )


def _browser(r: dict) -> str:
    rows_in = r.get("browser")
    if not rows_in:
        return ""
    rows = [
        [b["page"], b["first"]["visible_s"], b["first"]["load_s"], _kb(b["first"]["bytes"]),
         b["later"]["visible_s"], b["later"]["load_s"], _kb(b["later"]["bytes"])]
        for b in rows_in
    ]  # fmt: skip
    return (
        "## A slow link, in a browser\n\n"
        "Chromium (Playwright) at 360×640, DevTools network emulation: 400 ms latency, "
        "400 kbit/s (50,000 bytes/s) down and up. Seconds from the start of navigation (the "
        "browser's own timings, median of 3): *drawn* is the first contentful paint — the page "
        "with its search box (the username field on the login page, the name on the person "
        "page) — and *load* the end of the `load` event. First visit: cache disabled; later "
        "visit: cache enabled, assets cached. The emulation adds latency per request on a "
        "loopback connection; a real 2G link adds TCP and TLS handshakes on top.\n\n"
        + _table(
            [
                "page",
                "first: drawn s",
                "first: load s",
                "first: KB",
                "later: drawn s",
                "later: load s",
                "later: KB",
            ],
            rows,
        )  # fmt: skip
    )


def _met(value, limit, *, at_least: bool = False) -> str:
    if value is None:
        return "not measured"
    ok = value >= limit if at_least else value <= limit
    return "met" if ok else "**missed**"


def _p1(row: dict) -> str:
    """Protocol 1's bytes per record, push / pull (absent from runs before protocol 2)."""
    if "push_bytes_p1" not in row:
        return "—"
    return f"{row['push_bytes_p1']} / {row['pull_bytes_p1']}"


def _sync(r: dict) -> str:
    s = r.get("sync")
    if not s:
        return ""
    t, d, w = s["targets"], s["dataset"], s["wire"]
    first, push = s["first_sync"], s["throughput"]
    rtt_ms = round(t["link_rtt_seconds"] * 1000)
    kbit = t["link_bits_per_second"] // 1000
    big = first["persons"] >= t["site_persons"]
    first_row = (
        f"{first['persons']:,} persons ({first['site']}): {first['changes']:,} changes, "
        f"{first['bytes'] / 1e6:.1f} MB in {first['round_trips']} round trips; "
        f"{first['seconds']:,.0f} s here; {first['link_seconds'] / 60:,.1f} min at {kbit} kbit/s"
    )
    if not big:
        first_row += (
            f" — *extrapolated* to {t['site_persons']:,} persons in proportion: "
            f"{first['link_seconds_at_target'] / 60:,.0f} min"
        )
    rows = [
        ["bytes per record, full rows, batches of 50+", f"≤ {t['full_bytes']}",
         f"{w['full_worst']} (worst of persons, visits, cases and mixed; push and pull)",
         _met(w["full_worst"], t["full_bytes"])],
        ["bytes per record, updates, batches of 50+", f"≤ {t['update_bytes']}",
         f"{w['updates_worst']} (worst of push and pull)",
         _met(w["updates_worst"], t["update_bytes"])],
        ["round trips of a sync with nothing to do", str(t["idle_round_trips"]),
         str(first["idle_round_trips"]),
         _met(first["idle_round_trips"], t["idle_round_trips"])],
        [f"changes applied per hour, {push['nodes']} nodes pushing at once, "
         f"{push['workers']} workers, {d['cpus']} cores",
         f"≥ {t['changes_per_hour']:,}", f"{push['changes_per_hour']:,}",
         _met(push["changes_per_hour"], t["changes_per_hour"], at_least=True)],
        [f"first sync of a {t['site_persons']:,}-person site", "practical on a slow link",
         first_row, "measured (see below)" if big else "measured at a smaller site"],
        ["seeding a node from a signed snapshot file", "or this",
         "exists" if s["snapshot"] else "not built", "—"],
    ]  # fmt: skip
    wire_rows = []
    for label, found in w["full"].items():
        for row in found:
            if row["batches"]:
                wire_rows.append([f"{label} (full rows)", row["batch"], row["batches"],
                                  row["push_bytes"], row["pull_bytes"], _p1(row)])  # fmt: skip
    for row in w["updates"]:
        if row["batches"]:
            wire_rows.append(["updates", row["batch"], row["batches"], row["push_bytes"],
                              row["pull_bytes"], _p1(row)])  # fmt: skip
    kinds = ", ".join(f"{n} {label}" for label, n in w["update_changes"].items())
    text = (
        "## Sync\n\n"
        f"Measured on {d['date']} on {d['persons']:,} generated persons, {d['visits']:,} "
        f"visits, {d['sites']} sites ({d['database']}, {d['cpus']} cores, load average at the "
        f"end {d['load_average']}); SYNC.md §9's targets. Verdicts are plain: *missed* means "
        "the figure measured does not reach the target.\n\n"
        + _table(["what", "target", "measured", "verdict"], rows)
        + "\n\n### Bytes per record on the wire\n\n"
        f"Journal entries of the first {w['sample']} persons, visits and cases of "
        f"{w['site']} (the generator's rows, journaled as `backfill` journals them for a "
        "first pull; *mixed* interleaves the three), and the updates journaled by real edits "
        f"through the services ({kinds}: a person's locality, a case's risk; fields "
        f"{', '.join(w['update_fields'])}), in a transaction then rolled back. Each batch is "
        "a whole message — a node's push (`client`) and the central server's pull answer "
        "(`exchange`) — as protocol 2 writes it (the changes that share a model and their "
        "field names in columns, UUIDs in base64, counters as differences: `wire.pack`), "
        "compressed by `wire.compress` (JSON, zstd level 6); bytes divided by the changes it "
        "carries. The last column gives the same messages as protocol 1 wrote them (one "
        "object per change), which a node of an earlier version still speaks.\n\n"
        + _table(
            [
                "changes",
                "batch",
                "batches",
                "push B/record",
                "pull B/record",
                "protocol 1: push / pull",
            ],
            wire_rows,
        )  # fmt: skip
        + "\n\n### A node's first sync, and an idle sync\n\n"
        f"A node (Orienta on SQLite, `ORIENTA_NODE=1`, its own process) enrolled to the "
        f"central server (gunicorn, {push['workers']} workers, PostgreSQL) for the busiest "
        f"site, {first['site']} ({first['persons']:,} persons), synced from empty: "
        f"{first['changes']:,} changes pulled ({first['quarantined']} quarantined), "
        f"{first['bytes']:,} bytes of answers ({first['bytes_per_change']} per change) in "
        f"{first['round_trips']} round trips ({first['errors']} errors), "
        f"{first['seconds']:,.1f} s here (the workers' share: {first['server_seconds']:,.1f} "
        "s; the round trips include the integrity check a first sync makes, then every six "
        f"hours); the node's database is then {first['node_database_bytes'] / 1e6:.0f} MB. On a "
        f"{kbit} kbit/s link with {rtt_ms} ms round trips (2G): bytes × 8 / {kbit},000 + "
        f"round trips × {rtt_ms / 1000:g} s = **{first['link_seconds'] / 60:,.1f} min**"
        + (
            ""
            if big
            else f"; in proportion, a {t['site_persons']:,}-person site would take about "
            f"{first['link_seconds_at_target'] / 60:,.0f} min (*extrapolated*, not measured)"
        )
        + ". Before the first node, the central server journaled the generated records "
        f"(`backfill.journal_missing`, run by `sync_node_create`): "
        f"{s['journal']['written']:,} rows in {s['journal']['seconds']:,.0f} s. The same "
        f"node synced again with nothing to do: {first['idle_round_trips']} round trip(s), "
        f"{first['idle_bytes']} bytes, {first['idle_seconds']} s. "
        + (
            "A signed snapshot file to seed a node exists."
            if s["snapshot"]
            else "Seeding a node from a signed snapshot file (SYNC.md §9) is not built."
        )
        + "\n\n### Many nodes pushing at once\n\n"
        f"{push['nodes']} nodes enrolled over {push['sites']} sites, each pushing "
        f"{push['batches_per_node']} batches of {push['batch_size']} changes (two new visits "
        "of the site's persons — the generator's visits' values, new ids — for each edit of a "
        "person's locality), one round trip after the other with its own cursor, all nodes at "
        f"once: {push['changes_sent']:,} changes sent, {push['applied']:,} applied or merged, "
        f"{push['refused']} refused, {push['errors']} errors, {push['pulled']:,} pulled back "
        f"by the nodes, in {push['seconds']} s: **{push['changes_per_hour']:,} changes per "
        f"hour**, {push['worker_cpu_ms_per_change']} ms of worker CPU per change (the pushing "
        "clients share the same two cores). The journal's sequence counter is locked from a "
        "batch's first applied change until the batch commits (numbers become visible in "
        "order), so the central server applies one batch at a time whatever the number of "
        "workers; PostgreSQL's own time per change comes on top of the workers' CPU."
        f"\n\nThis section alone: `{d['command']}`"
    )
    return text


def _extrapolation(r: dict) -> str:
    d, g = r["dataset"], r["generation"]
    rows_per_person = sum(g["rows"].values()) / max(d["persons"], 1)
    hours = TARGET_PERSONS * rows_per_person / max(g["rows_per_second"], 1) / 3600
    if _at_scale(r):
        return (
            f"## At {TARGET_PERSONS:,} persons\n\n"
            f"Generating this data set took {g['seconds'] / 60:.0f} min "
            f"({g['rows_per_second']:,} rows/s, {rows_per_person:.1f} rows per person, on the "
            "two cores with PostgreSQL). `docs/scale.md` reads these figures: what holds at "
            "this scale, what does not, and what would."
        )
    return (
        "## Towards 1,000,000 persons\n\n"
        f"*Extrapolated, not measured:* generating {TARGET_PERSONS:,} persons at the rate "
        f"measured here ({g['rows_per_second']:,} rows/s, {rows_per_person:.1f} rows per "
        f"person) would take about {hours:.1f} h; index maintenance grows with the tables, so "
        "take it as a lower bound.\n\n"
        "Page times are not extrapolated: they depend on query plans, which change with the "
        "size of the tables. What the code bounds: lists are paginated (search, API) or limited "
        "to one day (the day page); a person page reads one person's visits; the duplicate "
        f"search scores at most {CANDIDATE_POOL} candidates (`CANDIDATE_POOL`). What grows with "
        "the registry: the match keys shared by common names within the user's scope (the "
        "duplicate search weighs them per person before taking the first "
        f"{CANDIDATE_POOL}), the count behind the search's "
        "pagination, and the `icontains` name filter of the search, which no index serves. "
        "The follow-up lists (worklist, cases, referrals, fund requests and queue) grow with "
        "a site's open work rather than with the registry. The history below shows how the "
        "figures moved between the scales actually run."
    )


def _history(r: dict) -> str:
    rows = [
        [h["date"], h["db"], f"{h['persons']:,}", f"{h['visits']:,}", h["users"] or "—",
         h["requests_per_second"] or "—", _ms(h["worst_server_p95_ms"]),
         _ms(h["worst_client_p95_ms"]), _ms(h["duplicates_p95_ms"]), h["recall"] or "—",
         f"{h['generation_rows_per_second']:,}"]
        for h in r["history"]
    ]  # fmt: skip
    return "## Runs at each scale\n\n" + _table(
        ["date", "database", "persons", "visits", "users", "requests/s", "worst p95 workers ms",
         "worst p95 client ms", "duplicates p95 ms", "recall", "generation rows/s"],
        rows,
    )  # fmt: skip


def _reproduce(r: dict) -> str:
    o = r["options"]
    return (
        "## Reproduce\n\n"
        "From a fresh clone, after `make test` has set up the virtualenv:\n\n"
        "```sh\n"
        f"{_command(r)}   # everything, this report\n"
        f"{_command(r, 'load')}   # one section: queries, dupes, load, weight or browser\n"
        'make test ARGS="orienta/bench"   # the byte budgets and the generator\'s rules\n'
        "export DATABASE_URL=sqlite:///$PWD/var/bench/bench.sqlite3 SECRET_KEY=x ORIENTA_DEMO=0\n"
        ".venv/bin/python manage.py migrate && .venv/bin/python manage.py generate "
        f"--persons {o['persons']} --seed {o['seed']}   # the data set alone (empty database)\n"
        "```\n\n"
        "PostgreSQL is the server on 127.0.0.1:5432 (user postgres) unless `BENCH_DATABASE_URL` "
        "says otherwise; the bench database is created if missing and emptied when it holds "
        "another generation (only a database whose name contains *bench*). Generated accounts: "
        "`agent-<site>-1..3`, `manager-<site>`, `coordinator-<country>`, password "
        "`orienta-bench`; managers and coordinators sign in with the authenticator secret "
        "`TOTP_SECRET` of `orienta/bench/network.py`; the ground truth is in "
        "`var/bench/<database>.json`."
    )
