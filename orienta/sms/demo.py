"""Demo SMS: at each site, a share of the persons who agreed to the processing of their data
also agree to SMS (some in another language than the site's); their referrals' codes and the
reminders of their follow-ups were sent over the last months, delivered at the price of a
demo gateway (costs per country), a few after a failed first attempt, one number opted out.

Consents go through the people app's service as the site's agent; the messages through this
app's services, with the demo's own gateway (nothing leaves the machine). Then their stamps are
moved back to the day they were sent, like the other apps' demos: the one place writing without
a service, once, in demo mode, in the load's transaction.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from orienta.cases.models import FollowUp
from orienta.core.models import Role
from orienta.people.models import Person
from orienta.people.rights import consent_give
from orienta.referrals.models import Referral
from orienta.sms.gateways import BaseBackend, GatewayError, SendResult
from orienta.sms.models import OptOut, Purpose, SmsMessage
from orienta.sms.outgoing import is_discreet, language_of, referral_text, reminder_text
from orienta.sms.services import sms_attempt, sms_queue

# The demo gateway's price of one SMS, per country (USD).
PRICES = {"TD": Decimal("0.0820"), "MZ": Decimal("0.0410"), "GW": Decimal("0.0870")}
SMS_SHARE = 0.6
OTHER_LANGUAGE_SHARE = 0.1


class DemoGateway(BaseBackend):
    """Delivers every message at the country's price; the first attempt of some fails."""

    name = "demo"

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.count = 0

    def send(self, *, to: str, body: str, reference: str, callback_url: str) -> SendResult:
        self.count += 1
        if self.count % 15 == 3:  # one message in fifteen goes through on its second attempt
            raise GatewayError("HTTP 503: gateway busy", temporary=True)
        code = "TD" if to.startswith("+235") else "MZ" if to.startswith("+258") else "GW"
        return SendResult(f"demo-{self.count}", "delivered", PRICES[code], "USD")


def build(ctx: Any) -> None:
    gateway = DemoGateway(ctx)
    for site in ctx.sites.values():
        agent = site.staff.filter(role=Role.AGENT, is_active=True).order_by("username").first()
        if agent is None:
            continue
        persons = Person.objects.filter(site=site, consent_processing=True).exclude(phone="")
        for person in persons.order_by("code"):
            if ctx.rng.random() >= SMS_SHARE:
                continue
            consent_give(person=person, purpose="sms", by=agent)
            if ctx.rng.random() < OTHER_LANGUAGE_SHARE:
                other = "en" if site.country.language != "en" else "fr"
                Person.objects.filter(pk=person.pk).update(language=other)
        sent = _referral_codes(ctx, site, gateway) + _reminders(ctx, site, gateway)
        ctx.counts.setdefault(site.code, {})["sms"] = sent
    _one_opt_out(ctx)


def _send(ctx: Any, gateway: DemoGateway, message: SmsMessage | None, at) -> int:
    if message is None:
        return 0
    if sms_attempt(message.pk, now=at, backend=gateway) == "retry":
        sms_attempt(message.pk, now=at + timedelta(minutes=2), backend=gateway)
    SmsMessage.objects.filter(pk=message.pk).update(created_at=at, updated_at=at)
    return 1


def _referral_codes(ctx: Any, site, gateway: DemoGateway) -> int:
    count = 0
    referrals = (
        Referral.objects.filter(site=site, person__consent_sms=True)
        .exclude(person__phone="")
        .select_related("person", "site__country", "service__organisation", "case", "visit")
        .order_by("sent_at")
    )
    for referral in referrals:
        if is_discreet(referral):
            continue
        language = language_of(referral.person, site)
        message = sms_queue(
            phone=referral.person.phone,
            body=referral_text(referral, language),
            purpose=Purpose.REFERRAL_CODE,
            site=site,
            person=referral.person,
            referral=referral,
            language=language,
            key=f"referral:{referral.pk}",
            enqueue=False,
        )
        count += _send(ctx, gateway, message, referral.sent_at + timedelta(minutes=7))
    return count


def _reminders(ctx: Any, site, gateway: DemoGateway) -> int:
    count = 0
    followups = (
        FollowUp.objects.filter(
            site=site,
            case__person__consent_sms=True,
            case__sensitive=False,
            due_on__isnull=False,
            due_on__lte=ctx.now.date(),
        )
        .exclude(case__person__phone="")
        .select_related("case__person", "site__country")
        .order_by("due_on")
    )
    for followup in followups:
        person = followup.case.person
        language = language_of(person, site)
        message = sms_queue(
            phone=person.phone,
            body=reminder_text(followup, language),
            purpose=Purpose.REMINDER,
            site=site,
            person=person,
            language=language,
            key=f"followup:{followup.pk}:{followup.due_on}",
            enqueue=False,
        )
        at = ctx.now.replace(hour=9) - timedelta(days=(ctx.now.date() - followup.due_on).days + 1)
        count += _send(ctx, gateway, message, at)
    return count


def _one_opt_out(ctx: Any) -> None:
    """One person of the first site answered STOP (the log shows it, nothing more is sent)."""
    message = SmsMessage.objects.filter(purpose=Purpose.REFERRAL_CODE).order_by("created_at").last()
    if message is None or OptOut.objects.filter(phone=message.phone).exists():
        return
    received = SmsMessage.objects.create(
        site=message.site,
        country=message.country,
        direction="in",
        purpose=Purpose.OPT_OUT,
        phone=message.phone,
        body="STOP",
        status="received",
        backend="demo",
    )
    OptOut.objects.create(phone=message.phone, at=ctx.now, keyword="STOP", message=received)
