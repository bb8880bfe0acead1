"""The rights of the people in the registry: consent given or withdrawn, a copy of everything
held on them (export), and erasure — an anonymisation that keeps every count true.

A person's records are the person and every record merged into it (`record_group_ids`): the
same human being, so an export shows them all and an erasure erases them all.

Visits are reached through the person's reverse relation (`person.visits`), so the registry
does not import the front desk; the apps above add their records through `people.hooks`.
"""

import re
import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.audit.services import access_log_scrub
from orienta.core.access import coordinates_country
from orienta.core.models import Event, User
from orienta.core.services import StaleEdit, event_log
from orienta.lib.plugins import app_modules
from orienta.people.hooks import app_rights
from orienta.people.models import (
    CONSENT_FIELDS,
    ConsentEvent,
    ConsentPurpose,
    Household,
    HouseholdMember,
    MatchDecision,
    Person,
    PersonMatchKey,
    PersonMerge,
)
from orienta.people.queries import record_group_ids
from orienta.people.services import _check_site, _snapshot, consent_events_write

EXPORT_FORMAT = "orienta-person-export/1"
# What an erased record's names become: a neutral mark, the same in every language.
ERASED_NAME = "—"
# The fields an erasure empties; what it keeps is said in `person_erase`.
ERASED_BLANK = ("other_names", "phone", "phone_alt", "locality", "nationality", "occupation")
# Single letters are not searched for in free text; longer strings only as whole words.
MIN_NEEDLE = 2


# ---------------------------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------------------------


def _consent_set(
    *, person: Person, values: dict[str, bool], by: User, note: str, verb: str
) -> list[ConsentEvent]:
    _check_site(by, person.site)
    locked = Person.objects.select_for_update(of=("self",)).select_related("site").get(pk=person.pk)
    if locked.merged_into_id or locked.erased_at:
        raise StaleEdit
    changed = [f for f, v in values.items() if getattr(locked, f) != v]
    if not changed:
        return []
    for field in changed:
        setattr(locked, field, values[field])
    locked.consent_date = timezone.localdate()
    locked.consent_recorded_by = by
    locked.touch(by=by)
    locked.save()
    events = consent_events_write(locked, changed, by, note=note[:500])
    purposes = [p for p, f in CONSENT_FIELDS.items() if f in changed]
    event_log(actor=by, verb=verb, obj=locked, site=locked.site, data={"purposes": purposes})
    return events


@transaction.atomic
def consent_withdraw(
    *, person: Person, purpose: str, by: User, note: str = ""
) -> list[ConsentEvent]:
    """Record that the person withdraws a consent; withdrawing processing withdraws sharing too.

    Returns the events written: none when the consent was not given.
    """
    values = {CONSENT_FIELDS[ConsentPurpose(purpose)]: False}
    if purpose == ConsentPurpose.PROCESSING:
        values["consent_sharing"] = False
    return _consent_set(
        person=person, values=values, by=by, note=note, verb="person.consent_withdrawn"
    )


@transaction.atomic
def consent_give(*, person: Person, purpose: str, by: User, note: str = "") -> list[ConsentEvent]:
    """Record that the person gives (again) a consent. Sharing needs processing first."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if purpose == ConsentPurpose.SHARING and not locked.consent_processing:
        raise ValidationError(
            _("Sharing with partners needs consent to the processing of the data first."),
            code="sharing_needs_processing",
        )
    values = {CONSENT_FIELDS[ConsentPurpose(purpose)]: True}
    return _consent_set(person=person, values=values, by=by, note=note, verb="person.consent_given")


# ---------------------------------------------------------------------------------------------
# Access and export
# ---------------------------------------------------------------------------------------------


def is_coordinator_of(user: User, person: Person) -> bool:
    """Exports and erasures are for the country coordinator of the person's country."""
    return coordinates_country(user, person.site.country_id)


def _require_coordinator_of(user: User, person: Person) -> None:
    if not is_coordinator_of(user, person):
        raise PermissionDenied


def _username(user) -> str | None:
    return user.username if user else None


def _person_data(person: Person) -> dict:
    out = _snapshot(person)
    out |= {
        "site": person.site.code,
        "area": str(person.area) if person.area_id else None,
        "disability_status": person.disability_status,
        "created_by": _username(person.created_by),
        "updated_by": _username(person.updated_by),
        "consent_recorded_by": _username(person.consent_recorded_by),
    }
    for key in ("site_id", "created_by_id", "updated_by_id", "consent_recorded_by_id"):
        out.pop(key, None)
    return out


def _visit_data(visit, replaced: set) -> dict:
    """A version of a visit, marked: the current one, one corrected since ("superseded"), or
    the version that voided the visit ("voided"); with who made it, when and why."""
    if visit.voided_at:
        state = "voided"
    elif visit.pk in replaced:
        state = "superseded"
    else:
        state = "current"
    return {
        "id": str(visit.pk),
        "version": state,
        "supersedes": str(visit.supersedes_id) if visit.supersedes_id else None,
        "site": visit.site.code,
        "occurred_at": visit.occurred_at.isoformat(),
        "channel": visit.channel,
        "themes": [{"code": t.code, "name": t.name} for t in visit.themes.all()],
        "outcome": visit.outcome,
        "notes": visit.notes,
        "agent": _username(visit.agent),
        "recorded_at": visit.created_at.isoformat(),
        "recorded_by": _username(visit.created_by),
        "change_reason": visit.change_reason,
    }


def _visits_data(records) -> list[dict]:
    """Every version of every visit of the records, oldest first."""
    versions = [
        v
        for p in records
        for v in p.visits.select_related("site", "agent", "created_by")
        .prefetch_related("themes")
        .order_by("occurred_at", "created_at")
    ]
    replaced = {v.supersedes_id for v in versions if v.supersedes_id}
    return [_visit_data(v, replaced) for v in versions]


def _events_about(ids: list) -> Q:
    """Events whose object is one of the records or their visits, or whose data names one."""
    visits = Person.visits.rel.related_model._default_manager.filter(person__in=ids)
    cond = Q(object_id__in=ids) | Q(object_id__in=visits.values("pk"))
    for pk in ids:
        cond |= Q(data__icontains=str(pk))
    return cond


def person_export_data(person: Person) -> dict:
    """Everything held on a person (and on the records merged into it), as JSON-ready data.

    The one way personal data leaves as a whole: every export goes through here. Other people's
    data is left out: household members other than the person, look-alike candidates.
    """
    ids = record_group_ids(person)
    group = Person.objects.filter(pk__in=ids).select_related(
        "site", "area", "created_by", "updated_by", "consent_recorded_by"
    )
    records = {p.pk: p for p in group}
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "person": _person_data(records[person.pk]),
        "merged_records": [_person_data(p) for pk, p in records.items() if pk != person.pk],
        "consent": [
            {
                "purpose": e.purpose,
                "given": e.given,
                "at": e.at.isoformat(),
                "site": e.site.code,
                "recorded_by": _username(e.recorded_by),
                "note": e.note,
            }
            for e in ConsentEvent.objects.filter(person__in=ids)
            .select_related("site", "recorded_by")
            .order_by("at", "id")
        ],
        "households": [
            {
                "household": m.household.code,
                "site": m.site.code,
                "locality": m.household.locality,
                "relationship": m.relationship,
                "joined_on": m.joined_on.isoformat(),
                "left_on": m.left_on.isoformat() if m.left_on else None,
            }
            for m in HouseholdMember.objects.filter(person__in=ids)
            .select_related("household", "site")
            .order_by("joined_on", "id")
        ],
        "visits": _visits_data(records.values()),
        "match_decisions": [
            {
                "site": d.site.code,
                "decision": d.decision,
                "decided_at": d.decided_at.isoformat(),
                "decided_by": _username(d.decided_by),
                "candidates_seen": sum(1 for c in d.candidates if "query" not in c),
                "search": next((c["query"] for c in d.candidates if "query" in c), None),
            }
            for d in MatchDecision.objects.filter(person__in=ids)
            .select_related("site", "decided_by")
            .order_by("decided_at")
        ],
        "merges": [
            {
                "site": m.site.code,
                "kept": str(m.survivor_id),
                "merged": str(m.merged_id),
                "merged_code": m.merged_code,
                "merged_at": m.merged_at.isoformat(),
                "merged_by": _username(m.merged_by),
                "reason": m.reason,
                "snapshot": m.snapshot,
            }
            for m in PersonMerge.objects.filter(Q(survivor__in=ids) | Q(merged__in=ids))
            .select_related("site", "merged_by")
            .order_by("merged_at")
        ],
        **{key: module.export(ids) for key, module in app_rights()},
        "events": [
            {
                "at": e.at.isoformat(),
                "verb": e.verb,
                "actor": _username(e.actor),
                "site": e.site.code if e.site else None,
                "object_type": e.object_type,
                "object_id": str(e.object_id),
                "data": e.data,
            }
            for e in Event.objects.filter(_events_about(ids))
            .select_related("actor", "site")
            .order_by("at", "id")
        ],
    }


@transaction.atomic
def person_export(*, person: Person, by: User, reason: str) -> dict:
    """A country coordinator's copy of everything held on a person, logged with its reason."""
    _require_coordinator_of(by, person)
    data = person_export_data(person)
    event_log(
        actor=by, verb="person.exported", obj=person, site=person.site, data={"reason": reason}
    )
    return data


# ---------------------------------------------------------------------------------------------
# Erasure
# ---------------------------------------------------------------------------------------------


def identity_strings(person: Person) -> set[str]:
    """The strings that name or reach the person: names, phones, code."""
    found = {person.full_name, person.given_name, person.family_name, person.code}
    found |= {n.strip() for n in person.other_names.split(",")}
    for phone in (person.phone, person.phone_alt):
        digits = re.sub(r"\D", "", phone)
        found |= {phone, digits, digits[-8:], digits[-9:]}
    return {s for s in found if len(s) >= MIN_NEEDLE and s != ERASED_NAME}


def _redactor(replacements: dict[str, str]) -> Callable[[Any], Any]:
    """A function that replaces each identity string (any case) in a JSON-like value."""
    if not replacements:
        return lambda value: value
    needles = sorted(replacements, key=len, reverse=True)
    lookup = {n.casefold(): r for n, r in replacements.items()}
    alternatives = "|".join(re.escape(n) for n in needles)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def redact(value):
        if isinstance(value, str):
            return pattern.sub(lambda m: lookup.get(m.group(0).casefold(), ERASED_NAME), value)
        if isinstance(value, list):
            return [redact(v) for v in value]
        if isinstance(value, dict):
            return {k: redact(v) for k, v in value.items()}
        return value

    return redact


def _first_of_month_keeping_ages(birth: date, on: list[date]) -> date:
    """A birth date that keeps only the year: the first of a month, the one nearest 1 July that
    gives the same age in whole years on every date in `on` (so age bands at each visit hold).
    """
    candidates = sorted(range(1, 13), key=lambda m: (abs(m - 7), m))

    def same_ages(month: int) -> int:
        guess = Person(birth_date=date(birth.year, month, 1))
        true = Person(birth_date=birth)
        return sum(guess.age_on(d) == true.age_on(d) for d in on)

    best = max(candidates, key=lambda m: (same_ages(m), -candidates.index(m)))
    return date(birth.year, best, 1)


def _dates_that_count(person: Person) -> list[date]:
    """The days on which the person's age is counted: each visit, registration, today."""
    days = [timezone.localdate(), person.created_at.date()]
    for visit in person.visits.current().select_related("site"):
        days.append(timezone.localtime(visit.occurred_at, ZoneInfo(visit.site.timezone)).date())
    return days


def _scrub_person(person: Person, by: User | None, now: datetime) -> None:
    person.given_name = person.family_name = ERASED_NAME
    for field in ERASED_BLANK:
        setattr(person, field, "")
    person.documents = []
    if person.birth_date:
        person.birth_date = _first_of_month_keeping_ages(
            person.birth_date, _dates_that_count(person)
        )
        person.birth_date_estimated = True
    person.code = f"ANON-{secrets.token_hex(8).upper()}"
    person.erased_at = now
    person.touch(by=by, at=now)
    person.save()


def _scrub_visits(person: Person, by: User | None, now: datetime) -> None:
    """The notes of every version of every visit, and the reasons of corrections: the one
    change made to visits, which are otherwise never edited."""
    for visit in person.visits.exclude(notes="", change_reason=""):
        visit.notes = visit.change_reason = ""
        visit.save(update_fields=["notes", "change_reason", *visit.touch(by=by, at=now)])


def _scrub_linked_records(
    ids: list[UUID], redact: Callable[[str], str], by: User | None, now: datetime
) -> None:
    """Free text and snapshots elsewhere that hold the person's identity."""
    for consent in ConsentEvent.objects.filter(person__in=ids).exclude(note=""):
        consent.note = ""
        consent.save(update_fields=["note"])
    erased = {p.pk: _snapshot(p) for p in Person.objects.filter(pk__in=ids)}
    for merge in PersonMerge.objects.filter(Q(survivor__in=ids) | Q(merged__in=ids)):
        after = erased.get(merge.merged_id, {})
        merge.snapshot = {k: after.get(k, v) for k, v in merge.snapshot.items()}
        merge.merged_code = after.get("code", merge.merged_code)
        merge.reason = redact(merge.reason)
        merge.save(update_fields=["snapshot", "merged_code", "reason"])
    decisions = MatchDecision.objects.filter(Q(person__in=ids) | Q(pk__in=_decisions_naming(ids)))
    for decision in decisions:
        if decision.person_id in ids:  # what the agent typed when searching for the person
            decision.candidates = [
                {k: v for k, v in c.items() if k != "query"} for c in decision.candidates
            ]
        decision.candidates = redact(decision.candidates)
        decision.save(update_fields=["candidates"])
    for event in Event.objects.filter(_events_about(ids)):
        event.data = redact(event.data)
        event.save(update_fields=["data"])
    for household in Household.objects.filter(members__person__in=ids).distinct():
        if not household.members.exclude(person__in=ids).exists() and household.locality:
            household.locality = ""
            household.save(update_fields=["locality", *household.touch(by=by, at=now)])


def _decisions_naming(ids: list) -> list:
    cond = Q(pk__in=[])
    for pk in ids:
        cond |= Q(candidates__icontains=str(pk))
    return list(MatchDecision.objects.filter(cond).values_list("pk", flat=True))


def _root(person: Person) -> Person:
    for _hop in range(10):
        if not person.merged_into_id:
            return person
        person = Person.objects.select_related("site").get(pk=person.merged_into_id)
    raise StaleEdit


@transaction.atomic
def person_erase(*, person: Person, by: User, reason: str) -> Person:
    """Anonymise a person and every record merged into it, keeping the counts true.

    Emptied: names (a neutral mark instead), other names, phones, locality, nationality,
    civil documents, occupation, the readable code (a random one instead), the notes of
    every version of every visit and the reasons of their corrections,
    consent notes, match keys; identity strings in the merge snapshots, look-alike decisions,
    the event log about them and the texts of the access log (searches, refused addresses,
    reasons: the log keeps their digests, so its chain still verifies); the household's
    locality when no one else was ever in it.
    Kept, because reports count them and they do not name anyone on their own: the record
    itself (so a visit still counts once), site, sex, the birth year (as the first of a month
    that keeps the age at each visit), area, migration status, the Washington Group answers
    (the disability status is derived from them), education, household memberships, visits
    with their date, channel, themes and outcome, and the consent history without notes.

    Idempotent: an erased person is left as it is and no second event is written.
    """
    _require_coordinator_of(by, person)
    root = _root(person)
    _require_coordinator_of(by, root)
    return _erase_group(root, by=by, reason=reason)


@transaction.atomic
def person_erase_expired(*, person: Person, reason: str) -> Person:
    """The same erasure, done by the system when the retention period has passed (no user:
    the event's actor is empty and its reason says which rule)."""
    return _erase_group(_root(person), by=None, reason=reason)


def _erase_group(root: Person, *, by: User | None, reason: str) -> Person:
    ids = record_group_ids(root)
    records = list(
        Person.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("site")
        .order_by("pk")
    )
    todo = [p for p in records if p.erased_at is None]
    if not todo:
        return Person.objects.get(pk=root.pk)
    identities = {p.pk: identity_strings(p) for p in todo}
    births = {p.pk: p.birth_date for p in todo}
    old_codes = {p.pk: p.code for p in todo}
    # Apps that keep copies elsewhere (the sync journal) mark where they stand before anything
    # changes, and are asked to scrub them at the end.
    keepers = [(m, m.mark() if hasattr(m, "mark") else None) for m in app_modules("rights")]
    keepers = [(m, since) for m, since in keepers if hasattr(m, "scrub")]
    now = timezone.now()
    for p in todo:
        _scrub_person(p, by, now)
        _scrub_visits(p, by, now)
    replacements = {s: ERASED_NAME for strings in identities.values() for s in strings}
    replacements |= {old_codes[p.pk]: p.code for p in todo}
    redact = _redactor(replacements)
    PersonMatchKey.objects.filter(person__in=ids).delete()
    _scrub_linked_records(ids, redact, by, now)
    for _key, module in app_rights():
        module.erase(ids, by=by)
    # Copies kept elsewhere (the sync journal): the identity strings, and the exact birth
    # dates replaced by the kept ones (a date field must stay a date).
    copies = replacements | {
        str(births[p.pk]): str(p.birth_date) for p in todo if births[p.pk] and p.birth_date
    }
    for module, since in keepers:
        module.scrub(set(copies), _redactor(copies), since=since)
    access_log_scrub(set(replacements))
    event_log(
        actor=by,
        verb="person.erased",
        obj=root,
        site=root.site,
        data={"reason": redact(reason), "records": len(todo)},
    )
    return Person.objects.get(pk=root.pk)
