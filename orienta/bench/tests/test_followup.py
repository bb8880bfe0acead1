"""The generated follow-up layer keeps the rules the services keep: codes, counters, statuses,
timelines, and a fund whose balances are the sums of its entries and never negative."""

from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db.models import Count

from orienta.bench.generate import generate
from orienta.cases.models import Case, CaseAction, CaseEvent, CaseSettings, EventKind
from orienta.cases.models import Status as CaseStatus
from orienta.core.models import Role, User
from orienta.directory.models import CostOption, Permanence, Service
from orienta.fund.models import EFFECTS, Account, FundRequest, LedgerEntry, Payment, Period
from orienta.fund.models import Status as FundStatus
from orienta.fund.services import account_position
from orienta.people.models import Person
from orienta.referrals.models import TRANSITIONS, Referral, ReferralEvent
from orienta.testing.shared import SharedData

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


# Generated once for all the tests that read it (see orienta/testing/shared.py).
FOLLOW_UP = SharedData(
    "follow_up", lambda: generate(persons=900, seed=3, sites=3, years=2, now=NOW)
)


@pytest.fixture(scope="session")
def _follow_up(django_db_setup, django_db_blocker):
    yield from FOLLOW_UP.session(django_db_blocker)


@pytest.fixture
def data(_follow_up, db):
    return FOLLOW_UP.value


def test_every_country_has_a_directory_with_fees_in_its_currency(data):
    for account in Account.objects.select_related("site__country"):
        country = account.site.country
        assert Service.objects.filter(organisation__country=country).count() >= 5
        fees = CostOption.objects.filter(service__organisation__country=country)
        assert fees.exists()
        assert set(fees.values_list("currency", flat=True)) == {country.currency}
        assert Permanence.objects.filter(site=account.site).exists()


def test_case_codes_follow_the_site_counter(data):
    assert Case.objects.count() > 20
    for settings in CaseSettings.objects.select_related("site"):
        codes = sorted(Case.objects.filter(site=settings.site).values_list("code", flat=True))
        assert len(codes) == settings.case_seq
        assert codes[-1] == f"{settings.site.code}-C-{settings.case_seq:06d}"


def test_cases_are_realistic_and_consistent(data):
    cases = Case.objects.all()
    total = cases.count()
    statuses = Counter(cases.values_list("status", flat=True))
    assert 0.15 < statuses[CaseStatus.CLOSED] / total < 0.45
    assert statuses[CaseStatus.IN_PROGRESS] > statuses[CaseStatus.OPEN] > 0
    assert 0.005 < cases.filter(sensitive=True).count() / total < 0.12
    assert not cases.filter(needs__isnull=True).exists()
    assert not cases.filter(visit__outcome__in=["informed", "oriented"]).exists()
    for case in cases.select_related("responsible", "person"):
        assert case.person.site_id == case.site_id
        assert case.responsible.role in (Role.AGENT, Role.MANAGER)
        assert case.responsible.sites.filter(pk=case.site_id).exists()
    opened = CaseEvent.objects.filter(kind=EventKind.OPENED).count()
    closed = CaseEvent.objects.filter(kind=EventKind.CLOSED).count()
    assert opened == total and closed == statuses[CaseStatus.CLOSED]


def test_action_plans_have_overdue_due_today_and_done_actions(data):
    per_case = Case.objects.filter(status=CaseStatus.IN_PROGRESS).annotate(n=Count("actions"))
    assert all(1 <= c.n <= 4 for c in per_case)
    today = NOW.date()
    planned = CaseAction.objects.filter(status="planned", case__status=CaseStatus.IN_PROGRESS)
    assert planned.filter(due_on__lt=today).exists()
    assert CaseAction.objects.filter(status="planned", due_on=today).exists()
    done = CaseAction.objects.filter(status="done")
    assert done.count() > planned.count()
    assert not done.filter(done_at__isnull=True).exists()
    assert not Case.objects.filter(status=CaseStatus.OPEN, actions__isnull=False).exists()


def test_referral_codes_unique_and_persons_of_the_site(data):
    referrals = Referral.objects.select_related("person", "service__organisation", "site")
    assert referrals.count() > 20
    codes = list(referrals.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    for referral in referrals:
        assert referral.person.site_id == referral.site_id
        assert referral.service.organisation.country_id == referral.site.country_id
        assert referral.person.consent_sharing


def test_referral_events_trace_allowed_transitions(data):
    events = defaultdict(list)
    for event in ReferralEvent.objects.order_by("at", "id"):
        events[event.referral_id].append(event)
    statuses = Counter()
    for referral in Referral.objects.all():
        trail = events[referral.pk]
        assert trail[0].verb == "send"
        current = trail[0].to_status
        for event in trail[1:]:
            assert event.from_status == current
            assert event.to_status in TRANSITIONS[current]
            current = event.to_status
        assert current == referral.status
        assert referral.version == len(trail)
        statuses[referral.status] += 1
    assert len(statuses) >= 5


def test_fund_balances_are_the_sum_of_entries_and_never_negative(data):
    accounts = Account.objects.all()
    assert accounts.count() == 3
    for account in accounts:
        running = [Decimal(0)] * 3
        for entry in LedgerEntry.objects.filter(account=account).order_by("at", "id"):
            running = [
                r + s * entry.amount for r, s in zip(running, EFFECTS[entry.kind], strict=True)
            ]
            assert running[0] - running[1] - running[2] >= 0, entry
        position = account_position(account)
        assert [position.allocated, position.committed, position.paid] == running
        requests = FundRequest.objects.filter(account=account)
        assert account.request_seq == requests.count()
        approved = sum(r.amount for r in requests.filter(status=FundStatus.APPROVED))
        paid = sum(r.amount for r in requests.filter(status=FundStatus.PAID))
        assert position.committed == approved and position.paid == paid


def test_fund_requests_codes_statuses_and_payments(data):
    requests = FundRequest.objects.all()
    referrals = Referral.objects.count()
    assert 0.03 * referrals <= requests.count() <= 0.2 * referrals
    codes = list(requests.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    paying = [FundStatus.PAID, FundStatus.REVERSED]
    assert Payment.objects.count() == requests.filter(status__in=paying).count()
    assert requests.filter(status=FundStatus.PAID).exists()
    for request in requests.select_related("period", "referral"):
        assert request.period.starts_on <= request.created_at.date() <= request.period.ends_on
        assert request.referral.person_id == request.person_id
        kinds = set(request.entries.values_list("kind", flat=True))
        assert ("commitment" in kinds) == (
            request.status not in ("requested", "rejected")
            and not (request.status == "cancelled" and "release" not in kinds)
        )
    assert Period.objects.filter(starts_on__lte=NOW.date(), ends_on__gte=NOW.date()).count() == 3


def test_managers_of_generated_sites_decide_requests(data):
    deciders = FundRequest.objects.exclude(decided_by=None).values_list("decided_by", flat=True)
    roles = set(User.objects.filter(pk__in=deciders).values_list("role", flat=True))
    assert roles <= {Role.MANAGER, Role.COORDINATOR} and Role.MANAGER in roles


def test_the_follow_up_layer_is_the_same_for_a_seed(db):
    from django.db import transaction

    def snapshot():
        cases = list(Case.objects.order_by("code").values_list("code", "status", "sensitive"))
        refs = list(Referral.objects.order_by("code").values_list("code", "status"))
        fund = list(FundRequest.objects.order_by("code").values_list("code", "status", "amount"))
        return cases, refs, fund

    with transaction.atomic():
        generate(persons=600, seed=5, sites=3, years=1, now=NOW)
        first = snapshot()
        transaction.set_rollback(True)
    generate(persons=600, seed=5, sites=3, years=1, now=NOW)
    assert snapshot() == first
    assert first[0] and first[1]


def test_site_staff_see_the_referrals_of_their_site(data):
    for account in Account.objects.select_related("site"):
        agent = User.objects.filter(role=Role.AGENT, sites=account.site).order_by("username")[0]
        visible = Referral.objects.visible_to(agent)
        outside_cases = Referral.objects.filter(site=account.site, case__sensitive=False)
        mine = Referral.objects.filter(site=account.site, case__isnull=True) | outside_cases
        assert set(mine.values_list("pk", flat=True)) <= set(visible.values_list("pk", flat=True))
        persons = Person.objects.visible_to(agent)
        assert persons.filter(pk__in=mine.values("person")).count() == (
            mine.values("person").distinct().count()
        )
