"""One place for each rule (CONTRIBUTING.md, "Where things go"): who may do what is a named
predicate of `orienta.core.access`; a version moves with `BaseModel.touch()`; a record out of
scope is an `OutOfScope` that the audit middleware logs once, for pages and the API alike; the
API imports no view."""

import ast
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

import orienta
from orienta.audit.models import AccessLogEntry
from orienta.cases.queries import action_for, case_for, followup_for
from orienta.cases.tests.factories import make_case
from orienta.core import access
from orienta.core.context_processors import access as access_context
from orienta.core.services import api_token_issue
from orienta.frontdesk.queries import visit_for
from orienta.fund.queries import request_for
from orienta.lib.errors import OutOfScope
from orienta.lib.plugins import app_modules
from orienta.people.models import Person
from orienta.people.queries import person_for
from orienta.referrals.queries import referral_for

ROOT = Path(orienta.__file__).parent


def _product_files() -> list[Path]:
    """The product's Python modules: not its tests, migrations or test harness."""
    return [
        path
        for path in ROOT.rglob("*.py")
        if not {"tests", "migrations", "testing"} & set(path.relative_to(ROOT).parts)
        and path.name != "conftest.py"
    ]


def _where(pattern: re.Pattern[str], paths) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


# Role checks
# =============================================================================================

ROLE_COMPARISON = re.compile(r"\.role\b\s*(==|!=|in\b|not\s+in\b)")


def test_no_role_is_compared_inline_outside_the_access_module():
    # The models keep their own row rules (a coordinator needs a country); the benchmark, a
    # development tool, replays users by the role of its load plans.
    allowed = {ROOT / "core" / "access.py"}
    paths = [
        p
        for p in _product_files()
        if p not in allowed and p.name != "models.py" and "bench" not in p.parts
    ]
    assert _where(ROLE_COMPARISON, paths) == []


def test_no_template_compares_a_role():
    templates = list((ROOT / "templates").rglob("*.html"))
    assert templates
    assert _where(re.compile(r"\.role\s*(==|!=)"), templates) == []


def test_templates_ask_the_predicates_by_name(rf, users):
    request = rf.get("/")
    request.user = users["manager_td"]
    predicates = access_context(request)["access"]
    assert predicates.approves_payments and predicates.manages_sites
    assert not predicates.coordinates_country and not predicates.reads_aggregates_only
    request.user = users["coordinator_td"]
    predicates = access_context(request)["access"]
    assert predicates.coordinates_country and predicates.reads_person_access_log
    with pytest.raises(AttributeError):
        predicates.no_such_rule  # noqa: B018 - a typo in a template must not read as False


def test_an_inactive_or_anonymous_user_may_do_nothing(users):
    manager = users["manager_td"]
    manager.is_active = False
    for user in (manager, AnonymousUser(), None):
        answers = [predicate(user) for predicate in access.TEMPLATE_PREDICATES.values()]
        assert not any(answers), user


# Version bumps
# =============================================================================================


def test_versions_move_only_through_touch():
    bump = re.compile(r"version\s*\+=\s*1|F\(\s*[\"']version[\"']\s*\)\s*\+")
    paths = [p for p in _product_files() if p != ROOT / "core" / "models.py"]
    assert _where(bump, paths) == []


def test_touch_moves_the_version_and_the_stamp_together(persons, users, clock):
    person = persons["person_td"]
    before, stamp = person.version, person.updated_at
    clock.shift(timedelta(minutes=5))
    fields = person.touch(by=users["agent_td"])
    person.save(update_fields=fields)
    person.refresh_from_db()
    assert person.version == before + 1
    assert person.updated_by == users["agent_td"] and person.updated_at > stamp
    assert set(fields) == {"version", "updated_at", "updated_by"}
    person.touch(by=AnonymousUser())  # a change by the system names no one
    assert person.updated_by is None and person.version == before + 2


def test_touched_marks_rows_moved_by_an_update(persons, users):
    person = persons["person_td"]
    Person.objects.filter(pk=person.pk).update(**Person.touched(by=users["manager_td"]))
    moved = Person.objects.get(pk=person.pk)
    assert (moved.version, moved.updated_by) == (person.version + 1, users["manager_td"])


# Refusals
# =============================================================================================


@pytest.mark.parametrize(
    ("helper", "object_type"),
    [
        (person_for, "person"),
        (case_for, "case"),
        (action_for, "case_action"),
        (followup_for, "followup"),
        (visit_for, "visit"),
        (referral_for, "referral"),
        (request_for, "fund_request"),
    ],
)
def test_the_access_helpers_raise_one_out_of_scope_exception(users, helper, object_type):
    asked = uuid.uuid4()
    with pytest.raises(OutOfScope) as raised:
        helper(users["agent_td"], asked)
    assert (raised.value.object_type, raised.value.object_id) == (object_type, asked)


def test_a_case_out_of_scope_is_logged_once_from_the_page_and_once_from_the_api(
    client, persons, users
):
    case = make_case(persons["person_td"], users["agent_td"])
    stranger = users["agent_mz"]
    client.force_login(stranger)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    token, _row = api_token_issue(user=stranger)
    answer = client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 404
    refused = AccessLogEntry.objects.filter(actor=stranger, action="refused")
    assert sorted(refused.values_list("channel", "object_type", "object_id", "status")) == [
        ("api", "case", case.pk, 404),
        ("page", "case", case.pk, 404),
    ]


# The API calls services and queries, never views
# =============================================================================================


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_api_imports_no_view():
    api_modules = [*ROOT.glob("*/api.py"), *(ROOT / "api").glob("*.py")]
    assert len(api_modules) > 5
    view = re.compile(r"(^|[._])views?($|[._])|_views$")
    imports = {str(p.relative_to(ROOT)): _imported_modules(p) for p in api_modules}
    views = {
        path: sorted(m for m in found if m.startswith("orienta.") and view.search(m))
        for path, found in imports.items()
    }
    assert views == {path: [] for path in imports}


# Plugin discovery
# =============================================================================================


def test_hooks_are_found_by_djangos_discovery_in_the_order_of_the_apps():
    order = [config.name for config in apps.get_app_configs()]
    found = [module.__name__.rsplit(".", 1)[0] for module in app_modules("panels")]
    assert {"orienta.cases", "orienta.referrals", "orienta.fund"} <= set(found)
    assert found == sorted(found, key=order.index)
