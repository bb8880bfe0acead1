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
