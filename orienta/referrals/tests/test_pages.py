import pytest
from django.utils import timezone

from orienta.audit.models import AccessLogEntry
from orienta.core.models import Event, Theme
from orienta.frontdesk.services import visit_record
from orienta.people.rights import consent_give
from orienta.referrals.models import Referral, ReferralEvent, Status


@pytest.fixture
def consenting(persons, users):
    person = persons["person_td"]
    consent_give(person=person, purpose="processing", by=users["agent_td"])
    consent_give(person=person, purpose="sharing", by=users["agent_td"])
    return person


def _post(client, person, svc, **extra):
    data = {
        "person": str(person.pk),
        "service": str(svc.pk),
        "urgency": "soon",
        "reason": "Pregnant, no antenatal visit yet",
        "shared_fields": ["given_name", "phone"],
    } | extra
    return client.post("/referrals/new/", data)


def test_the_form_lists_the_services_of_a_theme(login, consenting, svcs, users):
    health = Theme.objects.create(
        code="health-test", name_fr="Santé", name_pt="Saúde", name_en="Health"
    )
    svcs["td"].themes.add(health)
    client = login(users["agent_td"])
    page = client.get(f"/referrals/new/?person={consenting.pk}&theme=health-test")
    assert page.status_code == 200
    assert svcs["td"].name in page.content.decode()
    assert svcs["mz"].name not in page.content.decode()


def test_the_preview_shows_exactly_the_data_shared_then_sends(login, consenting, svcs, users):
    client = login(users["agent_td"])
    preview = _post(client, consenting, svcs["td"], step="preview")
    body = preview.content.decode()
    assert preview.status_code == 200
    shared = body.split('class="facts ref-shared">')[1].split("</dl>")[0]
    assert "+23566123456" in shared and "Achta" in shared
    assert "Mahamat" not in shared
    assert not Referral.objects.exists()
    sent = _post(client, consenting, svcs["td"], step="send")
    referral = Referral.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/referrals/{referral.pk}/"
    assert referral.shared_fields == ["given_name", "phone"]
    assert referral.urgency == "soon"
    export = AccessLogEntry.objects.get(action="export", object_id=referral.pk)
    assert "consent" in export.query and export.person == consenting.pk


def test_without_consent_the_agent_cannot_send(login, persons, svcs, users):
    client = login(users["agent_td"])
    page = _post(client, persons["person_td"], svcs["td"], step="send")
    assert page.status_code == 422
    assert not Referral.objects.exists()


def test_a_manager_sends_without_consent_with_a_reason_logged(login, persons, svcs, users):
    client = login(users["manager_td"])
    reason = "Child alone, needs care today"
    page = _post(
        client, persons["person_td"], svcs["td"], step="send", consent_override_reason=reason
    )
    assert page.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent_override_reason == reason
    assert AccessLogEntry.objects.filter(action="export", query__contains=reason).exists()
    assert Event.objects.filter(verb="referral_consent_override").exists()


def test_a_bad_form_is_shown_again_with_422(login, consenting, svcs, users):
    client = login(users["agent_td"])
    page = _post(client, consenting, svcs["td"], step="send", reason="", shared_fields=["dna"])
    assert page.status_code == 422
    assert not Referral.objects.exists()


def test_a_service_of_another_country_cannot_be_chosen(login, consenting, svcs, users):
    page = _post(login(users["agent_td"]), consenting, svcs["mz"], step="send")
    assert page.status_code == 422
    assert not Referral.objects.exists()


def test_the_person_page_lists_referrals_and_offers_to_refer(login, consenting, svcs, users):
    from orienta.referrals.tests.factories import make_referral

    referral = make_referral(consenting, svcs["td"], users["agent_td"])
    page = login(users["agent_td"]).get(f"/people/{consenting.pk}/").content.decode()
    assert referral.code in page
    assert f"/referrals/new/?person={consenting.pk}" in page


def test_an_illegal_transition_is_refused_with_a_message(login, consenting, svcs, users):
    from orienta.referrals.services import referral_decline
    from orienta.referrals.tests.factories import make_referral

    referral = make_referral(consenting, svcs["td"], users["agent_td"])
    referral_decline(referral=referral, reason="Full")
    client = login(users["agent_td"])
    page = client.post(f"/referrals/{referral.pk}/answer/", {"status": "served"})
    assert page.status_code == 422
    assert Referral.objects.get().status == Status.DECLINED


def test_the_agent_records_the_outcome_learned_at_follow_up(login, consenting, svcs, users):
    from orienta.referrals.tests.factories import make_referral

    referral = make_referral(consenting, svcs["td"], users["agent_td"])
    client = login(users["agent_td"])
    page = client.post(f"/referrals/{referral.pk}/answer/", {"status": "served", "note": "OK"})
    assert page.status_code == 302
    event = ReferralEvent.objects.get(referral=referral, to_status="served")
    assert (event.actor, event.user) == ("user", users["agent_td"])


def test_the_coordinator_reads_but_does_not_record(login, consenting, svcs, users):
    from orienta.referrals.tests.factories import make_referral

    referral = make_referral(consenting, svcs["td"], users["agent_td"])
    client = login(users["coordinator_td"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    assert client.post(f"/referrals/{referral.pk}/answer/", {"status": "served"}).status_code == 403
    assert client.get(f"/referrals/{referral.pk}/slip.pdf").status_code == 403
    assert Referral.objects.get().status == Status.SENT


def test_metrics_count_sent_answered_served(login, consenting, svcs, users):
    from orienta.referrals.services import referral_accept, referral_serve
    from orienta.referrals.tests.factories import make_referral

    first = make_referral(consenting, svcs["td"], users["agent_td"])
    make_referral(consenting, svcs["td"], users["agent_td"])
    referral_accept(referral=first)
    referral_serve(referral=first)
    page = login(users["manager_td"]).get("/referrals/metrics/")
    assert page.status_code == 200
    metrics = page.context["metrics"]
    assert (metrics["total"].sent, metrics["total"].answered, metrics["total"].served) == (2, 1, 1)
    assert metrics["total"].median_days == 0.0
    assert svcs["td"].name in page.content.decode()
    assert (
        login(users["coordinator_mz"]).get("/referrals/metrics/").context["metrics"]["total"].sent
        == 0
    )
    assert login(users["agent_td"]).get("/referrals/metrics/").status_code == 403


def test_metrics_by_service_for_one_month(login, consenting, svcs, users):
    from orienta.referrals.tests.factories import make_referral

    make_referral(consenting, svcs["td"], users["agent_td"])
    client = login(users["coordinator_td"])
    this_month = client.get("/referrals/metrics/").context["metrics"]["months"][0][0]
    one = client.get(f"/referrals/metrics/?month={this_month}").context["metrics"]
    assert [t.sent for _key, t in one["services"]] == [1]
    other = client.get("/referrals/metrics/?month=2001-01").context["metrics"]
    assert other["services"] == [] and other["total"].sent == 1


def test_a_referral_made_after_a_visit_comes_from_it(login, consenting, svcs, users):
    visit = visit_record(
        site=consenting.site,
        by=users["agent_td"],
        person=consenting,
        data={
            "channel": "walk_in",
            "outcome": "oriented",
            "themes": [Theme.objects.first()],
            "occurred_at": timezone.now(),
            "notes": "",
        },
    )
    client = login(users["agent_td"])
    page = client.get(f"/people/{consenting.pk}/").content.decode()
    assert f"?person={consenting.pk}&amp;visit={visit.pk}" in page
    _post(client, consenting, svcs["td"], step="send", visit=str(visit.pk))
    assert Referral.objects.get().visit == visit


# What `{% referral_lines %}` replaced: each list's loop, with `referrals/_status.html` (and the
# line break that ends it) in place of its include.
REFERRAL_LINES = {
    "list": (
        "{% load i18n %}{% for r in referrals %}<li><a href=\"{% url 'referrals:detail' r."
        'pk %}"><strong>{{ r.code }}</strong></a> · <span class="ref-status ref-{{ r.stat'
        'us }}">{{ r.get_status_display }}</span>\n\n<span class="meta">{{ r.person_label }'
        "} → {{ r.service.name }} ({{ r.service.organisation.name }}) · {{ r.sent_at|date"
        ':"SHORT_DATE_FORMAT" }} · {{ r.site.code }}</span></li>{% endfor %}'
    ),
    "waiting": (
        "{% load i18n %}{% for r in referrals %}<li><a href=\"{% url 'referrals:detail' r."
        'pk %}"><strong>{{ r.code }}</strong></a> · <span class="ref-status ref-{{ r.stat'
        'us }}">{{ r.get_status_display }}</span>\n{% if r.answer_due_at < now %} · <span '
        'class="error">{% translate "overdue" %}</span>{% endif %}\n<span class="meta">{{ '
        "r.person_label }} → {{ r.service.name }} · {% blocktranslate with date=r.answer_"
        'due_at|date:"SHORT_DATE_FORMAT" %}answer expected by {{ date }}{% endblocktransl'
        "ate %}</span></li>{% endfor %}"
    ),
    "served": (
        "{% load i18n %}{% for r in referrals %}<li><a href=\"{% url 'referrals:detail' r."
        'pk %}"><strong>{{ r.code }}</strong></a> · <span class="ref-status ref-{{ r.stat'
        'us }}">{{ r.get_status_display }}</span>\n\n<span class="meta">{{ r.person_label }'
        '} → {{ r.service.name }} · {{ r.served_at|date:"SHORT_DATE_FORMAT" }}</span></li'
        ">{% endfor %}"
    ),
}


@pytest.mark.parametrize("language", ["fr", "pt", "en"])
def test_the_referral_lines_are_drawn_as_the_template_language_drew_them(
    consenting, svcs, users, language
):
    from datetime import timedelta

    from django.template import Context, Template
    from django.utils import translation

    from orienta.people.models import Person
    from orienta.referrals import queries
    from orienta.referrals.tests.factories import make_referral

    agent = users["agent_td"]
    Person.objects.filter(pk=consenting.pk).update(given_name='<b>O\'Neil & "Co"</b>')
    person = Person.objects.get(pk=consenting.pk)
    made = [make_referral(person, svcs["td"], agent) for _ in range(2)]
    now = timezone.now()
    Referral.objects.filter(pk=made[0].pk).update(answer_due_at=now - timedelta(days=2))
    Referral.objects.filter(pk=made[1].pk).update(served_at=now - timedelta(days=1))
    found = queries.label_persons(
        agent, queries.referral_list(agent).filter(pk__in=[r.pk for r in made])
    )
    with translation.override(language):
        drawn_all = ""
        for kind, reference in REFERRAL_LINES.items():
            context = {"referrals": found, "kind": kind, "now": now}
            drawn = Template(
                "{% load referral_lines %}{% referral_lines referrals kind now %}"
            ).render(Context(context))
            assert drawn == Template(reference).render(Context(context)), kind
            drawn_all += drawn
    assert "&lt;b&gt;O&#x27;Neil &amp; &quot;Co&quot;&lt;/b&gt;" in drawn_all
    assert 'class="error"' in drawn_all  # the first is overdue, the second not
    assert drawn_all.count('class="error"') == 1
