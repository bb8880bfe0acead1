"""The /sms/ page: the log of messages and the costs summed per month, country and purpose."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orienta.sms.models import SmsMessage
from orienta.sms.queries import cost_totals, costs, mask


def _message(site, purpose, cost, *, days_ago=0, currency="USD", status="delivered"):
    message = SmsMessage.objects.create(
        site=site,
        country=site.country,
        direction="out",
        purpose=purpose,
        phone="+23566123456" if site.country.code == "TD" else "+258841234567",
        body="x",
        status=status,
        cost=Decimal(cost) if cost is not None else None,
        cost_currency=currency if cost is not None else "",
    )
    SmsMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return message


def test_costs_per_month_country_and_purpose(world, users):
    td, mz = world["sites"]["td"], world["sites"]["mz"]
    _message(td, "referral_code", "0.0400")
    _message(td, "referral_code", "0.0400")
    _message(td, "reminder", "0.0300")
    _message(mz, "reminder", "0.0200")
    _message(mz, "reminder", "0.0250", days_ago=40)  # the month before
    _message(mz, "reminder", "9.0000", status="failed")  # not sent: not counted
    lines = costs(users["me_hq"])
    found = {(line.month.month, line.country, line.purpose): line for line in lines}
    assert found[(3, "TD", "referral_code")].cost == Decimal("0.0800")
    assert found[(3, "TD", "referral_code")].messages == 2
    assert found[(3, "TD", "reminder")].cost == Decimal("0.0300")
    assert found[(3, "MZ", "reminder")].cost == Decimal("0.0200")
    assert found[(1, "MZ", "reminder")].cost == Decimal("0.0250")
    assert cost_totals(lines) == {"USD": Decimal("0.1550")}
    # A coordinator's costs are their country's.
    assert {line.country for line in costs(users["coordinator_mz"])} == {"MZ"}
    assert {line.country for line in costs(users["manager_td"])} == {"TD"}


def test_the_page_shows_the_costs_and_the_log(client, world, users):
    _message(world["sites"]["td"], "referral_code", "0.0400")
    client.force_login(users["coordinator_td"])
    response = client.get("/sms/")
    assert response.status_code == 200
    assert "0.04 USD" in response.text or "0,04 USD" in response.text
    assert "+23566123456" in response.text


def test_a_bad_month_is_explained(client, users):
    client.force_login(users["manager_td"])
    response = client.get("/sms/?month=13-2026")
    assert response.status_code == 200
    assert "13-2026" in response.text


def test_a_masked_number_keeps_the_country_only():
    assert mask("+23566123456") == "+235 •••••• 56"
    assert "123" not in mask("+23566123456")


def test_the_persons_messages_are_in_their_export_and_erased_with_them(world, users, persons):
    from orienta.sms import rights

    person = persons["person_td"]
    message = _message(world["sites"]["td"], "referral_code", "0.0400")
    SmsMessage.objects.filter(pk=message.pk).update(person=person, body="Votre code K7M-3QX")
    [exported] = rights.export([person.pk])
    assert exported["text"] == "Votre code K7M-3QX" and exported["phone"] == "+23566123456"
    rights.erase([person.pk], by=users["manager_td"])
    message.refresh_from_db()
    assert message.body == "" and message.phone == "+235 •••••• 56"
    assert message.cost == Decimal("0.0400")  # the costs still hold
