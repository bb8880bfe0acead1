"""Writes of the support fund, by subdomain: `permissions` (who may do what), `ledger` (rules,
funds, periods, accounts, entries, allocations), `requests` (made, decided, cancelled, cleared)
and `payments` (paid, reversed). Every movement of money is a ledger entry written by these
modules; the names are re-exported here, so `orienta.fund.services.<name>` is the one address
the views, the API and the other apps use."""

from orienta.fund.services.ledger import (
    Position,
    Refused,
    account_for,
    account_position,
    allocation_record,
    fund_open,
    fund_settings_for,
    period_on,
    period_open,
    position_of,
)
from orienta.fund.services.payments import (
    PaymentInput,
    payment_at_site_confirm,
    payment_record,
    payment_reverse,
)
from orienta.fund.services.permissions import (
    coordinates,
    manages_site,
    may_cancel,
    may_decide,
    may_pay,
)
from orienta.fund.services.requests import (
    CLOSED_STATUSES,
    RepeatFound,
    RequestInput,
    request_approve,
    request_cancel,
    request_create,
    request_reject,
    request_texts_clear,
)

__all__ = [
    "CLOSED_STATUSES",
    "PaymentInput",
    "Position",
    "Refused",
    "RepeatFound",
    "RequestInput",
    "account_for",
    "account_position",
    "allocation_record",
    "coordinates",
    "fund_open",
    "fund_settings_for",
    "manages_site",
    "may_cancel",
    "may_decide",
    "may_pay",
    "payment_at_site_confirm",
    "payment_record",
    "payment_reverse",
    "period_on",
    "period_open",
    "position_of",
    "request_approve",
    "request_cancel",
    "request_create",
    "request_reject",
    "request_texts_clear",
]
