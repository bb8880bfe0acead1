"""The worklist: what is due today, overdue, contacts due, cases without contact; light."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orienta.cases.models import Case
from orienta.cases.services import case_break_glass, case_followup_plan, site_case_settings
from orienta.cases.tests.factories import make_action, make_case
from orienta.people.services import person_register


def _person(site, by, i):
    return person_register(
        site=site,
        by=by,
        data={
            "given_name": f"Personne{i}",
            "family_name": "Abakar",
            "sex": "female",
            "migration_status": "national",
            "documents": [],
        },
    )


def _caseload(world, agent, n, start=0):
    site = world["sites"]["td"]
    person = _person(site, agent, start)
    for i in range(start, start + n):
        case = make_case(person, agent)
        make_action(case, agent, what=f"Action {i}", days=-(i % 2))  # today, or yesterday
    Case.objects.filter(responsible=agent).update(
        last_contact_at=timezone.now() - timedelta(days=60)
    )


def _sections(html):
    return {
        key: f'id="{key}"' in html for key in ("due_today", "overdue", "followups", "no_contact")
    }


def test_an_agent_sees_their_own_work(login, users, persons, world, agent_td_b):
    agent = users["agent_td"]
    mine = make_case(persons["person_td"], agent)
    make_action(mine, agent, what="Rendez-vous mairie", days=0)
    make_action(mine, agent, what="Relancer l'école", days=-3)
    make_action(mine, agent, what="Plus tard", days=4)
    case_followup_plan(case=mine, by=agent, kind="phone", due_on=timezone.localdate())
    theirs = make_case(persons["person_td"], agent_td_b)
    make_action(theirs, agent_td_b, what="Pas pour moi", days=0)
    page = login(agent).get(reverse("cases:worklist"))
    assert page.status_code == 200
    html = page.text
    assert "Rendez-vous mairie" in html and "Relancer l&#x27;école" in html
    assert "Plus tard" not in html and "Pas pour moi" not in html
    assert all(_sections(html).values())
    manager = login(users["manager_td"]).get(reverse("cases:worklist")).text
    assert "Rendez-vous mairie" in manager and "Pas pour moi" in manager
    filtered = login(users["manager_td"]).get(reverse("cases:worklist"), {"agent": agent_td_b.pk})
    assert "Pas pour moi" in filtered.text and "Rendez-vous mairie" not in filtered.text


def test_cases_without_contact_follow_the_sites_number_of_days(login, users, persons):
    agent = users["agent_td"]
    case = make_case(persons["person_td"], agent)
    Case.objects.filter(pk=case.pk).update(last_contact_at=timezone.now() - timedelta(days=20))
    client = login(agent)
    assert case.code not in client.get(reverse("cases:worklist")).text
    settings = site_case_settings(case.site)
    settings.no_contact_days = 14
    settings.save()
    assert case.code in client.get(reverse("cases:worklist")).text


def test_closed_cases_leave_the_worklist(login, users, persons):
    from orienta.cases.services import case_close

    agent = users["agent_td"]
    case = make_case(persons["person_td"], agent)
    make_action(case, agent, what="Action du jour", days=0)
    case_close(case=case, by=agent, reason="needs_met")
    assert "Action du jour" not in login(agent).get(reverse("cases:worklist")).text


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:worklist"))
    assert response.status_code == 200
    return len(captured), response


def test_the_worklist_queries_do_not_grow_with_the_caseload(stopped_clock, login, users, world):
    # The clock stands still: a session notes its last request once a minute (one more write),
    # and building the caseload may take longer than that on a busy machine.
    agent = users["agent_td"]
    _caseload(world, agent, 5)
    client, manager = login(agent), login(users["manager_td"])
    short, _page = _queries(client)  # sections shorter than their ten lines: counted as read
    _caseload(world, agent, 45, start=5)
    few, _page = _queries(client)
    manager_few, _page = _queries(manager)
    _caseload(world, agent, 150, start=50)
    assert Case.objects.filter(responsible=agent).count() == 200
    many, page = _queries(client)
    assert short <= few == many, (short, few, many)
    assert len(page.content) < 40_000  # a plain list, 10 lines a section at most
    assert page.text.count('<span class="count">100</span>') == 2  # due today, overdue
    assert page.text.count("<li>") <= 4 * 10 + 10
    manager_many, _page = _queries(manager)
    assert manager_many == manager_few, (manager_few, manager_many)


def test_long_sections_show_ten_lines_a_count_and_a_link_to_the_whole_list(login, users, world):
    agent = users["agent_td"]
    _caseload(world, agent, 50)  # 25 actions due today, 25 overdue, 50 cases without contact
    client = login(agent)
    html = client.get(reverse("cases:worklist")).text
    overdue = html.split('id="overdue"')[1].split("</section>")[0]
    assert overdue.count("<li>") == 10
    assert '<span class="count">25</span>' in overdue
    link = reverse("cases:worklist_section", args=["overdue"])
    assert f'href="{link}"' in overdue

    first = client.get(link)
    assert first.status_code == 200
    assert first.text.count("<li>") == 25
    no_contact = client.get(reverse("cases:worklist_section", args=["no_contact"]))
    assert no_contact.text.count("<li>") == 30  # a page of 30, then the next
    assert "?page=2" in no_contact.text
    second = client.get(reverse("cases:worklist_section", args=["no_contact"]), {"page": 2})
    assert second.text.count("<li>") == 20
    assert client.get(reverse("cases:worklist_section", args=["nothing"])).status_code == 404


def test_a_managers_whole_section_is_the_chosen_agents(login, users, world, agent_td_b):
    _caseload(world, users["agent_td"], 12)
    page = login(users["manager_td"]).get(
        reverse("cases:worklist_section", args=["no_contact"]), {"agent": agent_td_b.pk}
    )
    assert page.status_code == 200 and page.text.count("<li>") == 0
    mine = login(users["manager_td"]).get(
        reverse("cases:worklist_section", args=["no_contact"]), {"agent": users["agent_td"].pk}
    )
    assert mine.text.count("<li>") == 12


def test_the_worklist_opens_with_the_person_search_box(login, users):
    html = login(users["agent_td"]).get(reverse("cases:worklist")).text
    box = html.split('role="search"')[1].split("</form>")[0]
    assert 'name="q"' in box and f'hx-get="{reverse("people:search")}"' in box
    assert html.index('role="search"') < html.index('id="due_today"')


def test_the_worklists_counts_stop_at_the_cap_and_the_sections_page_counts_them_all(
    login, users, world, monkeypatch
):
    monkeypatch.setattr("orienta.cases.queries.COUNT_CAP", 20)
    agent = users["agent_td"]
    _caseload(world, agent, 50)  # 25 due today, 25 overdue, 50 cases without contact
    client = login(agent)
    html = client.get(reverse("cases:worklist")).text
    overdue = html.split('id="overdue"')[1].split("</section>")[0]
    assert '<span class="count">20+</span>' in overdue
    assert "(20+)" in overdue
    assert "20+ open cases" in html
    page = client.get(reverse("cases:worklist_section", args=["overdue"])).text
    assert '<span class="count">25</span>' in page
    monkeypatch.setattr("orienta.cases.queries.COUNT_CAP", 25)
    html = client.get(reverse("cases:worklist")).text
    assert '<span class="count">25</span>' in html.split('id="overdue"')[1].split("</section>")[0]
    assert "25+ open cases" in html  # 50 open cases


def test_the_counts_read_in_one_statement_are_each_querysets_bounded_count(
    users, world, monkeypatch
):
    from orienta.cases import queries

    monkeypatch.setattr("orienta.cases.queries.COUNT_CAP", 20)
    agent = users["agent_td"]
    _caseload(world, agent, 30)  # 15 actions due today, 15 overdue
    cases = Case.objects.filter(responsible=agent)
    querysets = [
        cases,  # 30: past the cap
        cases.filter(actions__due_on=timezone.localdate()),  # 15
        cases.filter(actions__due_on__gt=timezone.localdate()),  # none
        cases.order_by("-code").select_related("person").only("code", "person__given_name"),
    ]
    with CaptureQueriesContext(connection) as statements:
        counts = queries.bounded_counts(querysets)
    assert counts == [queries.bounded_count(qs) for qs in querysets] == [21, 15, 0, 21]
    assert len(statements) == 1


# What `{% work_items %}` replaced: the template included for each line, which it must draw the
# same.
WORK_ITEM_TEMPLATE = (
    '{% load i18n %}{% if key == "followups" %}<li><a href="{% url \'cases:detail\' ite'
    'm.case.pk %}#followups"><strong>{{ item.case.person.full_name }}</strong></a> <s'
    'pan class="meta">{{ item.case.code }} · {{ item.get_kind_display }} · {{ item.du'
    'e_on|date:"SHORT_DATE_FORMAT" }}</span></li>\n{% elif key == "no_contact" %}<li><'
    "a href=\"{% url 'cases:detail' item.pk %}\"><strong>{{ item.person.full_name }}</s"
    'trong></a> <span class="meta">{{ item.code }} · {% blocktranslate with day=item.'
    'last_contact_at|date:"SHORT_DATE_FORMAT" %}last contact {{ day }}{% endblocktran'
    "slate %}</span></li>\n{% else %}<li><a href=\"{% url 'cases:detail' item.case.pk %"
    '}#actions"><strong>{{ item.what }}</strong></a> <span class="meta">{{ item.case.'
    'person.full_name }} · {{ item.case.code }}{% if key == "overdue" %} · {{ item.du'
    'e_on|date:"SHORT_DATE_FORMAT" }}{% endif %}{% if item.assignee %} · {{ item.assi'
    "gnee.get_full_name|default:item.assignee.username }}{% endif %}</span></li>{% en"
    "dif %}\n"
)


@pytest.mark.parametrize("language", ["fr", "pt", "en"])
def test_the_worklist_lines_are_drawn_as_the_template_language_drew_them(
    users, persons, world, language
):
    from django.template import Context, Template
    from django.utils import translation

    from orienta.cases import queries
    from orienta.people.models import Person

    agent = users["agent_td"]
    person = persons["person_td"]
    Person.objects.filter(pk=person.pk).update(given_name='<b>O\'Neil & "Co"</b>')
    case = make_case(Person.objects.get(pk=person.pk), agent)
    make_action(case, agent, what="<i>Appeler l'école</i>", days=0, assignee=agent)
    make_action(case, agent, what="Relancer & voir", days=-2)
    case_followup_plan(case=case, by=agent, kind="phone", due_on=timezone.localdate())
    Case.objects.filter(pk=case.pk).update(last_contact_at=timezone.now() - timedelta(days=90))
    sections = queries.worklist_sections(agent, [world["sites"]["td"]])
    drawn_any = ""
    with translation.override(language):
        for key in queries.SECTIONS:
            items = list(sections[key])
            assert items, key
            drawn = Template("{% load worklist %}{% work_items items key %}").render(
                Context({"items": items, "key": key})
            )
            reference = Template(WORK_ITEM_TEMPLATE)
            expected = "".join(
                reference.render(Context({"item": item, "key": key})) for item in items
            )
            assert drawn == expected, key
            drawn_any += drawn
    assert "&lt;i&gt;Appeler l&#x27;école&lt;/i&gt;" in drawn_any
    assert "&lt;b&gt;O&#x27;Neil &amp; &quot;Co&quot;&lt;/b&gt;" in drawn_any


def test_the_lines_of_a_case_one_may_not_see_stay_off_the_worklist(
    login, users, persons, agent_td_b
):
    """The actions and contacts are filtered on their case as the case's rules say: a sensitive
    case's lines only for those who see the case (its responsible agent, the managers, and
    whoever broke the glass), a deleted case's for nobody."""
    agent, person = users["agent_td"], persons["person_td"]
    secret = make_case(person, agent, sensitive=True, risk="high")
    make_action(secret, agent, what="Accompagnement confidentiel", assignee=agent_td_b)
    gone = make_case(person, agent)
    make_action(gone, agent, what="Dossier supprimé")
    case_followup_plan(case=gone, by=agent, kind="phone", due_on=timezone.localdate())
    Case.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())

    def shown(user) -> str:
        return login(user).get(reverse("cases:worklist")).text

    assert "Accompagnement confidentiel" not in shown(agent_td_b)
    assert "Accompagnement confidentiel" in shown(users["manager_td"])
    case_break_glass(case=secret, by=agent_td_b, reason="La responsable est absente ce matin.")
    assert "Accompagnement confidentiel" in shown(agent_td_b)
    for user in (agent, users["manager_td"]):
        page = shown(user)
        assert "Dossier supprimé" not in page and gone.code not in page
