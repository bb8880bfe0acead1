"""What Orienta sends by SMS, and to whom: the referral's code and the service's address, and
reminders of follow-up appointments, each in the person's language.

A message is queued as soon as what it is about is committed: core's `event_committed` (the
event log's entries, after their transaction commits; ADR 6: the referrals and cases apps know
nothing of this one) brings a referral sent (its code) and a follow-up planned (its reminder,
when it is for tomorrow and it is daytime at the site), and the message is handed to the task
queue at once (`services.sms_queue`). The scheduled sweep (`tasks.run`, every 15 minutes) is the
catch-up: the referrals sent in the last two days whose person agreed to SMS since, a change
committed while the receiver failed, and the follow-ups planned for tomorrow at the person's
site (sent during the site's daytime). A message about one thing is queued once (its key), so
the receiver and the sweep, or the sweep run twice or late, never send anything twice.

Discretion (survivors of violence, children at risk): the phone may be shared, or read by the
person the survivor fled. Nothing is sent about a referral or an appointment that could reveal
its nature: no SMS at all for a referral in a sensitive case, or whose service, case needs or
visit themes are among `DISCREET_THEMES`, and no reminder for a sensitive case. The texts that
are sent name the office and the service, never a need, a theme or a note.

Who gets a message: a person with a phone, who agreed to the processing of their data and to
SMS (`Person.consent_sms`), whose record is neither merged nor anonymised, and whose number has
not sent STOP.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from orienta.cases.models import ContactKind, FollowUp, FollowUpStatus
from orienta.cases.models import Status as CaseStatus
from orienta.core.models import Event, Site
from orienta.people.models import Person
from orienta.referrals.models import OPEN_STATUSES, Referral
from orienta.sms.models import Purpose, SmsMessage
from orienta.sms.services import sms_queue

# Themes whose very mention could put a person at risk.
DISCREET_THEMES = frozenset({"gbv", "child_protection"})
# Referrals sent this long ago or less still get their code (a sweep missed, a node synced).
REFERRAL_WINDOW = timedelta(days=2)
# Reminders are sent the day before, between these hours of the site's day.
DAY_STARTS, DAY_ENDS = 8, 19
BATCH = 500


def opted_in(prefix: str = "") -> Q:
    """Persons (through `prefix`) who may receive SMS."""
    return Q(
        **{
            f"{prefix}consent_processing": True,
            f"{prefix}consent_sms": True,
            f"{prefix}merged_into__isnull": True,
            f"{prefix}erased_at__isnull": True,
            f"{prefix}deleted_at__isnull": True,
        }
    ) & ~Q(**{f"{prefix}phone": ""})


def language_of(person: Person, site: Site) -> str:
    return person.language or site.country.language


def is_discreet(referral: Referral) -> bool:
    """A referral whose existence must not reach the person's phone (see the module's doc)."""
    themes = set(referral.service.themes.values_list("code", flat=True))
    if referral.case_id is not None and referral.case is not None:
        if referral.case.sensitive:
            return True
        themes |= set(referral.case.needs.values_list("code", flat=True))
    if referral.visit_id is not None and referral.visit is not None:
        themes |= set(referral.visit.themes.values_list("code", flat=True))
    return bool(themes & DISCREET_THEMES)


def service_address(referral: Referral) -> str:
    """Where the service is: its first location's address and town, else its organisation's."""
    place = (
        referral.service.service_at_locations.select_related("location")
        .order_by("created_at")
        .first()
    )
    if place is not None:
        parts = [place.location.address_1, place.location.city]
        text = ", ".join(p.strip() for p in parts if p and p.strip())
        if text:
            return text
    return referral.service.organisation.address.strip()


def referral_text(referral: Referral, language: str) -> str:
    address = service_address(referral)
    with translation.override(language):
        values = {
            "office": referral.site.name,
            "code": referral.code,
            "service": referral.service.name,
            "organisation": referral.service.organisation.name,
            "address": address,
        }
        if address:
            text = _(
                "%(office)s: your referral %(code)s to %(service)s (%(organisation)s), "
                "%(address)s. Show this code there. Send STOP to receive no more SMS."
            )
        else:
            text = _(
                "%(office)s: your referral %(code)s to %(service)s (%(organisation)s). Show "
                "this code there. Send STOP to receive no more SMS."
            )
        return text % values


def queue_referral_codes(now: datetime, referral_id: UUID | None = None) -> int:
    """Queue the code of each recent open referral (or only this one) whose person may
    receive SMS."""
    only = Q(pk=referral_id) if referral_id is not None else Q()
    found = (
        Referral.objects.filter(
            only,
            opted_in("person__"),
            status__in=OPEN_STATUSES,
            sent_at__gte=now - REFERRAL_WINDOW,
            sent_at__lte=now,
            deleted_at__isnull=True,
        )
        .exclude(
            pk__in=SmsMessage.objects.filter(purpose=Purpose.REFERRAL_CODE).values("referral_id")
        )
        .select_related("person", "site__country", "service__organisation", "case", "visit")
        .order_by("sent_at")[:BATCH]
    )
    count = 0
    for referral in found:
        if is_discreet(referral):
            continue
        language = language_of(referral.person, referral.site)
        queued = sms_queue(
            phone=referral.person.phone,
            body=referral_text(referral, language),
            purpose=Purpose.REFERRAL_CODE,
            site=referral.site,
            person=referral.person,
            referral=referral,
            language=language,
            key=f"referral:{referral.pk}",
        )
        count += queued is not None
    return count


def reminder_text(followup: FollowUp, language: str) -> str:
    site = followup.site
    assert followup.due_on is not None  # a planned follow-up has its day
    with translation.override(language):
        values = {
            "office": site.name,
            "date": formats.date_format(followup.due_on, "DATE_FORMAT"),
            "address": site.address,
        }
        if followup.kind == ContactKind.PHONE:
            text = _("%(office)s: we will call you on %(date)s. Send STOP to receive no more SMS.")
        elif followup.kind == ContactKind.HOME_VISIT:
            text = _(
                "%(office)s: an agent will come to see you on %(date)s. Send STOP to receive "
                "no more SMS."
            )
        elif site.address:
            text = _(
                "%(office)s: reminder of your appointment on %(date)s, %(address)s. Send STOP "
                "to receive no more SMS."
            )
        else:
            text = _(
                "%(office)s: reminder of your appointment on %(date)s. Send STOP to receive no "
                "more SMS."
            )
        return text % values


def queue_reminders(now: datetime, case_id: UUID | None = None) -> int:
    """Queue tomorrow's appointments' reminders (or only this case's) at the sites where it is
    daytime now."""
    count = 0
    only = Q(case_id=case_id) if case_id is not None else Q()
    sites = Site.objects.filter(deleted_at__isnull=True).select_related("country")
    if case_id is not None:
        sites = sites.filter(pk__in=FollowUp.objects.filter(only).values("site_id"))
    for site in sites:
        local = timezone.localtime(now, ZoneInfo(site.timezone))
        if not DAY_STARTS <= local.hour < DAY_ENDS:
            continue
        tomorrow = local.date() + timedelta(days=1)
        due = (
            FollowUp.objects.filter(
                only,
                opted_in("case__person__"),
                site=site,
                status=FollowUpStatus.PLANNED,
                due_on=tomorrow,
                deleted_at__isnull=True,
                case__sensitive=False,
                case__deleted_at__isnull=True,
            )
            .exclude(case__status=CaseStatus.CLOSED)
            .select_related("case__person", "site__country")
            .order_by("pk")[:BATCH]
        )
        for followup in due:
            person = followup.case.person
            language = language_of(person, site)
            queued = sms_queue(
                phone=person.phone,
                body=reminder_text(followup, language),
                purpose=Purpose.REMINDER,
                site=site,
                person=person,
                language=language,
                key=f"followup:{followup.pk}:{tomorrow.isoformat()}",
            )
            count += queued is not None
    return count


def on_event_committed(sender: Any, event: Event, **kwargs: Any) -> None:
    """core.signals.event_committed's receiver (connected in apps.py): the message a committed
    change calls for, queued and handed to the task queue now rather than at the next sweep."""
    if event.object_type == "referrals.referral" and event.verb == "referral_send":
        queue_referral_codes(timezone.now(), referral_id=event.object_id)
    elif event.object_type == "cases.case" and event.verb == "case.followup_planned":
        queue_reminders(timezone.now(), case_id=event.object_id)
