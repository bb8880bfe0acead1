from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from orienta.audit.models import AccessLogEntry
from orienta.core.models import Organisation, Role, User
from orienta.directory.tests.factories import make_service
from orienta.referrals import services
from orienta.referrals.models import ReferralEvent, ReferralLink, Status
from orienta.referrals.tests.factories import make_referral


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def referral(persons, svcs, users):
    return make_referral(persons["person_td"], svcs["td"], users["agent_td"], reason="GBV signs")


@pytest.fixture
def link(referral, users):
    return services.link_for(referral=referral, by=users["agent_td"])


def test_the_link_shows_only_the_reference_the_service_and_the_data_shared(client, referral, link):
    page = client.get(f"/r/{link.token}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert referral.code in body and referral.service.name in body
    assert "Achta" in body and "Mahamat" in body  # the given and family names were shared
    for secret in ("GBV signs", referral.person.code, "+23566123456"):
        assert secret not in body
    entry = AccessLogEntry.objects.get(action="read", object_id=referral.pk)
    assert entry.actor is None and entry.person == referral.person_id


def _shared_only(persons, svcs, users, fields):
    """A referral of Achta Mahamat sharing only `fields`, and its link's page."""
    referral = make_referral(
        persons["person_td"], svcs["td"], users["agent_td"], shared_fields=fields
    )
    return referral, services.link_for(referral=referral, by=users["agent_td"])


def test_a_referral_sharing_no_name_shows_no_name_through_the_link(client, persons, svcs, users):
    referral, link = _shared_only(persons, svcs, users, ("sex", "age"))
    body = client.get(f"/r/{link.token}/").content.decode()
    assert referral.code in body and referral.service.name in body
    assert "Achta" not in body and "Mahamat" not in body
    assert "Female" in body or "Femme" in body  # what was shared is shown


def test_the_link_shows_the_given_name_alone_when_only_it_was_shared(client, persons, svcs, users):
    _referral, link = _shared_only(persons, svcs, users, ("given_name",))
    body = client.get(f"/r/{link.token}/").content.decode()
    assert "Achta" in body and "Mahamat" not in body


def test_the_provider_pages_show_no_name_that_was_not_shared(login, persons, svcs, users):
    referral, _link = _shared_only(persons, svcs, users, ("age",))
    client = login(users["provider_user"])
    for url in ("/provider/referrals/", f"/provider/referrals/{referral.pk}/"):
        body = client.get(url).content.decode()
        assert referral.code in body
        assert "Achta" not in body and "Mahamat" not in body


def test_the_provider_marks_received_then_served_through_the_link(client, referral, link):
    assert client.post(f"/r/{link.token}/", {"status": "accepted"}).status_code == 302
    assert client.post(f"/r/{link.token}/", {"status": "served"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SERVED
    actors = list(referral.events.values_list("actor", flat=True))
    assert actors == ["user", "provider_link", "provider_link"]


def test_the_provider_marks_not_served_through_the_link(client, referral, link):
    assert 'value="not_served"' in client.get(f"/r/{link.token}/").content.decode()
    answer = {"status": "not_served", "note": "Did not come"}
    assert client.post(f"/r/{link.token}/", answer).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome_note) == (Status.NOT_SERVED, "Did not come")
    event = referral.events.get(to_status=Status.NOT_SERVED)
    assert event.actor == "provider_link"


def test_the_link_offers_the_answers_the_provider_account_has(client, login, referral, link, users):
    """Through the link or signed in, the provider is offered the same answers, where the
    referral's status allows them (after "received": served or not served)."""

    def offered(body):
        return {s for s in Status.values if f'value="{s}"' in body}

    signed_in = login(users["provider_user"])
    for status in (Status.SENT, Status.ACCEPTED):
        type(referral).objects.filter(pk=referral.pk).update(status=status)
        through_link = offered(client.get(f"/r/{link.token}/").content.decode())
        with_account = offered(
            signed_in.get(f"/provider/referrals/{referral.pk}/").content.decode()
        )
        assert through_link == with_account
    assert through_link == {Status.SERVED, Status.NOT_SERVED}


def test_declining_through_the_link_needs_a_note(client, referral, link):
    assert client.post(f"/r/{link.token}/", {"status": "declined"}).status_code == 422
    answer = {"status": "declined", "note": "Full"}
    assert client.post(f"/r/{link.token}/", answer).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome_note) == (Status.DECLINED, "Full")


def test_a_link_cannot_cancel(client, referral, link):
    assert client.post(f"/r/{link.token}/", {"status": "cancelled"}).status_code == 422
    assert referral.events.count() == 1


def test_a_revoked_link_shows_a_clear_page_and_changes_nothing(client, referral, link, users):
    services.link_revoke(referral=referral, by=users["agent_td"])
    page = client.post(f"/r/{link.token}/", {"status": "served"})
    assert page.status_code == 410
    assert referral.code not in page.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_an_expired_link_shows_a_clear_page_and_changes_nothing(client, referral, link):
    ReferralLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(1))
    page = client.post(f"/r/{link.token}/", {"status": "accepted"})
    assert page.status_code == 410
    assert 'role="alert"' in page.content.decode()
    assert referral.code not in page.content.decode()
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_a_token_opens_its_own_referral_and_nothing_else(client, persons, svcs, users, link):
    other = make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    page = client.get(f"/r/{link.token}/")
    assert other.code not in page.content.decode()
    assert client.get(f"/r/{link.token}x/").status_code == 404
    assert client.get(f"/referrals/{other.pk}/").status_code == 302  # sign-in first
    assert client.get(f"/provider/referrals/{other.pk}/").status_code == 302
    assert client.get(f"/api/v1/referrals/{other.pk}").status_code == 401


def test_only_the_hash_of_the_token_is_stored(link):
    stored = ReferralLink.objects.filter(pk=link.pk).values()[0]
    assert link.token not in str(stored)


def test_the_link_is_rate_limited(client, link, settings):
    from orienta.referrals import provider_views

    statuses = [
        client.get(f"/r/{link.token}/").status_code
        for _ in range(provider_views.RATE_PER_TOKEN + 1)
    ]
    assert statuses[0] == 200 and statuses[-1] == 429


def test_guessing_tokens_is_rate_limited_per_address(client, db):
    from orienta.referrals import provider_views

    statuses = [
        client.get(f"/r/guess{n}/").status_code for n in range(provider_views.RATE_PER_IP + 1)
    ]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_the_link_expires_after_the_response_time_and_a_margin(referral, link):
    assert link.expires_at == referral.answer_due_at + timedelta(days=services.LINK_MARGIN_DAYS)


# Provider accounts


def test_a_provider_lists_only_referrals_to_its_organisation(login, persons, svcs, users, referral):
    other = make_referral(persons["person_mz"], svcs["mz"], users["agent_mz"])
    client = login(users["provider_user"])
    page = client.get("/provider/referrals/")
    body = page.content.decode()
    assert referral.code in body and other.code not in body
    assert "Mahamat" in body  # the family name was chosen as shared data
    assert "GBV signs" not in body and referral.person.code not in body
    assert client.get(f"/provider/referrals/{other.pk}/").status_code == 404


def test_a_provider_answers_with_its_account(login, users, referral):
    client = login(users["provider_user"])
    page = client.post(f"/provider/referrals/{referral.pk}/", {"status": "accepted"})
    assert page.status_code == 302
    event = ReferralEvent.objects.get(referral=referral, to_status="accepted")
    assert (event.actor, event.user) == ("provider_account", users["provider_user"])


def test_a_provider_never_reaches_the_person_or_the_staff_pages(login, users, referral):
    client = login(users["provider_user"])
    assert client.get(f"/people/{referral.person_id}/").status_code == 403
    assert client.get(f"/referrals/{referral.pk}/").status_code == 403
    assert client.get("/referrals/").status_code == 403


def test_a_provider_of_another_organisation_sees_nothing(login, world, referral):
    org = Organisation.objects.create(name="Autre", kind="public", country=world["td"])
    make_service(org, name="Autre service")
    stranger = User.objects.create_user(
        username="other_provider",
        password="x-long-password-1",
        role=Role.PROVIDER,
        organisation=org,
    )
    client = login(stranger)
    assert referral.code not in client.get("/provider/referrals/").content.decode()
    assert client.get(f"/provider/referrals/{referral.pk}/").status_code == 404
