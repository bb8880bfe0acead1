"""What a request may be: amounts in the currency's minor units, limits, look-alike repeats."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from orienta.directory.tests.factories import make_service
from orienta.fund import money, services
from orienta.fund.models import FundRequest
from orienta.fund.services import RepeatFound
from orienta.fund.tests.factories import make_fund_request
from orienta.people.services import household_add_member, household_create, person_register


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("1500", "XAF", Decimal("1500")),
        (1500, "XOF", Decimal("1500")),
        ("12.50", "MZN", Decimal("12.50")),
        ("12.5", "MZN", Decimal("12.50")),
        ("12,50", "MZN", Decimal("12.50")),
        ("1 500", "XAF", Decimal("1500")),
        (Decimal("7"), "MZN", Decimal("7.00")),
    ],
)
def test_amounts_take_the_minor_units_of_their_currency(value, currency, expected):
    amount = money.amount_parse(value, currency)
    assert amount == expected and amount.as_tuple().exponent == -money.MINOR_UNITS[currency]


@pytest.mark.parametrize(
    ("value", "currency", "code"),
    [
        (1500.0, "XAF", "float"),
        (12.5, "MZN", "float"),
        ("-100", "XAF", "min_value"),
        ("0", "XAF", "min_value"),
        ("1500.5", "XAF", "decimals"),
        ("12.505", "MZN", "decimals"),
        ("abc", "MZN", "invalid"),
        ("1.5e3", "XAF", "invalid"),
        ("12.5.0", "MZN", "invalid"),
        ("NaN", "MZN", "invalid"),
        ("100", "USD", "currency"),
    ],
)
def test_bad_amounts_are_refused(value, currency, code):
    with pytest.raises(ValidationError) as err:
        money.amount_parse(value, currency)
    assert err.value.code == code


def test_euro_equivalents():
    assert money.to_eur(Decimal("655957"), money.PEGGED_RATES["XAF"]) == Decimal("1000.00")
    assert money.to_eur(Decimal("141.00"), Decimal("70.5")) == Decimal("2.00")


def _errors(exc) -> dict:
    return exc.value.message_dict


def test_a_float_amount_is_refused_with_nothing_written(world, users, persons, fund_td):
    with pytest.raises(ValidationError) as err:
        services.request_create(
            by=users["agent_td"],
            data=services.RequestInput(
                site=world["sites"]["td"],
                person=persons["person_td"],
                amount=1500.0,
                reason="r",
                criteria=["child"],
                provider=world["provider_org"],
            ),
        )
    assert "amount" in _errors(err)
    assert not FundRequest.objects.exists()


def test_cfa_francs_have_no_cents(world, users, persons, fund_td):
    with pytest.raises(ValidationError) as err:
        make_fund_request(
            persons["person_td"],
            users["agent_td"],
            amount="1500.50",
            provider=world["provider_org"],
        )
    assert "no cents" in _errors(err)["amount"][0]


def test_a_wrong_currency_is_refused(world, users, persons, fund_td):
    with pytest.raises(ValidationError) as err:
        services.request_create(
            by=users["agent_td"],
            data=services.RequestInput(
                site=world["sites"]["td"],
                person=persons["person_td"],
                amount="1000",
                currency="MZN",
                reason="r",
                criteria=["child"],
                provider=world["provider_org"],
            ),
        )
    assert "currency" in _errors(err)


def test_an_amount_above_the_cost_option_is_refused(world, users, persons, fund_td):
    service = make_service(
        world["provider_org"], name="Birth certificate", amount=1000, currency="XAF"
    )
    option = service.cost_options.get()
    with pytest.raises(ValidationError) as err:
        make_fund_request(persons["person_td"], users["agent_td"], amount=1200, cost_option=option)
    assert "cost_option" in _errors(err)
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=1000, cost_option=option
    )
    assert req.provider == world["provider_org"] and req.service == service
    assert req.service_name == "Birth certificate"


def test_three_copies_may_cost_three_times_the_price(world, users, persons, fund_td):
    service = make_service(world["provider_org"], name="Certificat", amount=500, currency="XAF")
    option = service.cost_options.get()
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=1500, cost_option=option, quantity=3
    )
    req.refresh_from_db()
    assert (req.quantity, req.amount) == (3, Decimal("1500"))
    with pytest.raises(ValidationError) as err:
        make_fund_request(
            persons["person_td"], users["agent_td"], amount=1501, cost_option=option, quantity=3
        )
    assert "cost_option" in _errors(err)
    assert "3 × 500" in str(err.value)


def test_a_single_unit_is_capped_at_the_price(world, users, persons, fund_td):
    service = make_service(world["provider_org"], name="Certificat", amount=500, currency="XAF")
    option = service.cost_options.get()
    with pytest.raises(ValidationError) as err:
        make_fund_request(persons["person_td"], users["agent_td"], amount=1500, cost_option=option)
    assert "cost_option" in _errors(err) and not FundRequest.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, 51, 2.0, True, "three", None])
def test_a_quantity_outside_one_to_fifty_is_refused(world, users, persons, fund_td, quantity):
    with pytest.raises(ValidationError) as err:
        make_fund_request(
            persons["person_td"],
            users["agent_td"],
            amount=500,
            provider=world["provider_org"],
            quantity=quantity,
        )
    assert "quantity" in _errors(err) and not FundRequest.objects.exists()


def test_a_cost_option_in_another_currency_is_refused(world, users, persons, fund_td):
    service = make_service(world["provider_org"], amount="10.00", currency="MZN")
    with pytest.raises(ValidationError) as err:
        make_fund_request(
            persons["person_td"],
            users["agent_td"],
            amount=5,
            cost_option=service.cost_options.get(),
        )
    assert "cost_option" in _errors(err)


def test_criteria_must_be_those_of_the_country(world, users, persons, fund_td):
    with pytest.raises(ValidationError) as err:
        make_fund_request(
            persons["person_td"],
            users["agent_td"],
            criteria=["bribe"],
            provider=world["provider_org"],
        )
    assert "criteria" in _errors(err)
    with pytest.raises(ValidationError):
        make_fund_request(
            persons["person_td"], users["agent_td"], criteria=[], provider=world["provider_org"]
        )


def test_limit_per_person_and_period(world, users, persons, fund_td):
    rules = services.fund_settings_for(world["td"])
    rules.person_limit = Decimal("2000")
    rules.save()
    make_fund_request(
        persons["person_td"], users["agent_td"], amount=1500, provider=world["provider_org"]
    )
    with pytest.raises(ValidationError) as err:
        make_fund_request(
            persons["person_td"], users["agent_td"], amount=600, provider=world["provider_org"]
        )
    message = _errors(err)["amount"][0]
    assert "limit per person" in message and "2,100" in message.replace("\xa0", ",")
    make_fund_request(
        persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
    )


def test_limit_per_household_and_period(world, users, persons, fund_td):
    household = household_create(head=persons["person_td"], by=users["agent_td"])
    other = persons["person_td2"]
    other.site = world["sites"]["td"]  # a second member registered at the same site

    member = person_register(
        site=world["sites"]["td"],
        by=users["agent_td"],
        data={
            "given_name": "Zara",
            "family_name": "Mahamat",
            "sex": "female",
            "migration_status": "national",
            "documents": [],
        },
    )
    household_add_member(
        household=household, person=member, relationship="child", by=users["agent_td"]
    )
    rules = services.fund_settings_for(world["td"])
    rules.household_limit = Decimal("3000")
    rules.save()
    make_fund_request(
        persons["person_td"], users["agent_td"], amount=2000, provider=world["provider_org"]
    )
    with pytest.raises(ValidationError) as err:
        make_fund_request(member, users["agent_td"], amount=1500, provider=world["provider_org"])
    assert "limit per household" in _errors(err)["amount"][0]
    assert (
        make_fund_request(
            member, users["agent_td"], amount=1000, provider=world["provider_org"]
        ).household
        == household
    )


def test_a_look_alike_repeat_asks_for_confirmation(world, users, persons, fund_td):
    service = make_service(world["provider_org"], name="Consultation", amount=1000, currency="XAF")
    first = make_fund_request(persons["person_td"], users["agent_td"], amount=1000, service=service)
    with pytest.raises(RepeatFound) as found:
        make_fund_request(
            persons["person_td"],
            users["agent_td"],
            amount=1000,
            service=service,
            confirm_repeat=False,
        )
    assert found.value.similar == first
    assert FundRequest.objects.count() == 1
    second = make_fund_request(
        persons["person_td"], users["agent_td"], amount=1000, service=service, confirm_repeat=True
    )
    assert second.repeat_of == first


def test_an_old_request_is_not_a_repeat(world, users, persons, fund_td):
    first = make_fund_request(
        persons["person_td"], users["agent_td"], amount=1000, provider=world["provider_org"]
    )
    FundRequest.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=31))
    second = make_fund_request(
        persons["person_td"],
        users["agent_td"],
        amount=1000,
        provider=world["provider_org"],
        confirm_repeat=False,
    )
    assert second.repeat_of is None


def test_only_site_staff_request_and_only_for_their_site(world, users, persons, fund_td):
    from django.core.exceptions import PermissionDenied

    for role in ("coordinator_td", "me_hq", "admin_user", "provider_user", "agent_td2"):
        with pytest.raises(PermissionDenied):
            make_fund_request(persons["person_td"], users[role], provider=world["provider_org"])


def test_a_request_needs_a_period(world, users, persons):
    services.fund_open(country=world["td"], by=users["coordinator_td"])
    with pytest.raises(ValidationError) as err:
        make_fund_request(persons["person_td"], users["agent_td"], provider=world["provider_org"])
    assert "period" in _errors(err)


def test_periods_take_the_peg_or_a_rate(world, users):
    fund_td = services.fund_open(country=world["td"], by=users["coordinator_td"])
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.period_open(
            fund=fund_td,
            by=users["coordinator_td"],
            name="P",
            starts_on=today,
            ends_on=today,
            eur_rate="600",
        )
    period = services.period_open(
        fund=fund_td, by=users["coordinator_td"], name="P", starts_on=today, ends_on=today
    )
    assert period.eur_rate == Decimal("655.957")
    with pytest.raises(ValidationError):
        services.period_open(
            fund=fund_td, by=users["coordinator_td"], name="Q", starts_on=today, ends_on=today
        )
    fund_mz = services.fund_open(country=world["mz"], by=users["coordinator_mz"])
    with pytest.raises(ValidationError):
        services.period_open(
            fund=fund_mz, by=users["coordinator_mz"], name="P", starts_on=today, ends_on=today
        )
    assert fund_mz.currency == "MZN"
