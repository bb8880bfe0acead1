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
"""

from django.contrib import messages
from django.http import HttpRequest
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
