"""The data-subject export and the erasure reach what other apps hold on the person: cases,
referrals and support-fund requests."""

from orienta.cases.models import Case
from orienta.cases.tests.factories import make_action, make_case
from orienta.directory.tests.factories import make_service
from orienta.fund.models import FundRequest
from orienta.fund.tests.factories import make_fund, make_fund_request
from orienta.people import rights
from orienta.people.tests.test_subject_rights import (  # noqa: F401 (fixture)
    IDENTITY,
    _every_text_in_the_database,
    achta,
    identity_left_in,
)
from orienta.referrals.models import Referral
from orienta.referrals.tests.factories import make_referral

NOTE = "Achta Mahamat (+23566123456) craint son mari"


def _followed(person, users, world):
    manager = users["manager_td"]
    case = make_case(person, manager, assessment=NOTE, sensitive=True)
    make_action(case, manager, what=f"Accompagner Achta : {NOTE}")
    service = make_service(world["provider_org"], amount=1000, currency="XAF")
    referral = make_referral(
        person, service, manager, case=case, reason=NOTE, consent_override_reason="Urgence"
    )
    make_fund(world["td"], coordinator=users["coordinator_td"], allocations=[(person.site, 10**5)])
    request = make_fund_request(person, manager, referral=referral, reason=NOTE)
    return case, referral, request


def test_the_export_holds_cases_referrals_and_fund_requests(achta, users, world):  # noqa: F811
    case, referral, request = _followed(achta, users, world)
    data = rights.person_export_data(achta)
    assert [c["code"] for c in data["cases"]] == [case.code]
    assert data["cases"][0]["assessment"] == NOTE and data["cases"][0]["sensitive"]
    assert data["cases"][0]["actions"][0]["what"].startswith("Accompagner Achta")
    assert [r["code"] for r in data["referrals"]] == [referral.code]
    assert data["referrals"][0]["sent_without_consent_because"] == "Urgence"
    assert [(r["code"], r["quantity"], r["amount"]) for r in data["fund_requests"]] == [
        (request.code, 1, "1000.00")
    ]


def test_erasure_leaves_nothing_naming_the_person_in_them(achta, users, world):  # noqa: F811
    case, referral, request = _followed(achta, users, world)
    case.refresh_from_db()
    rights.person_erase(person=achta, by=users["coordinator_td"], reason="Request by letter")
    text = _every_text_in_the_database()
    assert identity_left_in(text, IDENTITY) == []
    # The records stay, so the counts and the accounts hold.
    assert Case.objects.filter(pk=case.pk, status=case.status).exists()
    assert Referral.objects.filter(pk=referral.pk).exists()
    assert FundRequest.objects.get(pk=request.pk).amount == request.amount
