"""Demo cases: at each site, the persons whose visit ended with "case to open" get a case,
opened by the site's agents through the services, with an action plan and contacts.

Cases about violence or child protection are sensitive. About a quarter are closed (with a
reason); the others have actions due today, overdue or ahead, and planned contacts, so the
worklist of each agent (agent-td first) has something to show. Some cases have not been
contacted for longer than the site's number of days.

As in the registry's demo, the services stamp what they write with the current time; the
opening and contact times are then moved back to the visit they come from (`_backdate`).
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db.models import F, OuterRef, Subquery

from orienta.cases.models import Case, CaseAction, CaseEvent, ClosureReason, Status
from orienta.cases.services import (
    case_action_add,
    case_action_update,
    case_close,
    case_followup_plan,
    case_followup_record,
    case_open,
)
from orienta.core.access import can_record, is_agent
from orienta.core.models import Event
from orienta.frontdesk.models import Outcome, Visit

SENSITIVE_THEMES = {"gbv", "child_protection"}
CASES_PER_SITE = 24
CLOSED_SHARE = 0.25
RISKS = ["low", "medium", "medium", "high"]
ACTIONS = {
    "fr": [
        "Accompagner au centre d’état civil pour l’acte de naissance",
        "Constituer le dossier de demande de carte d’identité",
        "Prendre rendez-vous au centre de santé",
        "Inscrire à la formation professionnelle",
        "Rencontrer la famille à domicile",
        "Vérifier l’inscription scolaire des enfants",
        "Orienter vers l’assistance juridique",
        "Demander une aide du fonds d’appui",
    ],
    "pt": [
        "Acompanhar à conservatória para o registo de nascimento",
        "Preparar o pedido de bilhete de identidade",
        "Marcar consulta no centro de saúde",
        "Inscrever na formação profissional",
        "Visitar a família em casa",
        "Verificar a matrícula escolar das crianças",
        "Encaminhar para apoio jurídico",
        "Pedir apoio ao fundo de apoio",
    ],
}
NOTES = {
    "fr": [
        "Appel : la personne confirme le rendez-vous.",
        "Passage au bureau, documents apportés.",
        "Visite à domicile : situation stable.",
        "Pas de réponse au téléphone, à rappeler.",
    ],
    "pt": [
        "Chamada: a pessoa confirma a marcação.",
        "Veio ao escritório com os documentos.",
        "Visita domiciliária: situação estável.",
        "Não atendeu o telefone, voltar a ligar.",
    ],
}
ASSESSMENTS = {
    "fr": "Besoins évalués avec la personne ; plan d’action convenu ensemble.",
    "pt": "Necessidades avaliadas com a pessoa; plano de ação acordado em conjunto.",
}


def build(ctx) -> None:
    for site in ctx.sites.values():
        staff = _staff(ctx, site)
        if not staff:
            continue
        language = "pt" if site.country.language.startswith("pt") else "fr"
        for n, visit in enumerate(_case_visits(site)):
            _case_for_visit(ctx, visit, _responsible(staff, visit), n, language)
        _backdate(site)
        ctx.counts.setdefault(site.code, {})["cases"] = Case.objects.filter(site=site).count()


def _staff(ctx, site):
    return [
        user
        for user in ctx.users.values()
        if can_record(user) and user.sites.filter(pk=site.pk).exists()
    ]


def _responsible(staff, visit):
    agents = [u for u in staff if is_agent(u)]
    if visit.agent in agents:
        return visit.agent
    return agents[0] if agents else staff[0]


def _case_visits(site):
    """The latest visit with outcome "case to open" of each registered person, newest first."""
    visits = (
        Visit.objects.filter(site=site, outcome=Outcome.CASE, person__isnull=False)
        .select_related("person", "agent")
        .prefetch_related("themes")
        .order_by("-occurred_at")
    )
    seen, chosen = set(), []
    for visit in visits:
        person = visit.person  # never empty: the visits are filtered on it
        if person is None or visit.person_id in seen or person.erased_at or person.merged_into_id:
            continue
        seen.add(visit.person_id)
        chosen.append(visit)
        if len(chosen) == CASES_PER_SITE:
            break
    return chosen


def _case_for_visit(ctx, visit, agent, n, language) -> Case:
    themes = list(visit.themes.all())
    case = case_open(
        person=visit.person,
        by=agent,
        site=visit.site,
        needs=themes,
        risk=ctx.rng.choice(RISKS),
        assessment=ASSESSMENTS[language],
        sensitive=bool(SENSITIVE_THEMES & {t.code for t in themes}),
        visit=visit,
    )
    today = ctx.now.astimezone(ZoneInfo(visit.site.timezone)).date()
    if ctx.rng.random() < CLOSED_SHARE and n > 3:
        _closed_history(ctx, case, agent, language, today)
    else:
        _open_plan(ctx, case, agent, today, n, language)
    return case


def _open_plan(ctx, case, agent, today, n, language) -> None:
    """Actions: one due today (the first cases), one overdue, one ahead; a contact or two."""
    actions = ctx.rng.sample(ACTIONS[language], 3)
    offsets = [0 if n % 2 == 0 else 2, -ctx.rng.randint(1, 6), ctx.rng.randint(3, 20)]
    for what, days in zip(actions, offsets, strict=True):
        action = case_action_add(
            case=case, by=agent, what=what, due_on=today + timedelta(days=max(days, 0))
        )
        if days < 0:  # planned days ago (the service refuses a past date today)
            CaseAction.objects.filter(pk=action.pk).update(due_on=today + timedelta(days=days))
    if n % 3 == 0:
        case_followup_plan(
            case=case, by=agent, kind=ctx.rng.choice(["phone", "office"]), due_on=today
        )
    if n % 4 != 1:  # the others stay without contact since the visit
        case_followup_record(
            case=case, by=agent, kind="phone", notes=ctx.rng.choice(NOTES[language])
        )


def _closed_history(ctx, case, agent, language, today) -> None:
    action = case_action_add(
        case=case, by=agent, what=ctx.rng.choice(ACTIONS[language]), due_on=today
    )
    case_action_update(action=action, by=agent, data={"status": "done"})
    case_followup_record(case=case, by=agent, kind="office", notes=ctx.rng.choice(NOTES[language]))
    reason = ctx.rng.choice(
        [ClosureReason.NEEDS_MET] * 4 + [ClosureReason.REFERRED_ELSEWHERE, ClosureReason.MOVED]
    )
    case_close(case=case, by=agent, reason=reason)


def _backdate(site) -> None:
    """Each case opened at its visit; those without a contact since were last seen then."""
    cases = Case.objects.filter(site=site)
    opened = Visit.objects.filter(pk=OuterRef("visit_id")).values("occurred_at")[:1]
    cases.update(opened_at=Subquery(opened), created_at=Subquery(opened))
    silent = cases.exclude(status=Status.CLOSED).filter(followups__status="done").values("pk")
    cases.exclude(pk__in=silent).exclude(status=Status.CLOSED).update(
        last_contact_at=F("opened_at")
    )
    at_opening = Case.objects.filter(pk=OuterRef("case_id")).values("opened_at")[:1]
    CaseEvent.objects.filter(site=site, kind="opened").update(at=Subquery(at_opening))
    case_opened = Case.objects.filter(pk=OuterRef("object_id")).values("opened_at")[:1]
    Event.objects.filter(site=site, object_type="cases.case", verb="case.opened").update(
        at=Subquery(case_opened)
    )
