"""The break-the-glass accesses a user object keeps (`cases.models.granted_case_ids`): read once
for the many lists of a page, and never kept past what they are."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orienta.cases.models import Case
from orienta.cases.queries import masked_person_ids
from orienta.cases.services import case_break_glass
from orienta.core.models import User
from orienta.referrals.models import Referral
from orienta.testing.clock import travel

REASON = "La responsable est absente, la personne attend."


def _sees(user, case) -> bool:
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def _grant_reads(queries) -> int:
    return sum('FROM "cases_caseaccessgrant"' in q["sql"] for q in queries.captured_queries)


def test_a_page_reads_the_grants_once_for_all_its_lists(sensitive_td, agent_td_b):
    case_break_glass(case=sensitive_td, by=agent_td_b, reason=REASON)
    user = User.objects.get(pk=agent_td_b.pk)  # a request's user object
    with CaptureQueriesContext(connection) as queries:
        assert _sees(user, sensitive_td)
        list(Case.objects.visible_to(user))
        list(Referral.objects.visible_to(user))
        assert masked_person_ids(user, [sensitive_td.person_id]) == set()
        list(Case.objects.unseen_by(user))
    assert _grant_reads(queries) == 1


def test_breaking_the_glass_opens_the_case_to_the_same_user_object(sensitive_td, agent_td_b):
    assert not _sees(agent_td_b, sensitive_td)
    assert masked_person_ids(agent_td_b, [sensitive_td.person_id]) == {sensitive_td.person_id}
    case_break_glass(case=sensitive_td, by=agent_td_b, reason=REASON)
    assert _sees(agent_td_b, sensitive_td)
    assert masked_person_ids(agent_td_b, [sensitive_td.person_id]) == set()
    assert sensitive_td not in Case.objects.unseen_by(agent_td_b)


def test_the_access_ends_for_a_user_object_that_kept_it(sensitive_td, agent_td_b):
    case_break_glass(case=sensitive_td, by=agent_td_b, reason=REASON)
    user = User.objects.get(pk=agent_td_b.pk)
    assert _sees(user, sensitive_td)  # kept until the grant ends
    with travel(timezone.now() + timedelta(hours=3, seconds=1)):
        assert not _sees(user, sensitive_td)
        assert masked_person_ids(user, [sensitive_td.person_id]) == {sensitive_td.person_id}
        assert sensitive_td in Case.objects.unseen_by(user)


def test_a_grant_rolled_back_is_not_kept(sensitive_td, agent_td_b):
    assert not _sees(agent_td_b, sensitive_td)
    with pytest.raises(RuntimeError), transaction.atomic():
        case_break_glass(case=sensitive_td, by=agent_td_b, reason=REASON)
        assert _sees(agent_td_b, sensitive_td)
        raise RuntimeError("the page failed after breaking the glass")
    assert not _sees(agent_td_b, sensitive_td)


def test_a_coordinator_without_grants_sees_no_sensitive_case(users, sensitive_td, case_td):
    coordinator = users["coordinator_td"]
    assert list(Case.objects.visible_to(coordinator)) == [case_td]
    assert sensitive_td in Case.objects.unseen_by(coordinator)
    assert case_td not in Case.objects.unseen_by(coordinator)
