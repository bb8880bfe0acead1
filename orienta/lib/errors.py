"""The exceptions every app shares, so pages and the API answer them one way.

- `Refused(message)`: a domain operation that the record's present state does not allow — a
  closed case closed again, a payment above what is left, a referral served after it was
  declined, an edit of a record someone else saved meanwhile (`core.services.StaleEdit`). The
  message is a translated sentence for the user. Pages show it (`refused_message`); the API's
  exception handler (`orienta.lib.api.errors`) answers `{"detail": message}` with the class's
  `status` (409). Each app derives its own: `cases.services.CaseRefused`,
  `fund.services.Refused`, `referrals.services.IllegalTransition`.
- `OutOfScope(object_type, object_id)`: what the `*_for(user, pk)` access helpers raise for a
  record that does not exist or that the user may not see. It is a 404 (Django and the API
  answer it as one), and the access log's middleware records it as a refused access naming
  the object (`orienta.audit.middleware`); `person_id` names the person it was about, so the
  refusal shows in that person's log.
- `AppendOnly`: a change or removal of a row of an append-only table (the access log, the
  support fund's ledger), which are written once.
"""

from uuid import UUID

from django.contrib import messages
from django.http import Http404


class Refused(Exception):
    """The operation cannot be done in the record's present state; the message says why."""

    status = 409
    default_message = ""

    def __init__(self, message: str = "", code: str | None = None):
        message = message or str(self.default_message)
        super().__init__(message)
        self.message = message
        self.code = code


def refused_message(request, exc: Refused) -> None:
    """Show a refusal on the next page, as an error message."""
    messages.error(request, exc.message)


def as_uuid(value) -> UUID | None:
    """`value` as a UUID, or None when it is not one (an id typed into an address)."""
    if value is None or isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return None


class OutOfScope(Http404):
    """A record asked for that does not exist or is not in the user's scope: a 404, logged as a
    refusal naming `object_type` and `object_id` (and `person_id`, the person it concerns)."""

    def __init__(self, object_type: str, object_id=None, *, person_id=None):
        super().__init__(object_type)
        self.object_type = object_type
        self.object_id = as_uuid(object_id)
        self.person_id = as_uuid(person_id)


class AppendOnly(Exception):
    """Rows of an append-only table are written once and never changed or removed."""
