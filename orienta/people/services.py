"""Writes on the registry: register, update, merge, households. Each is one transaction."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.core.access import can_merge, can_record
from orienta.core.models import Site, User
from orienta.core.scoping import records_at_site
from orienta.core.services import StaleEdit, event_log, site_next_code
from orienta.people import matching
from orienta.people.hooks import records_follow_survivor
from orienta.people.models import (
    CONSENT_FIELDS,
    ConsentAnswer,
    ConsentEvent,
    ConsentPurpose,
    Household,
    HouseholdMember,
    MatchDecision,
    Person,
    PersonMatchKey,
    PersonMerge,
    Relationship,
)

IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "phone",
)
FORM_ONLY_FIELDS = {"estimated_age"}


def identity_of(obj: object) -> matching.Identity:
    """The fields duplicate matching reads, from a Person or a dict."""
    get = obj.get if isinstance(obj, dict) else lambda k, d=None: getattr(obj, k, d)
    return matching.Identity(
        given_name=get("given_name") or "",
        family_name=get("family_name") or "",
        other_names=get("other_names") or "",
        sex=get("sex") or "",
        birth_date=get("birth_date"),
        birth_date_estimated=bool(get("birth_date_estimated")),
        phone=get("phone") or "",
    )


def person_match_keys(person: Person) -> list[str]:
    """The blocking keys stored for a person: of their identity, and of their other phone."""
    keys = matching.match_keys(identity_of(person))
    if person.phone_alt:
        keys |= matching.match_keys(matching.Identity(phone=person.phone_alt))
    return sorted(k[:40] for k in keys)


def _index(person: Person) -> None:
    PersonMatchKey.objects.filter(person=person).delete()
    keys = person_match_keys(person)
    PersonMatchKey.objects.bulk_create(
        [PersonMatchKey(person=person, site_id=person.site_id, key=k) for k in keys]
    )


def match_keys_rebuild(
    *, batch: int = 2000, progress: Callable[[int], object] | None = None
) -> int:
    """Derive every live person's match keys again (after the way keys are made has changed),
    a batch of persons per transaction; merged and erased records keep none. Returns how many
    persons were indexed."""
    fields = ("pk", "site_id", "phone_alt", *IDENTITY_FIELDS)
    live = Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
    gone = Q(person__merged_into__isnull=False) | Q(person__erased_at__isnull=False)
    PersonMatchKey.objects.filter(gone).delete()
    done, last = 0, None
    while True:
        page = live.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        people = list(page.only(*fields)[:batch])
        if not people:
            return done
        with transaction.atomic():
            PersonMatchKey.objects.filter(person__in=[p.pk for p in people]).delete()
            PersonMatchKey.objects.bulk_create(
                [
                    PersonMatchKey(person_id=p.pk, site_id=p.site_id, key=k)
                    for p in people
                    for k in person_match_keys(p)
                ],
                batch_size=5000,
            )
        done, last = done + len(people), people[-1].pk
        if progress:
            progress(done)


def _check_site(user: User, site: Site) -> None:
    if not can_record(user) or not records_at_site(user, site.pk):
        raise PermissionDenied


def _apply(person: Person, data: dict[str, Any], by: User) -> list[str]:
    changed = []
    for field, value in data.items():
        if field in FORM_ONLY_FIELDS:
            continue
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed.append(field)
    if set(CONSENT_FIELDS.values()) & set(changed):
        person.consent_date = timezone.localdate()
        person.consent_recorded_by = by
        changed += ["consent_date", "consent_recorded_by"]
    return changed


def consent_events_write(
    person: Person, changed: list[str], by: User, note: str = ""
) -> list[ConsentEvent]:
    """One ConsentEvent per purpose whose consent changed, with its new state."""
    return [
        ConsentEvent.objects.create(
            site=person.site,
            person=person,
            purpose=purpose,
            given=getattr(person, field),
            recorded_by=by,
            note=note,
        )
        for purpose, field in CONSENT_FIELDS.items()
        if field in changed
    ]


def consent_answers(consent: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, str]:
    """The answer for each purpose (a ConsentAnswer), checked: `consent` as given, else read
    from the consent fields of `data` (true: given, false: not asked yet)."""
    answers: dict[str, str] = {
        purpose: ConsentAnswer.GIVEN if data.get(field) else ConsentAnswer.NOT_ASKED
        for purpose, field in CONSENT_FIELDS.items()
    }
    answers |= {ConsentPurpose(k): ConsentAnswer(v) for k, v in (consent or {}).items()}
    if (
        answers[ConsentPurpose.SHARING] == ConsentAnswer.GIVEN
        and answers[ConsentPurpose.PROCESSING] != ConsentAnswer.GIVEN
    ):
        raise ValidationError(
            _("Sharing with partners needs consent to the processing of the data first."),
            code="sharing_needs_processing",
        )
    return answers


def _consent_answered(person: Person, answers: dict[str, str], by: User) -> list[ConsentEvent]:
    """The answers given at registration, each a ConsentEvent (none for 'not asked yet')."""
    asked = {p: a for p, a in answers.items() if a != ConsentAnswer.NOT_ASKED}
    return [
        ConsentEvent.objects.create(
            site=person.site,
            person=person,
            purpose=purpose,
            given=answer == ConsentAnswer.GIVEN,
            recorded_by=by,
        )
        for purpose, answer in asked.items()
    ]


@transaction.atomic
def person_register(
    *,
    site: Site,
    data: dict[str, Any],
    by: User,
    candidates: list[tuple[Person, matching.MatchResult]] | None = None,
    consent: dict[str, str] | None = None,
) -> Person:
    """Register a new person; `candidates` are the look-alikes the agent saw and set aside.

    `consent` holds what the person answered for each purpose (`ConsentPurpose` ->
    `ConsentAnswer`): a consent given or refused is a ConsentEvent of the registration, a
    purpose left out was not asked yet. Without it, the consent fields of `data` say what was
    given.
    """
    _check_site(by, site)
    answers = consent_answers(consent, data)
    data = data | {
        field: answers[purpose] == ConsentAnswer.GIVEN for purpose, field in CONSENT_FIELDS.items()
    }
    person = Person(site=site, created_by=by, updated_by=by)
    _apply(person, data, by)
    if set(answers.values()) != {ConsentAnswer.NOT_ASKED}:
        person.consent_date, person.consent_recorded_by = timezone.localdate(), by
    person.code = site_next_code(site=site, kind="person")
    person.full_clean(exclude=["code"])
    person.save()
    _index(person)
    _consent_answered(person, answers, by)
    MatchDecision.objects.create(
        site=site,
        person=person,
        decision=MatchDecision.Decision.REGISTERED_NEW,
        decided_by=by,
        candidates=[
            {"id": str(p.pk), "code": p.code, "score": round(r.score, 3)}
            for p, r in (candidates or [])
        ],
    )
    event_log(actor=by, verb="person.registered", obj=person, site=site)
    return person


@transaction.atomic
def person_open_existing(*, person: Person, by: User, query: dict[str, Any]) -> None:
    """Keep the agent's decision that the person searched for is this existing record."""
    MatchDecision.objects.create(
        site=person.site,
        person=person,
        decision=MatchDecision.Decision.OPENED_EXISTING,
        decided_by=by,
        candidates=[
            {
                "id": str(person.pk),
                "code": person.code,
                "query": {k: str(v) for k, v in query.items() if v},
            }
        ],
    )


@transaction.atomic
def person_update(
    *, person: Person, data: dict[str, Any], expected_version: int, by: User
) -> Person:
    """Save an edit; refused with StaleEdit when someone saved the person in between."""
    _check_site(by, person.site)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.version != expected_version or locked.merged_into_id or locked.erased_at:
        raise StaleEdit
    changed = _apply(locked, data, by)
    if not changed:
        return locked
    locked.touch(by=by)
    locked.full_clean()
    locked.save()
    if set(changed) & set(IDENTITY_FIELDS) or "phone_alt" in changed:
        _index(locked)
    consent_events_write(locked, changed, by)
    event_log(
        actor=by, verb="person.updated", obj=locked, site=locked.site, data={"fields": changed}
    )
    return locked


def _snapshot(person: Person) -> dict[str, Any]:
    out = {}
    for field in person._meta.concrete_fields:
        value = getattr(person, field.attname)
        out[field.attname] = (
            value if isinstance(value, (int, bool, list, type(None))) else str(value)
        )
    return out


def _fill_from(survivor: Person, merged: Person) -> None:
    """Keep what only the merged record knew; the survivor's own values win."""
    for field in (
        "birth_date",
        "phone",
        "phone_alt",
        "locality",
        "area_id",
        "nationality",
        "education",
        "occupation",
        "wg_seeing",
        "wg_hearing",
        "wg_walking",
        "wg_cognition",
        "wg_selfcare",
        "wg_communication",
    ):
        if getattr(survivor, field) in (None, "") and getattr(merged, field) not in (None, ""):
            setattr(survivor, field, getattr(merged, field))
            if field == "birth_date":
                survivor.birth_date_estimated = merged.birth_date_estimated
    if (
        merged.phone
        and merged.phone not in (survivor.phone, survivor.phone_alt)
        and not survivor.phone_alt
    ):
        survivor.phone_alt = merged.phone
    survivor.documents = sorted(set(survivor.documents) | set(merged.documents))
    names = f"{merged.given_name} {merged.family_name}"
    if names.lower() != survivor.full_name.lower() and names not in survivor.other_names:
        survivor.other_names = ", ".join(filter(None, [survivor.other_names, names]))[:150]


def _move_membership(survivor: Person, merged: Person) -> None:
    current = merged.memberships.filter(left_on__isnull=True).first()
    if current is None:
        return
    current.left_on = timezone.localdate()
    current.touch(by=survivor.updated_by)
    current.save()
    if not survivor.memberships.filter(left_on__isnull=True).exists():
        HouseholdMember.objects.create(
            site=current.household.site,
            household=current.household,
            person=survivor,
            relationship=current.relationship,
            joined_on=timezone.localdate(),
            created_by=survivor.updated_by,
        )


@transaction.atomic
def person_merge(*, survivor: Person, merged: Person, by: User, reason: str = "") -> PersonMerge:
    """Merge two records of one person. The merged record stays, pointing to the survivor."""
    if not can_merge(by) or survivor.pk == merged.pk:
        raise PermissionDenied
    for p in (survivor, merged):
        _check_site(by, p.site)
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    merged = Person.objects.select_for_update().get(pk=merged.pk)
    if survivor.merged_into_id or merged.merged_into_id or survivor.erased_at or merged.erased_at:
        raise StaleEdit
    log = PersonMerge.objects.create(
        site=survivor.site,
        survivor=survivor,
        merged=merged,
        merged_code=merged.code,
        snapshot=_snapshot(merged),
        reason=reason,
        merged_by=by,
    )
    _fill_from(survivor, merged)
    survivor.touch(by=by)
    survivor.save()
    for visit in merged.visits.all():
        visit.person = survivor
        visit.touch(by=by)
        visit.save()
    _move_membership(survivor, merged)
    # The records other apps keep about the person follow: cases, referrals, fund requests.
    records_follow_survivor(survivor=survivor, merged=merged, by=by)
    merged.merged_into = survivor
    merged.deleted_at = timezone.now()
    merged.touch(by=by)
    merged.save()
    PersonMatchKey.objects.filter(person=merged).delete()
    _index(survivor)
    event_log(
        actor=by,
        verb="person.merged",
        obj=survivor,
        site=survivor.site,
        data={"merged": str(merged.pk), "merged_code": merged.code},
    )
    return log


@transaction.atomic
def household_create(*, head: Person, by: User, locality: str = "") -> Household:
    _check_site(by, head.site)
    if head.memberships.filter(left_on__isnull=True).exists():
        raise ValueError("already in a household")
    household = Household.objects.create(
        site=head.site,
        code=site_next_code(site=head.site, kind="household"),
        locality=locality or head.locality,
        created_by=by,
        updated_by=by,
    )
    HouseholdMember.objects.create(
        site=head.site,
        household=household,
        person=head,
        relationship=Relationship.HEAD,
        joined_on=timezone.localdate(),
        created_by=by,
        updated_by=by,
    )
    event_log(actor=by, verb="household.created", obj=household, site=household.site)
    return household


@transaction.atomic
def household_add_member(
    *,
    household: Household,
    person: Person,
    relationship: str,
    by: User,
    joined_on: date | None = None,
) -> HouseholdMember:
    """Add a person; a person already in another household leaves it (kept as history)."""
    _check_site(by, household.site)
    today = timezone.localdate()
    for current in person.memberships.filter(left_on__isnull=True).select_for_update():
        if current.household_id == household.pk:
            raise ValueError("already a member")
        current.left_on, current.version, current.updated_by = today, current.version + 1, by
        current.save()
    member = HouseholdMember(
        site=household.site,
        household=household,
        person=person,
        relationship=relationship,
        joined_on=joined_on or today,
        created_by=by,
        updated_by=by,
    )
    member.full_clean()
    member.save()
    event_log(
        actor=by,
        verb="household.member_added",
        obj=household,
        site=household.site,
        data={"person": str(person.pk), "relationship": relationship},
    )
    return member


@transaction.atomic
def household_remove_member(*, member: HouseholdMember, by: User) -> None:
    _check_site(by, member.site)
    member.left_on = timezone.localdate()
    member.touch(by=by)
    member.save()
    event_log(
        actor=by,
        verb="household.member_left",
        obj=member.household,
        site=member.site,
        data={"person": str(member.person_id)},
    )
