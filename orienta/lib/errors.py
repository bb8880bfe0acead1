"""The exceptions every app shares, so pages and the API answer them one way.

- `Refused(message)`: a domain operation that the record's present state does not allow — a
  closed case closed again, a payment above what is left, a referral served after it was
  declined, an edit of a record someone else saved meanwhile (`core.services.StaleEdit`). The
  message is a translated sentence for the user. Pages show it (`refused_message`); the API's
  exception handler (`orienta.lib.api.errors`) answers `{"detail": message}` with the class's
  `status` (409). Each app derives its own: `cases.services.CaseRefused`,
  `fund.services.Refused`, `referrals.services.IllegalTransition`.
- `AppendOnly`: a change or removal of a row of an append-only table (the access log, the
  support fund's ledger), which are written once.
- `OutOfScope(object_type, object_id)`: the record asked for is not in the user's scope (or
  does not exist: the two look the same from outside). The access helpers (`*_for(user, pk)`)
  raise it; it is an Http404, so pages and the API answer 404, and the refusal is written in
  the access log in one place, `audit.middleware.RefusedAccessMiddleware` (told by
  `process_exception` for pages, by the API's exception handler for the API).
"""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.functional import Promise


class Refused(Exception):
    """The operation cannot be done in the record's present state; the message says why."""

    status = 409
    default_message: str | Promise = ""

    def __init__(self, message: str = "", code: str | None = None) -> None:
        message = message or str(self.default_message)
        super().__init__(message)
        self.message = message
        self.code = code


def refused_message(request: HttpRequest, exc: Refused) -> None:
    """Show a refusal on the next page, as an error message."""
    messages.error(request, exc.message)


class AppendOnly(Exception):
    """Rows of an append-only table are written once and never changed or removed."""


class OutOfScope(Http404):
    """The record asked for is not in the user's scope, or does not exist: a logged 404."""

    def __init__(
        self, object_type: str = "", object_id: object = None, *, person_id: object = None
    ) -> None:
        super().__init__()
        self.object_type = object_type
        self.object_id = _uuid_or_none(object_id)
        self.person_id = _uuid_or_none(person_id)


def _uuid_or_none(value: object) -> UUID | None:
    """The id as a UUID; None for no id or an id that is not one (it names no record)."""
    if value is None or isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return None


REFUSAL_ATTRIBUTE = "orienta_out_of_scope"


def note_out_of_scope(request: HttpRequest, exc: BaseException) -> None:
    """Keep the refusal on the request, for the audit middleware to log with the answer."""
    if isinstance(exc, OutOfScope):
        setattr(request, REFUSAL_ATTRIBUTE, exc)


def out_of_scope_of(request: HttpRequest) -> OutOfScope | None:
    found = getattr(request, REFUSAL_ATTRIBUTE, None)
    return found if isinstance(found, OutOfScope) else None
