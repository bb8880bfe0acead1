"""The demo's community work: sessions, a fair and a training in each country."""

from orienta.lib.indicators import Period, Scope
from orienta.outreach.models import (
    AwarenessSession,
    Fair,
    Participant,
    SessionVisit,
    Status,
    Training,
)
from orienta.reporting.engine import values


def test_every_country_has_sessions_a_fair_and_a_training(demo_data):
    for country in ("TD", "MZ", "GW"):
        sessions = AwarenessSession.objects.filter(site__country__code=country)
        assert sessions.filter(status=Status.HELD).count() >= 3, country
        assert sessions.filter(status=Status.PLANNED).exists(), country
        assert Fair.objects.filter(site__country__code=country, status=Status.HELD).exists()
        trainings = Training.objects.filter(site__country__code=country, status=Status.HELD)
        assert trainings.exists(), country
        assert Participant.objects.filter(training__in=trainings, post_score__isnull=False).exists()
    assert SessionVisit.objects.exists()


def test_the_demo_feeds_the_results(demo_data):
    from django.utils import timezone

    year = Period.parse(str(timezone.localdate().year))
    last = Period(year.start.replace(year=year.start.year - 1), year.end)
    reached = values("OUTREACH_PERSONS_REACHED", last, Scope(), ["sex"], suppress=False)
    assert reached.total > 0
    assert values("FAIR_VISITORS", last, Scope(), suppress=False).total > 0
    assert values("AGENTS_TRAINED", last, Scope(), suppress=False).total > 0
