"""OCA scoring from hand-computed examples: area averages, stages, consensus; a changed tool is
a new version and the assessments made with the old one keep their results."""

import copy
from decimal import Decimal

import pytest

from orienta.partners import oca, services
from orienta.partners.models import Assessment
from orienta.partners.tests.factories import SMALL, scores_of, small_tool

# g1 2, g2 3 → governance 5/2 = 2.50 (emerging, from 2); f1 1, f2 2, f3 2 → finance 5/3 = 1.67
# (nascent, below 2); h1 4 → HR 4.00 (mature, from 3). Overall (5/2 + 5/3 + 4) / 3 = 49/18 =
# 2.72 (emerging): each area weighs the same, whatever its number of statements.
HAND = {"g1": 2, "g2": 3, "f1": 1, "f2": 2, "f3": 2, "h1": 4}


def _score(definition, raw):
    return oca.score(definition, oca.checked_scores(definition, raw))


def test_area_averages_and_stages_by_hand():
    result = _score(oca.parse(SMALL), HAND)
    assert result.areas_json() == {
        "gov": {"average": "2.50", "stage": "emerging"},
        "fin": {"average": "1.67", "stage": "nascent"},
        "hr": {"average": "4.00", "stage": "mature"},
    }
    assert (result.average, result.stage) == (Decimal("2.72"), "emerging")


def test_the_stage_is_read_from_the_exact_average_not_the_rounded_one():
    definition = copy.deepcopy(SMALL)
    definition["stages"][1]["from"] = "1.67"  # finance's 5/3 = 1.666… shows 1.67
    result = _score(oca.parse(definition), HAND)
    fin = next(a for a in result.areas if a.code == "fin")
    assert (fin.average, fin.stage) == (Decimal("1.67"), "nascent")
    definition["stages"][1]["from"] = "1.66"
    fin = next(a for a in _score(oca.parse(definition), HAND).areas if a.code == "fin")
    assert fin.stage == "emerging"


def test_the_average_uses_the_consensus_score_not_the_mean_of_participants():
    raw = dict(HAND) | {"h1": {"score": 4, "individual": [2, 4, 3]}}
    hr = next(a for a in _score(oca.parse(SMALL), raw).areas if a.code == "hr")
    assert hr.average == Decimal("4.00")  # the participants' mean would be 3


def test_a_consensus_outside_the_participants_scores_is_refused():
    raw = dict(HAND) | {"g1": {"score": 4, "individual": [1, 2, 2]}}
    with pytest.raises(oca.ScoresError, match="between the lowest and the highest"):
        oca.checked_scores(oca.parse(SMALL), raw)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"h1": None}, "missing: h1"),
        ({"x9": 2}, "Not statements of this tool: x9"),
        ({"g1": 5}, "a score is 1, 2, 3 or 4"),
        ({"g1": 0}, "a score is 1, 2, 3 or 4"),
        ({"g1": {"score": 2, "individual": [2, 7]}}, "each participant's score"),
    ],
)
def test_bad_scores_are_refused(change, message):
    raw = {k: v for k, v in (dict(HAND) | change).items() if v is not None}
    with pytest.raises(oca.ScoresError, match=message):
        oca.checked_scores(oca.parse(SMALL), raw)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["stages"][0].update({"from": 2}), "the first stage starts at 1"),
        (lambda d: d["stages"][2].update({"from": 2}), "above the one before"),
        (lambda d: d["stages"][2].update({"from": 5}), "from 1 to 4"),
        (lambda d: d["areas"][1]["statements"].append({"code": "g1"}), "only once"),
        (lambda d: d.update({"areas": []}), "1 to 12 areas"),
    ],
)
def test_a_broken_definition_is_refused(change, message):
    definition = copy.deepcopy(SMALL)
    change(definition)
    with pytest.raises(oca.DefinitionError, match=message):
        oca.parse(definition)


def test_the_seeded_tool_has_the_nine_areas_and_four_stages(tool):
    definition = tool.parsed()
    assert [a.code for a in definition.areas] == [
        "governance",
        "finance",
        "administration",
        "hr",
        "programme",
        "me",
        "resources",
        "networking",
        "gender",
    ]
    assert [s.code for s in definition.stages] == ["nascent", "emerging", "expanding", "mature"]


def test_an_assessment_is_saved_with_its_results(cso_td, users):
    tool = small_tool(users["me_hq"])
    made = services.assessment_record(
        organisation=cso_td, tool=tool, scores=HAND, by=users["cso_td"], participants=7
    )
    made.refresh_from_db()
    assert (made.average, made.stage) == (Decimal("2.72"), "emerging")
    assert made.areas["fin"] == {"average": "1.67", "stage": "nascent"}
    assert made.scores["g1"] == {"score": 2, "justification": "", "evidence": "", "individual": []}


def test_a_changed_tool_is_a_new_version_and_old_results_do_not_change(cso_td, users):
    v1 = small_tool(users["me_hq"])
    old = services.assessment_record(organisation=cso_td, tool=v1, scores=HAND, by=users["cso_td"])
    stricter = copy.deepcopy(SMALL)
    stricter["stages"][1]["from"] = 3  # emerging now from 3: governance's 2.5 would be nascent
    stricter["stages"][2]["from"] = "3.5"
    v2 = services.tool_revise(tool=v1, name="OCA test", definition=stricter, by=users["me_hq"])
    assert (v2.code, v2.revision) == (v1.code, v1.revision + 1)
    v1.refresh_from_db()
    assert v1.retired_at is not None and v1.definition == SMALL

    old.refresh_from_db()
    assert old.tool_id == v1.pk
    assert old.areas["gov"] == {"average": "2.50", "stage": "emerging"}
    assert (old.average, old.stage) == (Decimal("2.72"), "emerging")

    new = services.assessment_record(organisation=cso_td, tool=v2, scores=HAND, by=users["cso_td"])
    assert new.areas["gov"] == {"average": "2.50", "stage": "nascent"}
    assert new.stage == "nascent"
    with pytest.raises(services.PartnerRefused, match="current version"):
        services.assessment_record(organisation=cso_td, tool=v1, scores=HAND, by=users["cso_td"])
    assert Assessment.objects.filter(tool=v1).count() == 1


def test_an_unchanged_tool_saves_no_version(users, tool):
    with pytest.raises(services.ToolUnchanged):
        services.tool_revise(
            tool=tool, name=tool.name, definition=tool.definition, by=users["me_hq"]
        )


@pytest.mark.parametrize("role", ["coordinator_td", "cso_td", "agent_td"])
def test_only_me_and_administrators_change_the_tool(users, tool, role):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.tool_revise(tool=tool, name="x", definition=SMALL, by=users[role])


def test_refused_scores_save_nothing(cso_td, users, tool):
    with pytest.raises(services.PartnerRefused):
        services.assessment_record(
            organisation=cso_td, tool=tool, scores=scores_of(tool, 9), by=users["cso_td"]
        )
    assert not Assessment.objects.exists()
