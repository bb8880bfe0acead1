"""The community work API: sessions, fairs and trainings created and read, counts checked."""

import pytest

from orienta.core.services import api_token_issue
from orienta.outreach.models import AwarenessSession, Fair
from orienta.outreach.tests.factories import make_curriculum, make_session

API = "/api/v1/outreach"


@pytest.fixture
def call(client):
    def run(user, method, path, data=None):
        token, _row = api_token_issue(user=user)
        kwargs = {"content_type": "application/json", "data": data} if data is not None else {}
        return getattr(client, method)(
            f"{API}{path}", HTTP_AUTHORIZATION=f"Bearer {token}", **kwargs
        )

    return run


def test_the_age_bands(call, users):
    found = call(users["agent_td"], "get", "/age-bands").json()
    assert [b["code"] for b in found] == ["0-14", "15-24", "25-35", "36-59", "60+"]
    assert found[-1] == {"code": "60+", "low": 60, "high": None}


def test_record_a_session_held_with_its_attendance(call, users, world):
    body = {
        "site": "TD-NDJ1",
        "title": "Causerie à l'école",
        "planned_on": "2026-03-10",
        "held_on": "2026-03-10",
        "area": "TD-ND",
        "venue_type": "school",
        "format": "talk",
        "themes": ["civil_registration", "gender_equality"],
        "attendance": [
            {"sex": "female", "age_band": "15-24", "disability": False, "count": 12},
            {"sex": "male", "age_band": "0-14", "count": 4},
        ],
    }
    response = call(users["agent_td"], "post", "/sessions", body)
    assert response.status_code == 201, response.json()
    found = response.json()
    assert found["total"] == 16 and found["status"] == "held"
    assert sorted(found["themes"]) == ["civil_registration", "gender_equality"]
    session = AwarenessSession.objects.get()
    assert session.topics == ["gender_equality"] and session.area.code == "TD-ND"
    read = call(users["coordinator_td"], "get", f"/sessions/{session.pk}").json()
    assert read["attendance"] == found["attendance"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"sex": "female", "age_band": "15-24", "count": -2}, None),
        ({"sex": "woman", "age_band": "15-24", "count": 2}, "is not a sex"),
        ({"sex": "female", "age_band": "15-20", "count": 2}, "is not an age band"),
    ],
)
def test_bad_attendance_is_a_422_and_saves_nothing(call, users, world, row, message):
    body = {
        "title": "Causerie",
        "planned_on": "2026-03-10",
        "held_on": "2026-03-10",
        "attendance": [row],
    }
    response = call(users["agent_td"], "post", "/sessions", body)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"][:2] == ["body", "attendance"], error
    if message:
        assert message in error["msg"]
    assert not AwarenessSession.objects.exists()


def test_a_fair_and_a_training_are_planned(call, users, world):
    fair = call(
        users["agent_td"],
        "post",
        "/fairs",
        {"title": "Foire de l'emploi", "planned_on": "2026-04-20", "venue": "Place"},
    )
    assert fair.status_code == 201 and fair.json()["status"] == "planned"
    make_curriculum()
    training = call(
        users["agent_td"],
        "post",
        "/trainings",
        {"title": "Formation", "planned_on": "2026-04-02", "curriculum": "biosp-method"},
    )
    assert training.status_code == 201 and training.json()["curriculum"] == "biosp-method"
    unknown = call(
        users["agent_td"],
        "post",
        "/trainings",
        {"title": "Formation", "planned_on": "2026-04-02", "curriculum": "nope"},
    )
    assert unknown.status_code == 422
    assert Fair.objects.get().site.code == "TD-NDJ1"


def test_lists_are_scoped_and_filtered(call, users, world):
    make_session(users["agent_td"], world["sites"]["td"], title="Chagoua")
    make_session(users["agent_mz"], world["sites"]["mz"], title="Chamanculo")
    titles = {s["title"] for s in call(users["me_hq"], "get", "/sessions").json()["items"]}
    assert titles == {"Chagoua", "Chamanculo"}
    coordinator = call(users["coordinator_td"], "get", "/sessions?month=2026-03").json()
    assert [s["title"] for s in coordinator["items"]] == ["Chagoua"]
    assert call(users["agent_td"], "get", "/sessions?month=2026-01").json()["count"] == 0
    assert call(users["agent_td"], "get", "/sessions?month=soon").status_code == 422
    assert call(users["provider_user"], "get", "/sessions").status_code == 403


def test_counts_of_a_planned_session_are_recorded_later(call, users, world):
    session = make_session(users["agent_td"], world["sites"]["td"], held=False)
    body = {
        "version": session.version,
        "held_on": "2026-03-11",
        "attendance": [{"sex": "female", "age_band": "60+", "count": 3}],
    }
    found = call(users["manager_td"], "post", f"/sessions/{session.pk}/counts", body).json()
    assert found["status"] == "held" and found["total"] == 3
    stale = call(users["agent_td"], "post", f"/sessions/{session.pk}/counts", body)
    assert stale.status_code == 409
    body["version"] = found["version"]
    assert (
        call(users["coordinator_td"], "post", f"/sessions/{session.pk}/counts", body).status_code
        == 403
    )
    future = call(
        users["agent_td"],
        "post",
        f"/sessions/{session.pk}/counts",
        body | {"held_on": "2026-03-20"},
    )
    assert future.status_code == 422
