"""The fee of a referral: asked of the fund from the referral's page, its state shown there,
and printed truthfully on the slip."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from orienta.directory.tests.factories import make_service
from orienta.fund import services
from orienta.fund.models import FundRequest
from orienta.fund.tests.factories import make_fund_request
from orienta.referrals.slip import fund_text
from orienta.referrals.tests.factories import make_referral


@pytest.fixture
def certificate(world):
    return make_service(world["provider_org"], name="Certificat", amount=500, currency="XAF")


@pytest.fixture
def referral(persons, users, certificate):
    return make_referral(persons["person_td"], certificate, users["agent_td"])


def _slip_text(client, referral) -> str:
    response = client.get(f"/referrals/{referral.pk}/slip.pdf?lang=en")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text().replace("\n", " ")


def _request(referral, users, **kw) -> FundRequest:
    return make_fund_request(
        referral.person,
        users["agent_td"],
        amount=500,
        cost_option=referral.service.cost_options.get(),
        referral=referral,
        **kw,
    )


def test_the_referral_page_offers_to_ask_the_fund(login, users, referral, fund_td):
    page = login(users["agent_td"]).get(f"/referrals/{referral.pk}/").content.decode()
    assert f'href="/fund/requests/new/?referral={referral.pk}"' in page


def test_the_request_form_opens_with_the_referral_its_service_and_price(
    login, users, referral, certificate, fund_td
):
    page = login(users["agent_td"]).get(f"/fund/requests/new/?referral={referral.pk}")
    body = page.content.decode()
    option = certificate.cost_options.get()
    assert page.status_code == 200
    assert "Achta Mahamat" in body and referral.code in body and "Certificat" in body
    assert f'<option value="{option.pk}" selected>' in body
    assert 'name="unit_price" value="500"' in body and 'name="quantity" value="1"' in body
    assert f'name="referral" value="{referral.pk}"' in body


def test_three_copies_from_the_referral_page(login, users, referral, certificate, fund_td):
    client = login(users["agent_td"])
    data = {
        "referral": str(referral.pk),
        "cost_option": str(certificate.cost_options.get().pk),
        "unit_price": "500",
        "quantity": "3",
        "criteria": ["no_income"],
        "reason": "Trois enfants à inscrire à l'école",
    }
    too_many = client.post("/fund/requests/new/", data | {"unit_price": "600"})
    assert too_many.status_code == 422 and "3 × 500" in too_many.content.decode()
    done = client.post("/fund/requests/new/", data)
    req = FundRequest.objects.get()
    assert done.status_code == 302
    assert (req.quantity, req.amount, req.referral, req.person) == (
        3,
        Decimal("1500"),
        referral,
        referral.person,
    )
    page = client.get(f"/fund/requests/{req.pk}/").content.decode()
    assert "1,500 XAF (3 × 500 XAF)" in page


def test_the_referral_page_shows_the_request_and_offers_no_second_one(
    login, users, referral, fund_td
):
    req = _request(referral, users)
    client = login(users["agent_td"])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert req.code in page and "Awaiting approval" in page
    assert "/fund/requests/new/" not in page
    services.request_approve(fund_request=req, by=users["manager_td"])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Approved, to pay" in page and "/fund/requests/new/" not in page


def test_a_rejected_request_lets_the_agent_ask_again(login, users, referral, fund_td):
    req = _request(referral, users)
    services.request_reject(fund_request=req, by=users["manager_td"], reason="Not eligible")
    page = login(users["agent_td"]).get(f"/referrals/{referral.pk}/").content.decode()
    assert req.code in page and "Rejected" in page
    assert f"/fund/requests/new/?referral={referral.pk}" in page


def test_a_free_service_has_no_fee_to_ask_for(login, world, persons, users, fund_td):
    free = make_referral(
        persons["person_td"], make_service(world["provider_org"]), users["agent_td"]
    )
    page = login(users["agent_td"]).get(f"/referrals/{free.pk}/").content.decode()
    assert "/fund/requests/new/" not in page


def test_only_the_staff_of_the_persons_site_may_ask(login, users, referral, fund_td):
    page = login(users["coordinator_td"]).get(f"/referrals/{referral.pk}/").content.decode()
    assert "/fund/requests/new/" not in page


def test_the_slip_tells_what_the_fund_did(login, users, referral, fund_td):
    client = login(users["agent_td"])
    assert fund_text(None) in _slip_text(client, referral)
    req = _request(referral, users)
    assert fund_text("requested") in _slip_text(client, referral)
    services.request_approve(fund_request=req, by=users["manager_td"])
    assert fund_text("approved") in _slip_text(client, referral)
    payment = services.PaymentInput(method="cash", receipt_number="R-12")
    services.payment_record(fund_request=req, by=users["manager_td"], data=payment)
    text = _slip_text(client, referral)
    assert fund_text("paid") in text and fund_text(None) not in text


def test_a_rejected_or_cancelled_request_does_not_cover_the_fee(login, users, referral, fund_td):
    client = login(users["agent_td"])
    req = _request(referral, users)
    services.request_cancel(fund_request=req, by=users["agent_td"], reason="Doublon")
    assert fund_text(None) in _slip_text(client, referral)


def test_a_request_made_from_the_person_page_for_the_service_counts(
    login, users, referral, certificate, fund_td
):
    """The agent asked the fund from the person's page, after the referral, for the same
    service: the slip does not say the fee is not covered."""
    make_fund_request(
        referral.person,
        users["agent_td"],
        amount=500,
        cost_option=certificate.cost_options.get(),
    )
    assert fund_text("requested") in _slip_text(login(users["agent_td"]), referral)


def test_the_fund_request_page_says_who_approves_until_someone_did(
    login, world, users, referral, fund_td
):
    manager = users["manager_td"]
    manager.first_name, manager.last_name = "Fatimé", "Haroun"
    manager.save()
    req = _request(referral, users)
    client = login(users["agent_td"])
    page = client.get(f"/fund/requests/{req.pk}/").content.decode()
    assert "To be approved by" in page and "Approved by" not in page
    services.request_approve(fund_request=req, by=manager)
    page = client.get(f"/fund/requests/{req.pk}/").content.decode()
    assert "Approved by" in page and "Fatimé Haroun" in page
    assert "To be approved by" not in page
    payment = services.PaymentInput(method="cash", receipt_number="R-12")
    services.payment_record(fund_request=req, by=manager, data=payment)
    services.payment_reverse(fund_request=req, by=manager, reason="Refunded")
    page = client.get(f"/fund/requests/{req.pk}/").content.decode()
    assert "manager_td" not in page  # the payer and the reverser by their names
    assert page.count("Fatimé Haroun") >= 3


def test_allocations_show_who_allocated_by_name(login, users, fund_td):
    coordinator = users["coordinator_td"]
    coordinator.first_name, coordinator.last_name = "Moussa", "Djibrine"
    coordinator.save()
    page = login(coordinator).get("/fund/allocations/").content.decode()
    assert "Moussa Djibrine" in page and "coordinator_td" not in page
