"""The follow-up work of one site, planned from its visits and written in bulk: cases (with
their needs, action plans, contacts and timeline), referrals to the country's services (with
an event for each transition), and support-fund requests with their payments and ledger.

What is written is what the services would have written, step by step, at the times drawn:
case codes from the site's counter (`CaseSettings.case_seq`), request codes from the account's
(`Account.request_seq`), referral references unique, statuses reached only by the transitions
the services allow, and for every request the ledger entries of its path (commitment at
approval, payment, release, reversal) under allocations that cover them, so that a site's
position is the sum of its entries and never negative.

Deterministic for a seed and a clock (`now`): which paths are still possible depends on the
time (a referral still within its answer time, a case opened in the last days), so two runs
the same day at different hours differ in a few rows.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from orienta.bench.country_layer import CountryLayer, ServiceInfo
from orienta.bench.population import SitePopulation
from orienta.bench.visits import SiteVisits
from orienta.cases.models import (
    ActionStatus,
    Case,
    CaseAction,
    CaseEvent,
    CaseSettings,
    ClosureReason,
    ContactKind,
    EventKind,
    FollowUp,
    FollowUpStatus,
)
from orienta.cases.models import Status as CaseStatus
from orienta.core.access import is_agent, is_site_manager
from orienta.demo.build import SiteRun
from orienta.fund import money
from orienta.fund.models import (
    Account,
    FundRequest,
    Kind,
    LedgerEntry,
    Level,
    Method,
    Payment,
)
from orienta.fund.models import Status as FundStatus
from orienta.lib.ids import uuid7
from orienta.referrals.models import CODE_ALPHABET, Actor, Referral, ReferralEvent, SharedField
from orienta.referrals.models import Status as RefStatus

CaseNeed = Case.needs.through

# Shares, drawn per person / case / referral.
CASE_SHARE = 0.6  # persons with a visit whose outcome was "case" who have a case opened
SENSITIVE_THEMES = {"gbv", "child_protection"}
SENSITIVE_SHARE = {True: 0.15, False: 0.01}  # by whether a need is violence / child protection
CLOSED_SHARE = 0.3
NEW_CASE_DAYS = 10  # a case this recent may have no plan yet (still "open")
UNPLANNED_SHARE = 0.05  # older cases left without a plan (open, flagged for lack of contact)
CASE_REFERRAL_SHARE = 0.55
VISIT_REFERRAL_SHARE = 0.12  # of visits of registered persons whose outcome was "oriented"
FUND_SHARE = 0.1  # of referrals to a service that charges
CLOSURE_REASONS = {
    ClosureReason.NEEDS_MET: 55,
    ClosureReason.REFERRED_ELSEWHERE: 12,
    ClosureReason.LOST_CONTACT: 15,
    ClosureReason.MOVED: 8,
    ClosureReason.REFUSED: 6,
    ClosureReason.DECEASED: 1,
    ClosureReason.OTHER: 3,
}
RISKS = {"low": 50, "medium": 35, "high": 15}
# An open case's actions: done, overdue, due today, later, cancelled.
ACTION_STATES = {"done": 62, "overdue": 12, "today": 6, "later": 16, "cancelled": 4}
# Referral paths: the statuses after "sent", still within the answer time, or past it.
RECENT_PATHS = {
    (): 40,
    ("accepted",): 25,
    ("served",): 8,
    ("accepted", "served"): 10,
    ("declined",): 8,
    ("cancelled",): 9,
}
OLD_PATHS = {
    ("accepted", "served"): 35,
    ("served",): 12,
    ("accepted", "not_served"): 6,
    ("declined",): 10,
    ("expired",): 14,
    ("expired", "served"): 4,
    ("accepted",): 6,
    ("cancelled",): 5,
    ("accepted", "cancelled"): 3,
    ("expired", "not_served"): 2,
}
VERBS = {
    "accepted": "accept",
    "declined": "decline",
    "served": "serve",
    "not_served": "not_served",
    "cancelled": "cancel",
    "expired": "expire",
}
ANSWERED = {"accepted", "declined", "served", "not_served"}
# Fund request paths, recent (a few days) or older.
RECENT_REQUESTS = {"requested": 55, "approved": 25, "paid": 12, "rejected": 5, "cancelled": 3}
OLD_REQUESTS = {
    "paid": 68,
    "rejected": 10,
    "approved": 6,
    "requested": 3,
    "cancelled": 3,
    "released": 4,
    "reversed": 3,
    "paid_late": 3,
}
TEXTS = {
    "fr": {
        "actions": (
            "Accompagner la personne au service",
            "Rassembler les pièces du dossier",
            "Appeler la famille",
            "Vérifier l’inscription",
            "Prendre rendez-vous",
        ),
        "followups": (
            "La personne a fait la démarche.",
            "Pas encore de réponse du service.",
            "Situation stable, à revoir.",
            "",
        ),
        "referral": "Orientation pour {}.",
        "declined": "Hors de notre zone ou pièces manquantes.",
        "fund": "Ne peut pas payer les frais.",
        "rejected": "Critères non remplis.",
        "closed": "Autre suite donnée.",
    },
    "pt": {
        "actions": (
            "Acompanhar a pessoa ao serviço",
            "Reunir os documentos do processo",
            "Telefonar à família",
            "Verificar a inscrição",
            "Marcar uma consulta",
        ),
        "followups": (
            "A pessoa tratou do assunto.",
            "Ainda sem resposta do serviço.",
            "Situação estável, a rever.",
            "",
        ),
        "referral": "Encaminhamento para {}.",
        "declined": "Fora da nossa zona ou documentos em falta.",
        "fund": "Não pode pagar a taxa.",
        "rejected": "Critérios não cumpridos.",
        "closed": "Outro seguimento.",
    },
}


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random() if end > start else start


def _row(at: datetime, by, **fields) -> dict:
    return {
        "id": uuid7(),
        "created_at": at,
        "updated_at": at,
        "created_by_id": by,
        "updated_by_id": by,
    } | fields


@dataclass
class Rows:
    """Everything one site's follow-up writes, model by model, in insertion order."""

    by_model: dict = field(default_factory=lambda: defaultdict(list))

    def add(self, model, row: dict) -> dict:
        self.by_model[model].append(row)
        return row


@dataclass
class SiteFollowUp:
    run: SiteRun
    layer: CountryLayer
    now: datetime
    today: date
    texts: dict
    agents: list
    manager: object
    codes: set[str]  # referral references given so far, all sites
    rows: Rows = field(default_factory=Rows)
    households: dict = field(default_factory=dict)  # person id -> household id
    shares: dict = field(default_factory=dict)  # person id -> may be shared with partners
    themes: dict = field(default_factory=lambda: defaultdict(list))  # visit id -> theme codes
    referrals: list = field(default_factory=list)

    @property
    def rng(self) -> random.Random:
        return self.run.rng

    def local(self, at: datetime) -> date:
        return at.astimezone(self.run.tz).date()


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


def _case_visits(visits: SiteVisits, rng: random.Random) -> list[dict]:
    """The first visit with outcome "case" of a share of the persons who had one."""
    firsts: dict = {}
    for visit in sorted(visits.visits, key=lambda v: v["occurred_at"]):
        if visit["outcome"] == "case" and visit["person_id"] and visit["person_id"] not in firsts:
            firsts[visit["person_id"]] = visit
    return [v for v in firsts.values() if rng.random() < CASE_SHARE]


def _case_event(f: SiteFollowUp, case: dict, event: str, at: datetime, actor, text="", **data):
    f.rows.add(
        CaseEvent,
        {
            "id": uuid7(),
            "site_id": case["site_id"],
            "case_id": case["id"],
            "at": at,
            "actor_id": actor,
            "kind": event,
            "text": text,
            "data": data,
        },
    )


def _open_case(f: SiteFollowUp, visit: dict, number: int) -> dict:
    rng, needs = f.rng, f.themes[visit["id"]]
    sensitive = rng.random() < SENSITIVE_SHARE[bool(SENSITIVE_THEMES & set(needs))]
    opened = visit["occurred_at"] + timedelta(minutes=rng.randint(5, 40))
    opened = min(opened, f.now - timedelta(minutes=1))
    by = visit["agent_id"]
    responsible = by if by in f.agents else rng.choice(f.agents)
    case = _row(
        opened,
        by,
        site_id=f.run.site.pk,
        code=f"{f.run.site.code}-C-{number:06d}",
        person_id=visit["person_id"],
        household_id=f.households.get(visit["person_id"]),
        visit_id=visit["id"],
        responsible_id=responsible,
        risk="high" if sensitive and rng.random() < 0.5 else _weighted(rng, RISKS),
        assessment="",
        sensitive=sensitive,
        status=CaseStatus.OPEN,
        closure_reason="",
        closed_at=None,
        opened_at=opened,
        last_contact_at=visit["occurred_at"],
        anonymised_at=None,
        version=1,
    )
    f.rows.add(Case, case)
    for theme in needs:
        f.rows.add(CaseNeed, {"case_id": case["id"], "theme_id": theme})
    _case_event(f, case, EventKind.OPENED, opened, by, visit=str(visit["id"]))
    return case


def _touch(case: dict, at: datetime, by) -> None:
    case["version"] += 1
    if at > case["updated_at"]:
        case["updated_at"], case["updated_by_id"] = at, by


def _start(f: SiteFollowUp, case: dict, at: datetime) -> None:
    if case["status"] == CaseStatus.OPEN:
        case["status"] = CaseStatus.IN_PROGRESS
        _touch(case, at, case["responsible_id"])
        _case_event(f, case, EventKind.STARTED, at, case["responsible_id"])


def _action_state(f: SiteFollowUp, closing: datetime | None) -> str:
    if closing is not None:
        return "cancelled" if f.rng.random() < 0.1 else "done"
    return _weighted(f.rng, ACTION_STATES)


def _due_on(f: SiteFollowUp, state: str, planned: datetime) -> date:
    rng, day = f.rng, f.local(planned)
    if state == "today":
        return f.today
    if state == "overdue":
        return max(day, f.today - timedelta(days=rng.randint(1, 30)))
    if state == "later":
        return f.today + timedelta(days=rng.randint(1, 30))
    return day + timedelta(days=rng.randint(1, 21))


def add_action(
    f: SiteFollowUp,
    case: dict,
    what: str,
    at: datetime,
    state: str,
    by,
    until: datetime | None = None,
    due: date | None = None,
) -> dict:
    """An action planned at `at` (the case moves to "in progress"), then done or cancelled
    before `until`."""
    responsible = case["responsible_id"]
    due = due or _due_on(f, state, at)
    if state == "overdue" and due >= f.today:
        state = "today" if due == f.today else "later"
    action = _row(
        at,
        by,
        site_id=case["site_id"],
        case_id=case["id"],
        what=what,
        assignee_id=responsible,
        due_on=due,
        status=ActionStatus.PLANNED,
        done_at=None,
        version=1,
    )
    f.rows.add(CaseAction, action)
    _start(f, case, at)
    _case_event(
        f, case, EventKind.ACTION_ADDED, at, by, what, action=str(action["id"]), due_on=str(due)
    )
    if state in ("done", "cancelled"):
        end = min(
            f.now, until or f.now, datetime.combine(due, datetime.min.time(), tzinfo=f.run.tz)
        )
        when = _between(f.rng, at, max(at, end))
        action["status"] = ActionStatus.DONE if state == "done" else ActionStatus.CANCELLED
        action["done_at"] = when if state == "done" else None
        action["updated_at"], action["updated_by_id"], action["version"] = when, responsible, 2
        kind = EventKind.ACTION_DONE if state == "done" else EventKind.ACTION_CANCELLED
        _case_event(f, case, kind, when, responsible, what, action=str(action["id"]))
    return action


def _followups(f: SiteFollowUp, case: dict, end: datetime) -> None:
    """Contacts made between the opening and `end`, and for an open case perhaps one planned."""
    rng, responsible = f.rng, case["responsible_id"]
    for _n in range(rng.choice((0, 1, 1, 2))):
        done = _between(rng, case["opened_at"], end)
        kind = rng.choice(ContactKind.values)
        notes = rng.choice(f.texts["followups"])
        f.rows.add(
            FollowUp,
            _row(
                done,
                responsible,
                site_id=case["site_id"],
                case_id=case["id"],
                kind=kind,
                status=FollowUpStatus.DONE,
                due_on=None,
                done_at=done,
                agent_id=responsible,
                notes=notes,
                version=1,
            ),
        )
        _start(f, case, done)
        if done > case["last_contact_at"]:
            case["last_contact_at"] = done
            _touch(case, done, responsible)
        _case_event(f, case, EventKind.FOLLOWUP_DONE, done, responsible, notes, kind=kind)
    if case["status"] != CaseStatus.CLOSED and rng.random() < 0.5:
        at = _between(rng, case["opened_at"], f.now)
        due = f.today + timedelta(days=rng.randint(-10, 20))
        kind = rng.choice(ContactKind.values)
        f.rows.add(
            FollowUp,
            _row(
                at,
                responsible,
                site_id=case["site_id"],
                case_id=case["id"],
                kind=kind,
                status=FollowUpStatus.PLANNED,
                due_on=due,
                done_at=None,
                agent_id=responsible,
                notes="",
                version=1,
            ),
        )
        _start(f, case, at)
        _case_event(
            f, case, EventKind.FOLLOWUP_PLANNED, at, responsible, kind=kind, due_on=str(due)
        )


def _close(f: SiteFollowUp, case: dict, at: datetime) -> None:
    reason = _weighted(f.rng, CLOSURE_REASONS)
    note = f.texts["closed"] if reason == ClosureReason.OTHER else ""
    case.update(status=CaseStatus.CLOSED, closure_reason=reason, closed_at=at)
    _touch(case, at, case["responsible_id"])
    _case_event(f, case, EventKind.CLOSED, at, case["responsible_id"], note, reason=reason)


def _closing_time(f: SiteFollowUp, case: dict) -> datetime | None:
    """When the case closes (about 30% do, some weeks after opening), or None."""
    opened = case["opened_at"]
    if f.rng.random() >= CLOSED_SHARE or f.now - opened < timedelta(days=3):
        return None
    return min(opened + timedelta(days=f.rng.uniform(2, 120)), f.now - timedelta(hours=1))


def _work_case(f: SiteFollowUp, case: dict) -> None:
    rng = f.rng
    closing = _closing_time(f, case)
    fresh = f.now - case["opened_at"] < timedelta(days=NEW_CASE_DAYS)
    if closing is None and rng.random() < (0.5 if fresh else UNPLANNED_SHARE):
        return  # nothing planned yet: the case stays "open"
    end = closing or f.now
    for _n in range(rng.choice((1, 1, 2, 2, 3))):
        at = _between(rng, case["opened_at"], case["opened_at"] + (end - case["opened_at"]) / 3)
        what = rng.choice(f.texts["actions"])
        state = _action_state(f, closing)
        add_action(f, case, what, at, state, case["responsible_id"], until=closing)
    _followups(f, case, end)
    if closing is not None:
        _close(f, case, closing)


def plan_cases(f: SiteFollowUp, visits: SiteVisits) -> list[dict]:
    chosen = sorted(_case_visits(visits, f.rng), key=lambda v: v["occurred_at"])
    cases = [_open_case(f, visit, n) for n, visit in enumerate(chosen, start=1)]
    for case in cases:
        _work_case(f, case)
    f.rows.add(
        CaseSettings,
        _row(
            f.now, None, site_id=f.run.site.pk, no_contact_days=30, case_seq=len(cases), version=1
        ),
    )
    return cases


# ---------------------------------------------------------------------------------------------
# Referrals
# ---------------------------------------------------------------------------------------------


def _code(f: SiteFollowUp) -> str:
    while True:
        raw = "".join(f.rng.choice(CODE_ALPHABET) for _i in range(6))
        code = f"{raw[:3]}-{raw[3:]}"
        if code not in f.codes:
            f.codes.add(code)
            return code


def _service_for(f: SiteFollowUp, needs: list[str]) -> ServiceInfo:
    matching = [s for s in f.layer.services if s.themes & set(needs)]
    return f.rng.choice(matching or f.layer.services)


def _ref_event(
    f: SiteFollowUp,
    ref: dict,
    verb: str,
    at: datetime,
    actor: str,
    user=None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
) -> None:
    f.rows.add(
        ReferralEvent,
        {
            "id": uuid7(),
            "referral_id": ref["id"],
            "site_id": ref["site_id"],
            "at": at,
            "verb": verb,
            "from_status": from_status,
            "to_status": to_status,
            "actor": actor,
            "user_id": user,
            "note": note,
        },
    )


def _step_actor(f: SiteFollowUp, status: str, ref: dict) -> tuple[str, object]:
    if status == "expired":
        return Actor.SYSTEM, None
    if status == "cancelled" or f.rng.random() < 0.4:
        return Actor.USER, ref["sent_by_id"]
    return Actor.PROVIDER_LINK, None


def _step_time(f: SiteFollowUp, status: str, ref: dict, previous: datetime) -> datetime:
    if status == "expired":
        return min(f.now, ref["answer_due_at"] + timedelta(minutes=f.rng.randint(1, 15)))
    limit = min(f.now - timedelta(minutes=1), previous + timedelta(days=f.rng.uniform(0.2, 12)))
    return _between(f.rng, previous, limit)


def _apply_step(f: SiteFollowUp, ref: dict, status: str, at: datetime) -> None:
    """As `referrals.services._apply`."""
    actor, user = _step_actor(f, status, ref)
    note = f.texts["declined"] if status == "declined" else ""
    _ref_event(f, ref, VERBS[status], at, actor, user, note, ref["status"], status)
    ref.update(status=status, updated_at=at, updated_by_id=user, version=ref["version"] + 1)
    if status in ANSWERED and ref["answered_at"] is None:
        ref["answered_at"] = at
    if status == "served":
        ref["served_at"] = at
    if status not in ("sent", "accepted"):
        ref["closed_at"] = at
    if note:
        ref["outcome_note"] = note


def _send(
    f: SiteFollowUp,
    person_id,
    at: datetime,
    by,
    needs: list[str],
    case=None,
    action=None,
    visit=None,
) -> dict:
    service = _service_for(f, needs)
    shared = [SharedField.GIVEN_NAME, SharedField.FAMILY_NAME]
    shared += [
        s for s in (SharedField.SEX, SharedField.AGE, SharedField.PHONE) if f.rng.random() < 0.5
    ]
    ref = _row(
        at,
        by,
        person_id=person_id,
        service_id=service.pk,
        case_id=case,
        action_id=action,
        visit_id=visit,
        site_id=f.run.site.pk,
        code=_code(f),
        status=RefStatus.SENT,
        urgency=f.rng.choice(("routine", "routine", "soon", "urgent")),
        reason=f.texts["referral"].format(service.name),
        shared_fields=shared,
        sent_by_id=by,
        sent_at=at,
        answer_due_at=at + timedelta(days=service.response_days),
        answered_at=None,
        served_at=None,
        closed_at=None,
        outcome_note="",
        consent_override_reason="",
        consent_override_by_id=None,
        anonymised_at=None,
        version=1,
    )
    f.rows.add(Referral, ref)
    _ref_event(f, ref, "send", at, Actor.USER, by, to_status=RefStatus.SENT)
    paths = RECENT_PATHS if ref["answer_due_at"] > f.now else OLD_PATHS
    previous = at
    for status in _weighted(f.rng, paths):
        previous = _step_time(f, status, ref, previous)
        _apply_step(f, ref, status, previous)
    f.referrals.append((ref, service))
    return ref


def _expired_action(f: SiteFollowUp, case: dict, ref: dict, service: ServiceInfo) -> None:
    """`referral_expire` plans a follow-up action on the referral's case, if it is open."""
    expired = next(
        e["at"]
        for e in reversed(f.rows.by_model[ReferralEvent])
        if e["referral_id"] == ref["id"] and e["verb"] == "expire"
    )
    if case["status"] == CaseStatus.CLOSED and case["closed_at"] <= expired:
        return
    what = f"{ref['code']} → {service.name}"
    state = "done" if case["status"] == CaseStatus.CLOSED or f.rng.random() < 0.7 else "planned"
    add_action(f, case, what, expired, state, None, until=case["closed_at"], due=f.local(expired))


def plan_referrals(f: SiteFollowUp, cases: list[dict], visits: SiteVisits) -> None:
    rng = f.rng
    for case in cases:
        if not f.shares.get(case["person_id"]) or rng.random() >= CASE_REFERRAL_SHARE:
            continue
        end = case["closed_at"] or f.now
        at = _between(rng, case["opened_at"], end)
        ref = _send(
            f,
            case["person_id"],
            at,
            case["responsible_id"],
            f.themes[case["visit_id"]],
            case=case["id"],
        )
        if ref["status"] == RefStatus.EXPIRED:
            _expired_action(f, case, ref, f.referrals[-1][1])
    for visit in visits.visits:
        person = visit["person_id"]
        if visit["outcome"] != "oriented" or not person or not f.shares.get(person):
            continue
        if rng.random() < VISIT_REFERRAL_SHARE:
            at = visit["occurred_at"] + timedelta(minutes=rng.randint(2, 20))
            _send(
                f,
                person,
                min(at, f.now - timedelta(minutes=1)),
                visit["agent_id"],
                f.themes[visit["id"]],
                visit=visit["id"],
            )


# ---------------------------------------------------------------------------------------------
# Support fund
# ---------------------------------------------------------------------------------------------


@dataclass
class FundState:
    account: dict
    spend: dict = field(default_factory=lambda: defaultdict(Decimal))  # period id -> spent


def _entry(
    f: SiteFollowUp, state: FundState, request: dict, kind: str, at: datetime, by, note: str = ""
) -> None:
    f.rows.add(
        LedgerEntry,
        {
            "id": uuid7(),
            "account_id": state.account["id"],
            "period_id": request["period_id"],
            "kind": kind,
            "amount": request["amount"],
            "currency": request["currency"],
            "amount_eur": request["amount_eur"],
            "request_id": request["id"],
            "note": note[:300],
            "at": at,
            "by_id": by,
        },
    )


def _decider(f: SiteFollowUp, request: dict):
    return f.layer.coordinator.pk if request["level"] == Level.COORDINATOR else f.manager


def _decide(f: SiteFollowUp, request: dict, status: str, at: datetime, reason: str = "") -> None:
    by = _decider(f, request)
    request.update(
        status=status,
        decided_at=at,
        decided_by_id=by,
        decision_reason=reason,
        updated_at=at,
        updated_by_id=by,
        version=request["version"] + 1,
    )


def _pay(f: SiteFollowUp, state: FundState, request: dict, at: datetime) -> dict:
    by = f.manager
    mobile = f.rng.random() < 0.55 and f.layer.rules.mobile_operators
    payment = _row(
        at,
        by,
        site_id=f.run.site.pk,
        request_id=request["id"],
        method=Method.MOBILE if mobile else Method.CASH,
        receipt_number="" if mobile else f"R{f.rng.randint(10000, 99999)}",
        operator=f.rng.choice(f.layer.rules.mobile_operators) if mobile else "",
        reference=f"{request['code']}-{f.rng.randint(100000, 999999)}" if mobile else "",
        paid_on=f.local(at),
        receipt="",
        receipt_type="",
        reversed_at=None,
        reversed_by_id=None,
        reversal_reason="",
        version=1,
    )
    f.rows.add(Payment, payment)
    _entry(f, state, request, Kind.PAYMENT, at, by)
    request.update(
        status=FundStatus.PAID, updated_at=at, updated_by_id=by, version=request["version"] + 1
    )
    return payment


def _later(f: SiteFollowUp, at: datetime, days: float) -> datetime:
    return min(f.now - timedelta(minutes=1), at + timedelta(days=f.rng.uniform(0.05, days)))


def _request_path(f: SiteFollowUp, state: FundState, request: dict, path: str) -> None:
    """Walk the request along its path, writing what each service step writes."""
    at = request["created_at"]
    if path == "requested":
        return
    if path == "rejected":
        _decide(f, request, FundStatus.REJECTED, _later(f, at, 5), f.texts["rejected"])
        return
    if path == "cancelled":  # before any decision: no entry
        at = _later(f, at, 5)
        request.update(
            status=FundStatus.CANCELLED,
            updated_at=at,
            updated_by_id=f.manager,
            version=request["version"] + 1,
        )
        return
    at = _later(f, at, 4)
    _decide(f, request, FundStatus.APPROVED, at)
    _entry(f, state, request, Kind.COMMITMENT, at, _decider(f, request))
    state.spend[request["period_id"]] += request["amount"]
    if path == "released":
        at = _later(f, at, 10)
        _entry(f, state, request, Kind.RELEASE, at, f.manager, f.texts["rejected"])
        request.update(
            status=FundStatus.CANCELLED,
            updated_at=at,
            updated_by_id=f.manager,
            version=request["version"] + 1,
        )
    elif path in ("paid", "reversed", "paid_late"):
        at = _later(f, at, 30 if path == "paid_late" else 6)
        payment = _pay(f, state, request, at)
        if path == "reversed":
            at = _later(f, at, 10)
            payment.update(
                reversed_at=at,
                reversed_by_id=f.manager,
                version=2,
                updated_at=at,
                reversal_reason=f.texts["rejected"],
                updated_by_id=f.manager,
            )
            _entry(f, state, request, Kind.REVERSAL, at, f.manager, f.texts["rejected"])
            request.update(
                status=FundStatus.REVERSED, updated_at=at, version=request["version"] + 1
            )


def _request(f: SiteFollowUp, state: FundState, ref: dict, service: ServiceInfo, n: int) -> None:
    rng, layer = f.rng, f.layer
    at = _later(f, ref["sent_at"], 2)
    period = layer.period_on(f.local(at))
    amount = service.fee.amount
    criteria = rng.sample(layer.rules.criteria, k=rng.choice((1, 1, 2)))
    level = Level.MANAGER if amount <= layer.rules.manager_limit else Level.COORDINATOR
    request = _row(
        at,
        ref["sent_by_id"],
        site_id=f.run.site.pk,
        account_id=state.account["id"],
        period_id=period.pk,
        code=f"{f.run.site.code}-F{n:04d}",
        person_id=ref["person_id"],
        household_id=f.households.get(ref["person_id"]),
        provider_id=service.organisation_id,
        service_id=service.pk,
        service_name=service.name[:200],
        cost_option_id=service.fee.pk,
        referral_id=ref["id"],
        case_action_id=None,
        amount=amount,
        currency=layer.currency,
        amount_eur=money.to_eur(amount, period.eur_rate),
        reason=f.texts["fund"],
        criteria=criteria,
        evidence="",
        level=level,
        status=FundStatus.REQUESTED,
        repeat_of_id=None,
        decided_at=None,
        decided_by_id=None,
        decision_reason="",
        version=1,
    )
    f.rows.add(FundRequest, request)
    recent = f.now - at < timedelta(days=4)
    _request_path(f, state, request, _weighted(rng, RECENT_REQUESTS if recent else OLD_REQUESTS))


def _allocations(f: SiteFollowUp, state: FundState) -> None:
    """Each quarter's allocation at its start: what the site spent in it and a margin, in round
    amounts; so the site's available balance never falls below zero."""
    base = Decimal(5000 if f.layer.currency == "MZN" else 50000)
    coordinator = f.layer.coordinator.pk
    for period in f.layer.periods:
        spent = state.spend.get(period.pk, Decimal(0))
        amount = Decimal(math.ceil((spent * Decimal("1.3") + base) / base)) * base
        at = datetime.combine(period.starts_on, datetime.min.time(), tzinfo=f.run.tz)
        f.rows.add(
            LedgerEntry,
            {
                "id": uuid7(),
                "account_id": state.account["id"],
                "period_id": period.pk,
                "kind": Kind.ALLOCATION,
                "amount": amount,
                "currency": f.layer.currency,
                "amount_eur": money.to_eur(amount, period.eur_rate),
                "request_id": None,
                "note": period.name,
                "at": at,
                "by_id": coordinator,
            },
        )


def plan_fund(f: SiteFollowUp) -> None:
    account = {
        "id": uuid7(),
        "fund_id": f.layer.fund.pk,
        "site_id": f.run.site.pk,
        "request_seq": 0,
    }
    state = FundState(account)
    f.rows.add(Account, account)
    charged = [(ref, s) for ref, s in f.referrals if s.fee is not None]
    share = min(1.0, FUND_SHARE * len(f.referrals) / max(1, len(charged)))
    chosen = sorted((p for p in charged if f.rng.random() < share), key=lambda p: p[0]["sent_at"])
    for n, (ref, service) in enumerate(chosen, start=1):
        _request(f, state, ref, service, n)
    account["request_seq"] = len(chosen)
    _allocations(f, state)


# ---------------------------------------------------------------------------------------------
# One site
# ---------------------------------------------------------------------------------------------

# Insertion order: what a row refers to first.
ORDER = (
    CaseSettings,
    Case,
    CaseNeed,
    CaseAction,
    FollowUp,
    CaseEvent,
    Referral,
    ReferralEvent,
    Account,
    FundRequest,
    Payment,
    LedgerEntry,
)


def plan_site(
    run: SiteRun,
    layer: CountryLayer,
    population: SitePopulation,
    visits: SiteVisits,
    codes: set[str],
) -> Rows:
    """The follow-up rows of a site (cases, referrals, fund), planned from its registry and
    visits, with the site's own random stream."""
    staff = run.agents
    f = SiteFollowUp(
        run=run,
        layer=layer,
        now=run.ctx.now,
        today=run.ctx.now.astimezone(run.tz).date(),
        texts=TEXTS.get(run.language, TEXTS["pt"]),
        agents=[u.pk for u in staff if is_agent(u)],
        manager=next(u.pk for u in staff if is_site_manager(u)),
        codes=codes,
    )
    f.households = {m["person_id"]: m["household_id"] for m in population.members}
    f.shares = {
        e.person.pk: e.person.consent_processing and e.person.consent_sharing
        for e in population.entries
    }
    for row in visits.themes:
        f.themes[row["visit_id"]].append(row["theme_id"])
    cases = plan_cases(f, visits)
    plan_referrals(f, cases, visits)
    plan_fund(f)
    return f.rows
