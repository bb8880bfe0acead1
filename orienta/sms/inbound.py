"""Messages received through the gateway: a provider confirms a referral, anyone opts out.

- `<code> RECU` (received: the provider accepts the referral) or `<code> SERVI` (the person was
  served), in French, Portuguese or English (`CONFIRM_WORDS`, with the provider page's own
  words, "Aceite" and "Atendido" in Portuguese): the referral moves exactly as when the provider
  answers on the link's page (`referrals.services.referral_answer`), by the provider, by SMS.
  Only a number on the provider's record (its organisation's phone, the service's contacts')
  may confirm its referrals.
- `STOP` (`ARRET`, `PARAR`): nothing more is sent to the number.
- Anything else, an unknown code, or a code the number may not confirm: one clear reply in the
  sender's language, the same whether the code exists or not (a reply must not tell a stranger
  which codes are real), and nothing changes.

Every message received is kept in the log; replies are sent through the queue like any other
message, at most `MAX_REPLIES_A_DAY` a day to one number (a flood of messages must not cost a
flood of replies).
"""

import logging
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orienta.core.services import event_log
from orienta.lib.phones import InvalidPhone, to_e164
from orienta.referrals.models import Actor, Referral, Status
from orienta.referrals.queries import status_message
from orienta.referrals.services import normalise_code, referral_answer
from orienta.sms.gateways import Inbound
from orienta.sms.models import Direction, Purpose, SmsMessage
from orienta.sms.models import Status as SmsStatus
from orienta.sms.services import normalise_phone, phone_country, sms_opt_out, sms_queue

logger = logging.getLogger(__name__)

# The word after the code, without accents, upper case: the status it asks and its language.
CONFIRM_WORDS: dict[str, tuple[str, str]] = {
    "RECU": (Status.ACCEPTED, "fr"),
    "RECUE": (Status.ACCEPTED, "fr"),
    "ACCEPTE": (Status.ACCEPTED, "fr"),
    "ACCEPTEE": (Status.ACCEPTED, "fr"),
    "SERVI": (Status.SERVED, "fr"),
    "SERVIE": (Status.SERVED, "fr"),
    "RECEBIDO": (Status.ACCEPTED, "pt"),
    "RECEBIDA": (Status.ACCEPTED, "pt"),
    "ACEITE": (Status.ACCEPTED, "pt"),
    "SERVIDO": (Status.SERVED, "pt"),
    "SERVIDA": (Status.SERVED, "pt"),
    "ATENDIDO": (Status.SERVED, "pt"),
    "ATENDIDA": (Status.SERVED, "pt"),
    "RECEIVED": (Status.ACCEPTED, "en"),
    "ACCEPTED": (Status.ACCEPTED, "en"),
    "SERVED": (Status.SERVED, "en"),
}
STOP_WORDS: dict[str, str] = {"STOP": "", "ARRET": "fr", "ARRETER": "fr", "PARAR": "pt"}
MAX_REPLIES_A_DAY = 5
MAX_TEXT = 500


@dataclass
class Outcome:
    """What a received message did: the message as logged, and the reply queued (if any)."""

    message: SmsMessage
    reply: SmsMessage | None
    action: str  # "confirmed", "refused", "unknown", "opt_out", "not_understood", "duplicate"


def words_of(text: str) -> list[str]:
    """The message's words, upper case, without accents ("reçu" -> "RECU")."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return plain.upper().replace(",", " ").replace(".", " ").split()


def _code_and_word(words: list[str]) -> tuple[str, str]:
    """The referral code and the word after it: "K7M-3QX SERVI", "K7M3QX servi", "K7M 3QX
    SERVI"."""
    if len(words) >= 2 and normalise_code(words[0]):
        return normalise_code(words[0]), words[1]
    if len(words) >= 3 and normalise_code(words[0] + words[1]):
        return normalise_code(words[0] + words[1]), words[2]
    return "", ""


def provider_phones(referral: Referral) -> set[str]:
    """The numbers on the provider's record: its organisation's, its service's contacts'."""
    organisation = referral.service.organisation
    region = organisation.country.code
    raw = [organisation.phone, *referral.service.contacts.values_list("phone", flat=True)]
    numbers = set()
    for number in raw:
        try:
            numbers.add(to_e164(number, region))
        except InvalidPhone:
            continue
    numbers.discard("")
    return numbers


def _language(sender: str, hint: str = "") -> str:
    if hint:
        return hint
    country = phone_country(sender)
    return country.language if country else settings.LANGUAGE_CODE[:2]


def _reply(incoming: SmsMessage, language: str, text: str) -> SmsMessage | None:
    since = timezone.now() - timedelta(days=1)
    replies = SmsMessage.objects.filter(
        phone=incoming.phone, purpose=Purpose.REPLY, created_at__gte=since
    ).count()
    if replies >= MAX_REPLIES_A_DAY:
        logger.warning("SMS: no more replies today to %s", incoming.phone[:-4] + "••••")
        return None
    return sms_queue(
        phone=incoming.phone,
        body=text,
        purpose=Purpose.REPLY,
        site=incoming.site,
        language=language,
        key=f"reply:{incoming.pk}",
    )


def sms_receive(*, inbound: Inbound, backend: str) -> Outcome | None:
    """Handle one received message (see the module's doc). None when the gateway sent the
    same message again (its id already received): nothing is done twice."""
    sender = normalise_phone(inbound.sender)
    if not sender:
        raise ValidationError(_("The sender's number is missing."), code="required")
    with transaction.atomic():
        if (
            inbound.external_id
            and SmsMessage.objects.filter(
                direction=Direction.IN, backend=backend, external_id=inbound.external_id
            ).exists()
        ):
            return None
        incoming = SmsMessage.objects.create(
            direction=Direction.IN,
            purpose=Purpose.OTHER,
            status=SmsStatus.RECEIVED,
            phone=sender,
            body=(inbound.text or "")[:MAX_TEXT],
            country=phone_country(sender),
            backend=backend,
            external_id=inbound.external_id[:100],
        )
        return _handle(incoming, words_of(inbound.text))


def _handle(incoming: SmsMessage, words: list[str]) -> Outcome:
    if words and words[0] in STOP_WORDS:
        return _opt_out(incoming, words[0])
    code, word = _code_and_word(words)
    if code and word in CONFIRM_WORDS:
        return _confirm(incoming, code, *CONFIRM_WORDS[word])
    language = _language(incoming.phone)
    with translation.override(language):
        text = _(
            "Orienta: message not understood. To confirm a referral, send its code and RECU "
            "(received) or SERVI (served), e.g. K7M-3QX SERVI. Send STOP to receive no more SMS."
        )
    return Outcome(incoming, _reply(incoming, language, text), "not_understood")


def _opt_out(incoming: SmsMessage, word: str) -> Outcome:
    SmsMessage.objects.filter(pk=incoming.pk).update(purpose=Purpose.OPT_OUT)
    created = sms_opt_out(phone=incoming.phone, keyword=word, message=incoming)
    reply = None
    if created:
        language = _language(incoming.phone, STOP_WORDS[word])
        with translation.override(language):
            text = _("Orienta: you will receive no more SMS from us.")
        reply = sms_queue(
            phone=incoming.phone,
            body=text,
            purpose=Purpose.OPT_OUT,
            language=language,
            key=f"reply:{incoming.pk}",
            force=True,
        )
    return Outcome(incoming, reply, "opt_out")


def _confirm(incoming: SmsMessage, code: str, status: str, hint: str) -> Outcome:
    referral = (
        Referral.objects.filter(code=code, deleted_at__isnull=True)
        .select_related("service__organisation__country", "site__country")
        .first()
    )
    if referral is None or incoming.phone not in provider_phones(referral):
        if referral is not None:
            # A real code from a number the provider's record does not hold: kept for review.
            logger.warning("SMS: %s may not confirm referral %s", incoming.phone, referral.pk)
            event_log(
                actor=None,
                verb="sms_confirmation_refused",
                obj=incoming,
                site=referral.site,
                data={"referral": str(referral.pk)},
            )
        language = _language(incoming.phone, hint)
        with translation.override(language):
            text = _(
                "Orienta: the code %(code)s is not known for this number. Check the code on "
                "the slip, or ask the office that referred the person."
            ) % {"code": code}
        return Outcome(incoming, _reply(incoming, language, text), "unknown")
    SmsMessage.objects.filter(pk=incoming.pk).update(
        purpose=Purpose.CONFIRMATION,
        site=referral.site,
        country=referral.site.country,
        referral=referral,
    )
    incoming.site = referral.site
    language = referral.site.country.language
    with translation.override(language):
        try:
            referral_answer(referral=referral, status=status, actor=Actor.PROVIDER_SMS)
        except ValidationError as exc:
            text = _("Orienta: %(reason)s") % {"reason": " ".join(exc.messages)}
            return Outcome(incoming, _reply(incoming, language, text), "refused")
        text = _("Orienta: %(status)s Thank you.") % {"status": status_message(referral)}
    return Outcome(incoming, _reply(incoming, language, text), "confirmed")
