"""Directory objects for tests of this and other apps."""

from decimal import Decimal

from orienta.directory.models import Service
from orienta.directory.services import cost_option_add, service_create


def make_service(
    organisation,
    *,
    name="Civil registration",
    response_days=14,
    amount=None,
    currency=None,
    themes=(),
    by=None,
) -> Service:
    """A service of the organisation; with a cost option when `amount` is given."""
    service = service_create(
        by=by,
        organisation=organisation,
        data={"name": name, "response_days": response_days, "status": Service.Status.ACTIVE},
        themes=themes,
    )
    if amount is not None:
        cost_option_add(
            by=by,
            service=service,
            option="Fee",
            amount=Decimal(str(amount)),
            currency=currency,
        )
    return service
