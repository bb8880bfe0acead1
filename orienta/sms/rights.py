"""What the registry's data-subject export, erasure and merge do with SMS (see
`orienta.people.hooks`): the messages sent to a person are in their export; an erasure empties
their text and masks their number (the month, country, purpose and cost stay, so the costs
hold); a merge moves them to the surviving record."""

from django.utils import timezone

from orienta.sms.models import SmsMessage
from orienta.sms.queries import mask

# The section of the data-subject export these records fill.
EXPORT_KEY = "sms"


def export(ids: list) -> list[dict]:
    messages = SmsMessage.objects.filter(person__in=ids, deleted_at__isnull=True).order_by(
        "created_at", "pk"
    )
    return [
        {
            "at": m.created_at.isoformat(),
            "purpose": m.purpose,
            "phone": m.phone,
            "text": m.body,
            "status": m.status,
        }
        for m in messages
    ]


def erase(ids: list, *, by) -> None:
    for message in SmsMessage.objects.filter(person__in=ids).order_by("pk"):
        message.body = ""
        message.phone = mask(message.phone)
        message.save(update_fields=["body", "phone", *message.touch(by=by, at=timezone.now())])


def merge(*, survivor, merged, by) -> None:
    SmsMessage.objects.filter(person=merged).update(person=survivor, **SmsMessage.touched(by=by))
