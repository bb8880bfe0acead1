"""What the support-fund API reads and writes."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictFloat, StrictInt, StrictStr

from orienta.fund.models import MAX_QUANTITY, Criterion, Method, Status
from orienta.lib.text import NameText

AMOUNT = (
    'The amount in the fund\'s currency, as text or a whole number: "1500" (XAF, XOF: no '
    'decimals), "12.50" (MZN: two decimals). A JSON decimal number (1500.0) is refused.'
)


def _one_of(choices) -> str:
    return "One of: " + ", ".join(str(v) for v in choices.values) + "."


class RequestIn(Schema):
    person: UUID = Field(description="The person the fee is paid for.")
    site: str | None = Field(None, description="Code of the person's site (optional).")
    amount: StrictStr | StrictInt | StrictFloat = Field(
        description=AMOUNT + " The total for every unit requested."
    )
    quantity: StrictInt = Field(
        1,
        ge=1,
        le=MAX_QUANTITY,
        description=(
            "Units of the fee paid (3 copies of a certificate): the amount may be at most the "
            "cost option's price times this."
        ),
    )
    currency: str | None = Field(None, max_length=3, description="If given, the fund's currency.")
    reason: str = Field(max_length=2000, description="Why the person cannot pay.")
    criteria: list[str] = Field(description="Eligibility criteria met. " + _one_of(Criterion))
    evidence: str = Field("", max_length=2000)
    provider: UUID | None = Field(
        None, description="The organisation to pay, when no service, cost option or referral."
    )
    service: UUID | None = None
    cost_option: UUID | None = Field(None, description="The amount may not exceed its price.")
    referral: UUID | None = None
    case_action: UUID | None = None
    confirm_repeat: bool = Field(
        False, description="Make the request even though a look-alike is recent (409 otherwise)."
    )


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class PayIn(Schema):
    method: str = Field(description=_one_of(Method))
    receipt_number: NameText = Field(
        "", max_length=60, description="For cash: the provider's receipt."
    )
    operator: NameText = Field("", max_length=40, description="For mobile money: the operator.")
    reference: NameText = Field(
        "", max_length=60, description="For mobile money: the transaction id."
    )
    paid_on: date | None = Field(None, description="Today when not given.")


class PaymentOut(Schema):
    method: str
    receipt_number: str
    operator: str
    reference: str
    paid_on: date
    paid_at: datetime
    paid_by: str
    has_receipt: bool
    reversed_at: datetime | None
    reversed_by: str | None
    reversal_reason: str


class RequestOut(Schema):
    id: UUID
    code: str
    site: str
    person: UUID
    person_code: str
    household: str | None
    provider: UUID
    provider_name: str
    service: UUID | None
    service_name: str
    cost_option: UUID | None
    referral: UUID | None
    case_action: UUID | None
    period: str
    quantity: int
    amount: str = Field(description="The total, for every unit.")
    currency: str
    amount_eur: str
    reason: str
    criteria: list[str]
    evidence: str
    level: str = Field(description="Who approves: manager (site manager) or coordinator.")
    status: str = Field(description=_one_of(Status))
    repeat_of: str | None
    created_at: datetime
    created_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str
    payment: PaymentOut | None
    version: int


class RepeatOut(Schema):
    detail: str
    similar: str = Field(description="The reference of the recent look-alike request.")


class BalanceOut(Schema):
    site: str
    currency: str
    allocated: str
    committed: str
    paid: str
    available: str
    allocated_eur: str | None
    committed_eur: str | None
    paid_eur: str | None
    available_eur: str | None


class BalancesOut(Schema):
    items: list[BalanceOut]
    count: int
