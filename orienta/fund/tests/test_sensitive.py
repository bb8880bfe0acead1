"""A request made for a restricted (sensitive) case is seen only by those who see the case."""

import pytest
from django.http import Http404

from orienta.cases.tests.factories import make_action, make_case
from orienta.fund import queries
from orienta.fund.tests.factories import make_fund_request


def test_a_request_for_a_sensitive_case_is_hidden_like_the_case(world, users, persons, fund_td):
    case = make_case(persons["person_td"], users["agent_td"], sensitive=True)
    action = make_action(case, users["agent_td"])
    hidden = make_fund_request(
        persons["person_td"],
        users["agent_td"],
        amount=500,
        case_action=action,
        provider=world["provider_org"],
    )
    plain = make_fund_request(
        persons["person_td"], users["agent_td"], amount=400, provider=world["provider_org"]
    )
    assert set(queries.request_list(users["agent_td"])) == {hidden, plain}
    assert set(queries.request_list(users["manager_td"])) == {hidden, plain}
    assert list(queries.request_list(users["coordinator_td"])) == [plain]
    with pytest.raises(Http404):
        queries.request_for(users["coordinator_td"], hidden.pk)
