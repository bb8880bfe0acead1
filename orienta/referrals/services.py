"""Writes on referrals: send, the provider's answers, the outcome, cancel, expire; links."""

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orienta.cases.models import Case, CaseAction
from orienta.cases.services import CaseRefused, can_change, case_action_add
from orienta.core.access import can_record, manages_site
from orienta.core.models import Site, User
from orienta.core.scoping import records_at_site
from orienta.core.services import event_log
from orienta.core.types import AnyUser
from orienta.directory.models import Service
from orienta.frontdesk.models import Visit
from orienta.lib import codes, journal
from orienta.lib.errors import Refused
from orienta.people.models import Person
from orienta.people.queries import person_may_be_shared
from orienta.referrals.models import (
    ANSWERED_STATUSES,
    CODE_ALPHABET,
    CODE_LENGTH,
    Actor,
    Referral,
    ReferralEvent,
    ReferralLink,
    SharedField,
    Status,
    Urgency,
    link_token,
    token_digest,
)
from orienta.referrals.queries import origin_belongs

# A link stays valid this long after the answer was due, so a late provider can still answer.
LINK_MARGIN_DAYS = 7


# Both bases keep the sentence in `.message` (Refused's a str, ValidationError's a str or a lazy
# string): the str set last is valid for both, but mypy sees two declarations of one attribute.
class IllegalTransition(Refused, ValidationError):  # type: ignore[misc]
    """The referral cannot go from its status to the one asked (e.g. serving a declined one)."""


class ConsentMissing(ValidationError):
    """The person has not agreed to share their data with partners, and nobody overrode it."""


def new_code(site: Site | None = None) -> str:
    """A random reference such as K7M-3QX, unused so far (at a site node: from its block)."""
    if (allocate := codes.allocator()) is not None:
        return allocate(site=site, kind="referral")
    first = CODE_ALPHABET.replace(codes.NODE_REFERRAL_MARK, "")
    for _try in range(50):
        raw = secrets.choice(first)
        raw += "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH - 1))
        code = f"{raw[:3]}-{raw[3:]}"
        if not Referral.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free referral code")


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return f"{raw[:3]}-{raw[3:]}" if len(raw) == CODE_LENGTH else ""


def _record(
    referral: Referral,
    *,
    verb: str,
    actor: str,
    user: AnyUser | None = None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
) -> datetime:
    at = timezone.now()
    ReferralEvent.objects.create(
        referral=referral,
        site_id=referral.site_id,
        at=at,
        verb=verb,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        user=user if user is not None and user.is_authenticated else None,
        note=note,
    )
    event_log(
        actor=user,
        verb=f"referral_{verb}",
        obj=referral,
        site=referral.site,
        data={"from": from_status, "to": to_status, "by": actor},
    )
    return at


def _check_consent(*, person: Person, by: User, override_reason: str, site: Site) -> None:
    if person_may_be_shared(person):
        return
    if not override_reason.strip():
        raise ConsentMissing(
            _(
                "This person has not agreed to share their data with partners: the "
                "referral cannot be sent without a site manager's written decision."
            ),
            code="consent",
        )
    if not manages_site(by, site.pk):
        raise PermissionDenied(_("Only a manager of the site can send without consent."))


def _clean_shared(shared_fields: Iterable[str] | None) -> list[str]:
    chosen = set(shared_fields or ())
    unknown = chosen - set(SharedField.values)
    if unknown:
        raise ValidationError(_("Unknown data to share."), code="invalid_choice")
    return [f for f in SharedField.values if f in chosen]


class OriginMismatch(PermissionDenied):
    """The case, case action or visit a referral comes from is not the person's."""


def referral_send(
    *,
    by: User,
    person: Person,
    service: Service,
    site: Site,
    reason: str,
    urgency: str = Urgency.ROUTINE,
    shared_fields: Iterable[str] | None = (SharedField.GIVEN_NAME,),
    case: Case | None = None,
    action: CaseAction | None = None,
    visit: Visit | None = None,
    consent_override_reason: str = "",
) -> Referral:
    """Send a person to a service. Refused without the person's consent to sharing, unless a
    manager of the site gives a written reason (both are kept and logged). The case, action and
    visit it comes from must be the person's (`origin_belongs`). From a case, only those who may
    change it refer (not who opened a sensitive case by breaking the glass)."""
    if not origin_belongs(person=person, case=case, action=action, visit=visit):
        raise OriginMismatch(_("The case, action or visit is not this person's."))
    if not records_at_site(by, site.pk):
        raise PermissionDenied(_("You cannot record at this site."))
    if case is not None and not can_change(by, case):
        raise PermissionDenied
    if service.status != "active":
        raise ValidationError(_("This service is not active."), code="inactive")
    if not reason.strip():
        raise ValidationError(_("Say why the person is referred."), code="required")
    if urgency not in Urgency.values:
        raise ValidationError(_("Choose an urgency."), code="invalid_choice")
    shared = _clean_shared(shared_fields)
    with transaction.atomic():
        _check_consent(person=person, by=by, override_reason=consent_override_reason, site=site)
        now = timezone.now()
        override = consent_override_reason.strip()
        referral = Referral.objects.create(
            person=person,
            service=service,
            case=case,
            action=action,
            visit=visit,
            site=site,
            code=new_code(site),
            urgency=urgency,
            reason=reason.strip(),
            shared_fields=shared,
            sent_by=by,
            sent_at=now,
            answer_due_at=now + timedelta(days=service.response_days or 14),
            consent_override_reason=override,
            consent_override_by=by if override else None,
            created_by=by,
            updated_by=by,
        )
        if override:
            _record(referral, verb="consent_override", actor=Actor.USER, user=by, note=override)
        _record(referral, verb="send", actor=Actor.USER, user=by, to_status=Status.SENT)
    return referral


TRANSITION_VERBS: dict[str, str] = {
    Status.ACCEPTED: "accept",
    Status.DECLINED: "decline",
    Status.SERVED: "serve",
    Status.NOT_SERVED: "not_served",
    Status.CANCELLED: "cancel",
    Status.EXPIRED: "expire",
}


def _illegal(referral: Referral, to_status: str) -> IllegalTransition:
    return IllegalTransition(
        _("A referral that is %(status)s cannot be marked %(new)s.")
        % {
            "status": str(Status(referral.status).label).lower(),
            "new": str(Status(to_status).label).lower(),
        },
        code="illegal_transition",
    )


def _move(
    referral: Referral,
    *,
    to_status: str,
    by: AnyUser | None = None,
    actor: str = Actor.USER,
    note: str = "",
) -> Referral:
    """Move the referral (locked for the transaction) to a new status, or refuse."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if not locked.may_become(to_status):
            raise _illegal(locked, to_status)
        from_status = locked.status
        at = _record(
            locked,
            verb=TRANSITION_VERBS[to_status],
            actor=actor,
            user=by,
            note=note,
            from_status=from_status,
            to_status=to_status,
        )
        _apply(locked, to_status=to_status, at=at, note=note, actor=actor)
        locked.touch(by=by, at=at)
        locked.save()
    referral.refresh_from_db()
    return referral


def _apply(referral: Referral, *, to_status: str, at: datetime, note: str, actor: str) -> None:
    referral.status = to_status
    if to_status in ANSWERED_STATUSES and referral.answered_at is None:
        referral.answered_at = at
    if to_status == Status.SERVED:
        referral.served_at = at
    if to_status not in (Status.SENT, Status.ACCEPTED):
        referral.closed_at = at
    if note:
        referral.outcome_note = note


def referral_accept(
    *, referral: Referral, by: AnyUser | None = None, actor: str = Actor.USER, note: str = ""
) -> Referral:
    return _move(referral, to_status=Status.ACCEPTED, by=by, actor=actor, note=note)


def referral_decline(
    *, referral: Referral, reason: str, by: AnyUser | None = None, actor: str = Actor.USER
) -> Referral:
    if not (reason or "").strip():
        raise ValidationError(_("Say why the referral is declined."), code="required")
    return _move(referral, to_status=Status.DECLINED, by=by, actor=actor, note=reason.strip())


def referral_serve(
    *, referral: Referral, by: AnyUser | None = None, actor: str = Actor.USER, note: str = ""
) -> Referral:
    return _move(referral, to_status=Status.SERVED, by=by, actor=actor, note=note)


def referral_not_served(
    *, referral: Referral, by: AnyUser | None = None, actor: str = Actor.USER, note: str = ""
) -> Referral:
    """The person did not come, or was not served."""
    return _move(referral, to_status=Status.NOT_SERVED, by=by, actor=actor, note=note)


def referral_answer(
    *,
    referral: Referral,
    status: str,
    note: str = "",
    by: User | None = None,
    actor: str = Actor.USER,
) -> Referral:
    """Move the referral to `status` with `note` (an answer form's, or the API's), by the
    provider or the site's staff; cancelling is the staff's."""
    if status == Status.CANCELLED:
        return referral_cancel(referral=referral, by=by, note=note)
    if status == Status.DECLINED:
        return referral_decline(referral=referral, reason=note, by=by, actor=actor)
    moves: dict[str, Callable[..., Referral]] = {
        Status.ACCEPTED: referral_accept,
        Status.SERVED: referral_serve,
        Status.NOT_SERVED: referral_not_served,
    }
    return moves[status](referral=referral, by=by, actor=actor, note=note)


def referral_cancel(*, referral: Referral, by: User | None, note: str = "") -> Referral:
    """The agent withdraws the referral; its links stop working."""
    if not can_record(by):
        raise PermissionDenied(_("Only the site's staff can cancel a referral."))
    moved = _move(referral, to_status=Status.CANCELLED, by=by, actor=Actor.USER, note=note)
    _links_revoke(referral, by=by)
    return moved


def _links_revoke(referral: Referral, *, by: User | None) -> int:
    """Revoke the referral's live links (journaled for sync: a bulk update sends no signal)."""
    live = list(
        ReferralLink.objects.filter(referral=referral, revoked_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    count = ReferralLink.objects.filter(pk__in=live).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    journal.rows_updated(ReferralLink, live, ["revoked_at", "revoked_by"])
    return count


def referral_expire(
    *, referral: Referral, now: datetime | None = None
) -> tuple[Referral, CaseAction | None]:
    """Nobody answered in time: the referral expires, and its case (if open) gets a follow-up
    action. Returns the referral and the action (None without a case, or if it is closed)."""
    with transaction.atomic():
        moved = _move(referral, to_status=Status.EXPIRED, actor=Actor.SYSTEM)
        case = moved.case if moved.case_id else None
        if case is None:
            return moved, None
        try:
            with translation.override(moved.site.country.language):
                what = _(
                    "Referral %(code)s to %(service)s expired without an answer: "
                    "call the person and the provider."
                ) % {"code": moved.code, "service": moved.service.name}
            action = case_action_add(
                case=case,
                by=None,
                what=what,
                # The day at the case's site: a past day would be refused.
                due_on=timezone.localtime(
                    now or timezone.now(), ZoneInfo(case.site.timezone)
                ).date(),
            )
        except CaseRefused:
            action = None
    return moved, action


# Links for providers without an account
# =============================================================================================


def link_for(*, referral: Referral, by: AnyUser | None) -> ReferralLink:
    """The referral's current link (made if there is none valid): the slip prints its token."""
    now = timezone.now()
    valid = ReferralLink.objects.filter(
        referral=referral, revoked_at__isnull=True, expires_at__gt=now
    ).order_by("-created_at")
    for current in valid:
        # A link made on the other side (a site node, or the central server for a node) has a
        # token derived with the other's key: it still answers there, but cannot be printed
        # here; this side makes its own.
        if current.digest == token_digest(current.token):
            return current
    link = ReferralLink(
        referral=referral,
        site_id=referral.site_id,
        created_at=now,
        created_by=by if by is not None and by.is_authenticated else None,
        expires_at=max(referral.answer_due_at, now) + timedelta(days=LINK_MARGIN_DAYS),
    )
    link.digest = token_digest(link_token(link.id))
    link.save()
    event_log(actor=by, verb="referral_link_issue", obj=referral, site=referral.site)
    return link


def link_revoke(*, referral: Referral, by: User) -> int:
    """Revoke every link of the referral; the next slip printed carries a new one."""
    with transaction.atomic():
        count = _links_revoke(referral, by=by)
        if count:
            _record(referral, verb="link_revoke", actor=Actor.USER, user=by)
    return count


def link_find(token: str) -> ReferralLink | None:
    """The link of this token, whatever its state (None for an unknown token)."""
    if not token or len(token) > 100:
        return None
    return (
        ReferralLink.objects.select_related("referral", "referral__service", "referral__person")
        .filter(digest=token_digest(token))
        .first()
    )


def link_is_valid(link: ReferralLink, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return link.revoked_at is None and link.expires_at > now


# Retention
# =============================================================================================


def referral_anonymise(*, referral: Referral) -> None:
    """Remove the free text of a closed referral (reason, notes, the override's reason); its
    dates, service, statuses and the person it counts for stay, so the metrics hold. Its links
    stop working."""
    now = timezone.now()
    with transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(
            reason="",
            outcome_note="",
            consent_override_reason="",
            anonymised_at=now,
            updated_at=now,
        )
        journal.rows_updated(
            Referral,
            [referral.pk],
            ["reason", "outcome_note", "consent_override_reason", "anonymised_at", "updated_at"],
        )
        noted = list(
            ReferralEvent.objects.filter(referral=referral)
            .exclude(note="")
            .values_list("pk", flat=True)
        )
        ReferralEvent.objects.filter(pk__in=noted).update(note="")
        journal.rows_updated(ReferralEvent, noted, ["note"])
        _links_revoke(referral, by=None)
        event_log(actor=None, verb="referral_anonymise", obj=referral, site=referral.site)


def referrals_anonymise_for_persons(person_ids: Iterable[UUID]) -> int:
    """Anonymise every referral of these persons (for the erasure of a person): returns how
    many were anonymised."""
    count = 0
    for referral in (
        Referral.objects.filter(person__in=list(person_ids), anonymised_at__isnull=True)
        .select_related("site")
        .order_by("pk")
    ):
        referral_anonymise(referral=referral)
        count += 1
    return count
