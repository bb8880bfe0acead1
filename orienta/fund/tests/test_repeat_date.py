"""The warning about a repeated request dates the earlier one in the user's format."""

from django.utils import timezone
from django.utils.formats import date_format

from orienta.core.services import api_token_issue
from orienta.fund.tests.factories import make_fund_request


def test_the_repeat_warning_dates_the_earlier_request_in_the_language(
    client, users, persons, world, fund_td
):
    earlier = make_fund_request(
        persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
    )
    token, _row = api_token_issue(user=users["agent_td"])
    body = {
        "person": str(persons["person_td"].pk),
        "amount": "500",
        "reason": "No income this month",
        "criteria": ["no_income"],
        "provider": str(world["provider_org"].pk),
    }
    response = client.post(
        "/api/v1/fund/requests",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 409
    day = timezone.localtime(earlier.created_at)
    detail = response.json()["detail"]
    assert date_format(day, "SHORT_DATE_FORMAT") in detail  # 12/02/2026 in English
    assert day.date().isoformat() not in detail
