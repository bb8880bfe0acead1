"""A referral on a small phone: the agent opens a case from a visit, refers the person to a
service, prints the slip; the provider, without an account, confirms through the slip's QR code;
the agent sees the referral served on the worklist."""

import io
import re

import pytest
import zxingcpp
from django.conf import settings
from django.test import Client
from django.utils import translation
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from orienta.conftest import force_login_verified
from orienta.core.models import Theme
from orienta.directory.models import Schedule
from orienta.directory.tests.factories import make_service
from orienta.frontdesk.models import Visit
from orienta.people.rights import consent_give
from orienta.referrals.models import Referral, Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _fr(text: str) -> str:
    with translation.override("fr"):
        return translation.gettext(text)


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _sign_in(page, live_server, user) -> None:
    client = force_login_verified(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
                "secure": settings.SESSION_COOKIE_SECURE,
                "httpOnly": True,
            }
        ]
    )


def _qr_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    image = Image.open(io.BytesIO(reader.pages[0].images[0].data))
    (found,) = zxingcpp.read_barcodes(image)
    return found.text


@pytest.fixture
def service(world):
    service = make_service(
        world["provider_org"],
        name="Consultation prénatale",
        amount=500,
        currency="XAF",
        themes=[Theme.objects.get(code="health")],
    )
    service.required_documents = "Carnet de santé"
    service.save()
    Schedule.objects.create(
        service=service, weekdays="MO,TU,WE", opens_at="07:30", closes_at="12:00"
    )
    return service


def test_refer_print_confirm_and_close_the_loop(
    page, browser, live_server, users, persons, service, browser_log, shot
):
    origin = live_server.url
    person = persons["person_td"]
    consent_give(person=person, purpose="processing", by=users["agent_td"])
    consent_give(person=person, purpose="sharing", by=users["agent_td"])
    _sign_in(page, live_server, users["agent_td"])

    # 1. A visit, whose outcome is a case to open: the case form follows.
    page.goto(f"{origin}/visits/new/?person={person.pk}")
    page.check("input[name=themes][value=health]")
    page.check("input[name=channel][value=walk_in]")
    page.check("input[name=outcome][value=case]")
    page.locator("form.stack button[type=submit]").click()
    visit = Visit.objects.get(person=person)
    page.wait_for_url(f"{origin}/cases/new/?visit={visit.pk}")

    # 2. The case opens from the visit.
    page.fill("#id_assessment", "Enceinte de cinq mois, aucune consultation prénatale.")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]+/$"))
    shot("01-case")

    # 3. From the person page, refer for this case: choose the service by theme.
    page.goto(f"{origin}/people/{person.pk}/")
    refer_for_case = page.locator("section.ref-panel a.button.secondary").first
    expect(refer_for_case).to_be_visible()
    refer_for_case.click()
    page.wait_for_url(re.compile(r"/referrals/new/\?person=.*&case="))
    page.select_option("#id_theme", "health")
    page.locator(".ref-filter button[type=submit]").click()
    page.check(f"input[name=service][value='{service.pk}']")
    page.select_option("#id_urgency", "soon")
    page.fill("#id_reason", "Suivi de grossesse")
    page.check("input[name=shared_fields][value=phone]")
    shot("02-refer")
    _no_sideways_scroll(page)
    page.locator("button[name=step][value=preview]").click()

    # 4. The preview shows exactly what the provider will receive; then send.
    shared = page.locator("dl.ref-shared")
    expect(shared).to_contain_text("Achta")
    expect(shared).to_contain_text("+23566123456")
    expect(shared).not_to_contain_text("Mahamat")
    shot("03-preview")
    page.locator("button[name=step][value=send]").click()
    page.wait_for_url(re.compile(r"/referrals/[0-9a-f-]+/$"))
    referral = Referral.objects.get()
    assert referral.case.visit_id == visit.pk
    expect(page.locator("h1")).to_contain_text(referral.code)
    shot("04-sent")

    # 5. The slip: a PDF whose QR code leads to the provider's page.
    slip_link = page.locator(f"a[href='/referrals/{referral.pk}/slip.pdf?lang=fr']")
    expect(slip_link).to_be_visible()
    pdf = page.request.get(origin + slip_link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    url = _qr_of(pdf.body())
    assert url.startswith(f"{origin}/r/")

    # 6. The provider, without an account, confirms on another phone.
    provider = browser.new_context(viewport=page.viewport_size, is_mobile=True, locale="fr-FR")
    tab = provider.new_page()
    tab.goto(url)
    expect(tab.locator("h1")).to_contain_text(referral.code)
    expect(tab.locator("main")).to_contain_text("Achta")  # what was shared, as on the slip
    expect(tab.locator("main")).to_contain_text("+23566123456")
    expect(tab.locator("main")).not_to_contain_text("Mahamat")
    shot("05-provider-link", tab)
    tab.check("input[name=status][value=accepted]")
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("input[name=status][value=served]")).to_be_visible()
    expect(tab.locator("input[name=status][value=not_served]")).to_be_visible()
    tab.check("input[name=status][value=served]")
    tab.fill("#id_note", "Première consultation faite.")
    tab.locator("main form button[type=submit]").click()
    expect(tab.locator("main form")).to_have_count(0)
    shot("06-provider-done", tab)
    provider.close()
    referral.refresh_from_db()
    assert referral.status == Status.SERVED

    # 7. The agent's worklist shows the referral served.
    page.goto(f"{origin}/worklist/")
    served = page.locator("#ref-recent + ul")
    expect(served).to_contain_text(referral.code)
    expect(served).to_contain_text(_fr("Served"))
    _no_sideways_scroll(page)
    shot("07-worklist")
    browser_log.assert_clean(origin)
