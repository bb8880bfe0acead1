"""Money of the support fund: `Decimal` amounts in a currency's own minor units.

XAF and XOF have no minor unit (a franc is the smallest amount); MZN has two (centavos); EUR
equivalents have two. A float is never accepted: binary fractions cannot hold 0.1 exactly.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

MINOR_UNITS = {"XAF": 0, "XOF": 0, "MZN": 2, "EUR": 2}
# CFA francs are pegged to the euro: 655.957 francs for one euro, whatever the period.
PEGGED_RATES = {"XAF": Decimal("655.957"), "XOF": Decimal("655.957")}
# The largest amount a ledger column holds (Decimal(max_digits=14, decimal_places=2)).
MAX_AMOUNT = Decimal("999999999999")
AMOUNT_TEXT = re.compile(r"-?\d{1,15}(?:[.,]\d{1,6})?")


def minor_units(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValidationError(
            _("%(currency)s is not a currency of the fund."),
            code="currency",
            params={"currency": currency},
        ) from None


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def amount_parse(value, currency: str, *, allow_zero: bool = False) -> Decimal:
    """The amount as a Decimal in `currency`, or a ValidationError saying what is wrong.

    Accepts a Decimal, an int or a string such as "1500" or "12.50"; refuses a float, a
    negative amount (and zero unless `allow_zero`), and more decimals than the currency has.
    """
    places = minor_units(currency)
    if isinstance(value, float | bool):
        raise ValidationError(
            _("Give the amount as a whole number or as text, not as a decimal number."),
            code="float",
        )
    amount = value if isinstance(value, Decimal) else _decimal(value)
    if amount is None or not amount.is_finite():
        raise ValidationError(_("Enter an amount, such as 1500."), code="invalid")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(_("The amount must be greater than zero."), code="min_value")
    if amount > MAX_AMOUNT:
        raise ValidationError(_("This amount is too large."), code="max_value")
    if amount != amount.quantize(quantum(currency)):
        if places == 0:
            raise ValidationError(
                _("%(currency)s has no cents: give a whole number of francs."),
                code="decimals",
                params={"currency": currency},
            )
        raise ValidationError(
            _("%(currency)s has at most %(places)s decimals."),
            code="decimals",
            params={"currency": currency, "places": places},
        )
    return amount.quantize(quantum(currency))


def _decimal(value) -> Decimal | None:
    """Digits, with an optional sign and decimal point or comma ("12.50", "12,50", "1 500");
    nothing else (no exponent, no "NaN")."""
    text = str(value).strip()
    for space in (" ", "\u00a0", "\u202f"):
        text = text.replace(space, "")
    if not AMOUNT_TEXT.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def to_eur(amount: Decimal, rate: Decimal) -> Decimal:
    """The EUR equivalent of a local amount at `rate` local units per euro, to the cent."""
    if not rate:
        return Decimal("0.00")
    return (Decimal(amount) / Decimal(rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money_format(amount, currency: str) -> str:
    """'1 500 XAF', '12,50 MZN': the number in the user's language, then the currency code."""
    if amount is None:
        return "—"
    places = MINOR_UNITS.get(currency, 2)
    return (
        f"{number_format(Decimal(amount), places, use_l10n=True, force_grouping=True)} {currency}"
    )


def amount_detail(amount, quantity: int, currency: str) -> str:
    """The total of a request, and how it is made when it pays several units: '1 500 XAF',
    '1 500 XAF (3 × 500 XAF)'."""
    total = money_format(amount, currency)
    if not quantity or quantity == 1 or amount is None:
        return total
    unit = Decimal(amount) / quantity
    if unit != unit.quantize(quantum(currency)):
        return f"{total} (× {quantity})"
    return f"{total} ({quantity} × {money_format(unit, currency)})"
