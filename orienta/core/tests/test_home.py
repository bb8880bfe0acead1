"""Where each role lands after signing in."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "role, landing",
    [
        ("agent_td", "cases:worklist"),
        ("manager_td", "cases:worklist"),
        ("coordinator_td", "reporting:dashboard"),
        ("me_hq", "reporting:dashboard"),
        ("provider_user", "referrals:provider_list"),
    ],
)
def test_each_role_lands_on_its_first_page(login, users, role, landing):
    response = login(users[role]).get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse(landing)


def test_a_partner_csos_staff_lands_on_their_organisations_page(login, users, world):
    response = login(users["cso_td"]).get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:detail", args=[world["org_td"].pk])
    assert login(users["cso_td"]).get(response["Location"]).status_code == 200
