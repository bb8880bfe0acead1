"""The demo's referrals load with the rest of the demo, in every state, with true stamps."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from orienta.core.models import Role, User
from orienta.referrals.models import Referral, ReferralEvent, ReferralLink, Status
from orienta.referrals.slip import _items, fund_status, slip_pdf
from orienta.referrals.tests.test_slip_layout import INSTRUCTIONS, LANGUAGES, _printed, _qr, _text


def test_demo_referrals_in_every_state(demo_data):
    referrals = Referral.objects.all()
    assert referrals.count() >= 6 * 16
    assert set(referrals.values_list("status", flat=True)) == set(Status.values)
    for referral in referrals.select_related("person", "service__organisation", "site"):
        assert referral.person.site_id == referral.site_id
        assert referral.service.organisation.country_id == referral.site.country_id
        events = list(referral.events.order_by("at", "id").values_list("to_status", "at"))
        assert events[0] == ("sent", referral.sent_at)
        assert [at for _s, at in events] == sorted(at for _s, at in events)
        if referral.status == Status.SERVED:
            assert referral.served_at >= referral.sent_at
    months = {r.sent_at.strftime("%Y-%m") for r in referrals}
    assert len(months) >= 4
    assert ReferralEvent.objects.filter(actor="provider_link").exists()


def test_demo_metrics_read_as_months_of_work(demo_data):
    from orienta.referrals.queries import referral_metrics

    metrics = referral_metrics(User.objects.get(username="coordinator-td"))
    assert metrics["total"].sent > 0 and metrics["total"].served > 0
    assert metrics["total"].median_days and metrics["total"].median_days > 0


# Slips
# =============================================================================================


def _slip_text_length(referral) -> int:
    with translation.override("pt"):
        return sum(len(i.label) + len(i.text) for i in _items(referral, fund_status(referral)))


@pytest.fixture
def longest(demo_data):
    """The demo referral whose slip has the most to print."""
    referrals = Referral.objects.select_related("site", "service__organisation", "person")
    return max(referrals, key=_slip_text_length)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_longest_demo_slip_is_one_page_with_its_qr_code(demo_data, login, longest, lang):
    staff = User.objects.filter(sites=longest.site, role=Role.AGENT, is_active=True).first()
    reader = _printed(login(staff), longest, lang)
    link = ReferralLink.objects.get(referral=longest, revoked_at__isnull=True)
    assert _qr(reader) == [f"http://testserver/r/{link.token}/"]
    text = _text(reader)
    assert longest.code in text and INSTRUCTIONS[lang] in text


def test_every_demo_slip_of_td_ndj1_is_one_page_in_every_language(demo_data):
    url = "https://orienta.example.org/r/" + "x" * 43 + "/"
    spilled = []
    referrals = Referral.objects.filter(site__code="TD-NDJ1").select_related(
        "site", "service__organisation", "person"
    )
    for referral in referrals:
        status = fund_status(referral)
        for lang in LANGUAGES:
            pdf = slip_pdf(referral, language=lang, url=url, fund_status=status)
            if len(PdfReader(io.BytesIO(pdf)).pages) != 1:
                spilled.append(f"{referral.code} {lang}")
    assert referrals.count() >= 8 and not spilled
