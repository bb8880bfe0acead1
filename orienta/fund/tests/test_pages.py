"""The fund's pages: request, approve, pay with a receipt, reverse; allocations; statements."""

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook
from pypdf import PdfReader

from orienta.accounts.reauth import REAUTH_SESSION_KEY
from orienta.audit.models import AccessLogEntry, Export
from orienta.cases.tests.factories import make_action, make_case
from orienta.directory.tests.factories import make_service
from orienta.fund import services
from orienta.fund.models import Account, FundRequest, LedgerEntry, Payment, Status
from orienta.fund.tests.factories import make_fund_request
from orienta.referrals.tests.factories import make_referral

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(world, **extra):
    return {
        "provider": str(world["provider_org"].pk),
        "unit_price": "1500",
        "quantity": "1",
        "criteria": ["no_income"],
        "reason": "Veuve sans revenu, trois enfants",
        "evidence": "Visite à domicile",
    } | extra


def test_an_agent_requests_a_payment_for_a_person(login, world, users, persons, fund_td):
    client = login(users["agent_td"])
    person = persons["person_td"]
    url = f"/fund/requests/new/?person={person.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "Achta Mahamat" in page.content.decode()
    bad = client.post(url, _form(world, unit_price="1500.5", person=str(person.pk)))
    assert bad.status_code == 422 and "no cents" in bad.content.decode()
    too_much = client.post(url, _form(world, unit_price="1.5e3", person=str(person.pk)))
    assert too_much.status_code == 422
    assert not FundRequest.objects.exists()
    done = client.post(url, _form(world, person=str(person.pk)))
    req = FundRequest.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/fund/requests/{req.pk}/"
    assert req.created_by == users["agent_td"] and req.evidence == "Visite à domicile"
    repeat = client.post(url, _form(world, person=str(person.pk)))
    assert repeat.status_code == 200 and "Request it anyway" in repeat.content.decode()
    assert FundRequest.objects.count() == 1
    client.post(url, _form(world, person=str(person.pk), confirm_repeat="on"))
    assert FundRequest.objects.count() == 2


def test_manager_approves_and_pays_with_a_receipt(login, world, users, persons, fund_td, media):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=1500, provider=world["provider_org"]
    )
    client = login(users["manager_td"])
    page = client.get(f"/fund/requests/{req.pk}/").content.decode()
    assert "Approve" in page and "Record the payment" not in page
    assert client.post(f"/fund/requests/{req.pk}/approve/").status_code == 302
    bad_file = io.BytesIO(b"MZ\x90\x00 not an image")
    bad_file.name = "receipt.jpg"
    refused = client.post(
        f"/fund/requests/{req.pk}/pay/",
        {"method": "mobile", "operator": "Airtel Money", "reference": "AM-1", "receipt": bad_file},
    )
    assert refused.status_code == 422 and "PDF" in refused.content.decode()
    assert not Payment.objects.exists()
    receipt = io.BytesIO(PNG)
    receipt.name = "recu.png"
    paid = client.post(
        f"/fund/requests/{req.pk}/pay/",
        {"method": "mobile", "operator": "Airtel Money", "reference": "AM-1", "receipt": receipt},
    )
    assert paid.status_code == 302
    payment = Payment.objects.get()
    stored = Path(payment.receipt.path)
    assert stored.is_relative_to(Path(media)) and stored.suffix == ".png"
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT or "/nonexistent"))
    shown = client.get(f"/fund/requests/{req.pk}/receipt/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content) == PNG
    assert login(users["agent_td2"]).get(f"/fund/requests/{req.pk}/receipt/").status_code == 404
    assert login(users["me_hq"]).get(f"/fund/requests/{req.pk}/receipt/").status_code == 403


def test_a_receipt_too_large_is_refused(login, world, users, persons, fund_td, media, settings):
    settings.FUND_RECEIPT_MAX_BYTES = 100
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
    )
    services.request_approve(fund_request=req, by=users["manager_td"])
    receipt = io.BytesIO(PDF + b"0" * 200)
    receipt.name = "recu.pdf"
    response = login(users["manager_td"]).post(
        f"/fund/requests/{req.pk}/pay/",
        {"method": "cash", "receipt_number": "R-2", "receipt": receipt},
    )
    assert response.status_code == 422 and "too large" in response.content.decode()


def test_rejection_without_a_reason_shows_the_form_again(login, world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
    )
    client = login(users["manager_td"])
    assert client.post(f"/fund/requests/{req.pk}/reject/", {"reason": ""}).status_code == 422
    assert (
        client.post(f"/fund/requests/{req.pk}/reject/", {"reason": "Pas éligible"}).status_code
        == 302
    )
    req.refresh_from_db()
    assert req.status == Status.REJECTED and req.decided_by == users["manager_td"]


def test_approval_beyond_the_balance_says_why(login, world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td2"], users["agent_td2"], amount=5001, provider=world["provider_org"]
    )
    response = login(users["coordinator_td"]).post(f"/fund/requests/{req.pk}/approve/", follow=True)
    assert "cannot cover" in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.REQUESTED


def test_the_coordinator_opens_periods_and_allocates(login, world, users, fund_td):
    client = login(users["coordinator_td"])
    assert client.get("/fund/allocations/").status_code == 200
    response = client.post(
        "/fund/allocations/",
        {
            "site": str(world["sites"]["td2"].pk),
            "period": str(fund_td["period"].pk),
            "amount": "2500",
            "note": "Top-up",
        },
    )
    assert response.status_code == 302
    account = Account.objects.get(site=world["sites"]["td2"])
    assert services.account_position(account).allocated == 7500
    bad = client.post(
        "/fund/allocations/",
        {
            "site": str(world["sites"]["td2"].pk),
            "period": str(fund_td["period"].pk),
            "amount": "12.5",
        },
    )
    assert bad.status_code == 422
    overlap = client.post(
        "/fund/periods/new/", {"name": "Again", "starts_on": "2020-01-01", "ends_on": "2030-01-01"}
    )
    assert overlap.status_code == 422 and "overlaps" in overlap.content.decode()


def test_site_page_names_author_and_time_of_every_movement(login, world, users, fund_td):
    page = login(users["agent_td"]).get("/fund/sites/TD-NDJ1/").content.decode()
    assert "coordinator_td" in page and "Allocation" in page
    assert login(users["agent_td"]).get("/fund/sites/TD-MOU1/").status_code == 404


def _paid_by_mobile(world, users, persons):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=1500, provider=world["provider_org"]
    )
    services.request_approve(fund_request=req, by=users["manager_td"])
    services.payment_record(
        fund_request=req,
        by=users["manager_td"],
        data=services.PaymentInput(method="mobile", operator="Moov Money", reference="MV-5521"),
    )
    owed = make_fund_request(
        persons["person_td2"], users["agent_td2"], amount=800, provider=world["provider_org"]
    )
    services.request_approve(fund_request=owed, by=users["coordinator_td"])
    return req


def test_the_provider_statement_in_three_formats(login, world, users, persons, fund_td):
    req = _paid_by_mobile(world, users, persons)
    url = f"/fund/statements/{world['provider_org'].pk}/{fund_td['period'].pk}/"
    client = login(users["provider_user"])
    page = client.get(url).content.decode()
    assert req.code in page and "MV-5521" in page
    assert "Achta" not in page  # no names on a statement
    pdf = client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "MV-5521" in text and "Centre de sant" in text
    xlsx = client.get(url + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Moov Money MV-5521" in values and 800 in values and 1500 in values
    # The manager of TD-NDJ1 sees only the lines of that site.
    manager_page = login(users["manager_td"]).get(url).content.decode()
    assert req.code in manager_page and "TD-MOU1" not in manager_page


def test_statements_and_the_beneficiaries_list_show_the_quantity(
    login, world, users, persons, fund_td
):
    from orienta.directory.tests.factories import make_service
    from orienta.fund import reports

    service = make_service(world["provider_org"], name="Certificat", amount=500, currency="XAF")
    req = make_fund_request(
        persons["person_td"],
        users["agent_td"],
        amount=1500,
        cost_option=service.cost_options.get(),
        quantity=3,
    )
    services.request_approve(fund_request=req, by=users["manager_td"])
    url = f"/fund/statements/{world['provider_org'].pk}/{fund_td['period'].pk}/"
    client = login(users["provider_user"])
    assert "1,500 XAF (3 × 500 XAF)" in client.get(url).content.decode()
    pdf = client.get(url + "?format=pdf")
    reader = PdfReader(io.BytesIO(pdf.content))
    assert "3 × Certificat" in reader.pages[0].extract_text()
    starts = []  # where each piece of text starts: the last column (a date) fits on the page
    reader.pages[0].extract_text(visitor_text=lambda text, cm, tm, *_: starts.append(tm[4]))
    assert max(starts) < float(reader.pages[0].mediabox.width) - 40  # points
    rows = list(
        load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content)).active.iter_rows(
            values_only=True
        )
    )
    header = next(r for r in rows if r and "Quantity" in r)
    line = next(r for r in rows if r and r[0] == req.code)
    assert line[header.index("Quantity")] == 3 and line[header.index("Amount")] == 1500
    book = load_workbook(
        io.BytesIO(reports.beneficiaries_xlsx(FundRequest.objects.all(), fund_td["period"]))
    )
    header, line = list(book.active.iter_rows(values_only=True))[:2]
    assert line[header.index("Quantity")] == 3 and line[header.index("Amount")] == 1500


def test_a_provider_sees_only_its_own_statements(login, world, users, fund_td, fund_mz):
    org_mz = world["sites"]["mz"].organisation
    client = login(users["provider_user"])
    assert client.get(f"/fund/statements/{org_mz.pk}/{fund_mz['period'].pk}/").status_code == 404
    assert client.get("/fund/requests/new/").status_code == 403
    assert client.get("/fund/sites/").status_code == 403


def test_french_statement_pdf_keeps_its_accents(login, world, users, persons, fund_td):
    _paid_by_mobile(world, users, persons)
    client = login(users["coordinator_td"])
    client.cookies["django_language"] = "fr"
    url = f"/fund/statements/{world['provider_org'].pk}/{fund_td['period'].pk}/?format=pdf"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Centre de santé de Chagoua" in text


def test_spending_report_by_sex_and_age(login, world, users, persons, fund_td):
    _paid_by_mobile(world, users, persons)
    users["me_hq"].language = "en"
    users["me_hq"].save()
    page = login(users["me_hq"]).get("/fund/report/").content.decode()
    assert "Female" in page and "25 to 59" in page
    assert "Achta" not in page


def test_the_person_page_lists_their_requests(login, world, users, persons, fund_td):
    req = make_fund_request(
        persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
    )
    page = login(users["agent_td"]).get(f"/people/{persons['person_td'].pk}/").content.decode()
    assert req.code in page and "Request a payment" in page


@pytest.mark.parametrize("url", ["/admin/fund/ledgerentry/", "/admin/fund/fundsettings/"])
def test_the_admin_shows_the_ledger_read_only(login, users, fund_td, url):
    client = login(users["admin_user"])
    assert client.get(url).status_code == 200


def test_the_ledger_cannot_be_edited_in_the_admin(login, users, fund_td):
    entry = LedgerEntry.objects.first()
    client = login(users["admin_user"])
    base = f"/admin/fund/ledgerentry/{entry.pk}"
    assert client.get("/admin/fund/ledgerentry/add/").status_code == 403
    assert client.post(f"{base}/change/", {"amount": "1"}).status_code in (200, 403)
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount
    assert client.get("/admin/fund/fundrequest/").status_code == 404


def test_the_beneficiary_export_needs_a_reason_and_is_logged(
    login, world, users, persons, fund_td, media
):
    _paid_by_mobile(world, users, persons)
    client = login(users["manager_td"])
    session = client.session
    session[REAUTH_SESSION_KEY] = int(time.time())
    session.save()
    assert client.get("/fund/export/").status_code == 200
    short = client.post("/fund/export/", {"period": str(fund_td["period"].pk), "reason": "x"})
    assert short.status_code == 422 and not Export.objects.exists()
    done = client.post(
        "/fund/export/",
        {"period": str(fund_td["period"].pk), "reason": "Rapport au bailleur, trimestre"},
    )
    export = Export.objects.get()
    assert done.status_code == 302 and done["Location"] == export.get_absolute_url()
    assert export.created_by == users["manager_td"] and "bailleur" in export.reason
    logged = AccessLogEntry.objects.filter(action="export", username="manager_td")
    assert logged.filter(person=persons["person_td"].pk).exists()
    assert not logged.filter(person=persons["person_td2"].pk).exists()  # another site's
    assert login(users["agent_td"]).get("/fund/export/").status_code == 403


def test_a_request_from_a_referral_or_a_case_action(login, world, users, persons, fund_td):
    from orienta.fund.queries import referral_fund_status

    service = make_service(world["provider_org"], name="Vaccination", amount=700, currency="XAF")
    referral = make_referral(persons["person_td"], service, users["agent_td"])
    assert referral_fund_status(referral) is None
    client = login(users["agent_td"])
    form = client.get(f"/fund/requests/new/?referral={referral.pk}").content.decode()
    assert "Vaccination" in form and 'value="700"' in form
    option = service.cost_options.get()
    data = {
        "referral": str(referral.pk),
        "cost_option": str(option.pk),
        "unit_price": "700",
        "quantity": "1",
        "criteria": ["child"],
        "reason": "Pas de revenu",
    }
    assert client.post("/fund/requests/new/", data).status_code == 302
    assert referral_fund_status(referral) == "requested"
    action = make_action(make_case(persons["person_td"], users["agent_td"]), users["agent_td"])
    data = {
        "case_action": str(action.pk),
        "provider": str(world["provider_org"].pk),
        "unit_price": "300",
        "quantity": "1",
        "criteria": ["child"],
        "reason": "Frais de dossier",
    }
    assert client.post("/fund/requests/new/", data).status_code == 302
    assert FundRequest.objects.get(case_action=action).person == persons["person_td"]
    other = login(users["agent_td2"]).get(f"/fund/requests/new/?referral={referral.pk}")
    assert other.status_code == 404


# What `{% request_rows %}` replaced: the template-language rows it must draw the same.
ROWS_TEMPLATE = (
    '{% load i18n fund %}<ul class="cards fund-requests">{% for r in rows %}<li>\n'
    "<a href=\"{% url 'fund:request' r.pk %}\"><strong>{{ r.code }}</strong></a> · "
    "<strong>{{ r|request_amount }}</strong> · "
    '<span class="fund-status fund-{{ r.status }}">{{ r.get_status_display }}</span>\n'
    '<span class="meta">{{ r.person.full_name }} ({{ r.person.code }}) · '
    '{{ r.service_name|default:r.provider.name }} · {{ r.created_at|date:"SHORT_DATE_FORMAT" }}'
    '</span>\n</li>{% empty %}<li>{% translate "No request." %}</li>{% endfor %}</ul>'
)


@pytest.mark.parametrize("language", ["fr", "pt", "en"])
def test_the_request_rows_are_drawn_as_the_template_language_drew_them(
    world, users, persons, fund_td, language
):
    from django.template import Context, Template
    from django.utils import translation

    from orienta.fund import queries
    from orienta.people.models import Person

    person = persons["person_td"]
    Person.objects.filter(pk=person.pk).update(given_name='<b>O\'Neil & "Co"</b>')
    made = [
        make_fund_request(person, users["agent_td"], amount=1500, provider=world["provider_org"]),
        make_fund_request(
            person, users["agent_td"], amount=4500, quantity=3, provider=world["provider_org"]
        ),  # fmt: skip
    ]
    FundRequest.objects.filter(pk=made[0].pk).update(service_name="<script>x</script>")
    FundRequest.objects.filter(pk=made[1].pk).update(service_name="")
    chosen = FundRequest.objects.filter(pk__in=[r.pk for r in made]).order_by("code")
    lines = list(queries.rows(chosen))  # plain values
    requests = list(chosen.select_related("person", "provider"))
    with translation.override(language):
        drawings = []
        for shown, objects in ((lines, requests), ([], [])):
            drawn = Template("{% load fund %}{% request_rows rows %}").render(
                Context({"rows": shown})
            )
            expected = Template(ROWS_TEMPLATE).render(Context({"rows": objects}))
            assert drawn == expected
            drawings.append(drawn)
    assert "&lt;script&gt;x&lt;/script&gt;" in drawings[0]
    assert "&lt;b&gt;O&#x27;Neil &amp; &quot;Co&quot;&lt;/b&gt;" in drawings[0]
    assert "(3 × " in drawings[0] and world["provider_org"].name in drawings[0]
