"""Demo networks: in each country, in its language, a GTPS with its members (the country's CSOs,
a public service, a university, a private-sector contact), a meeting held with its minutes and
decisions and one planned, and an action plan whose actions are done, under way and planned;
the resource centre's documents (small PDFs made here) and a training of CSO staff with its
attendance; a diagnostic made with a university, its data imported from a CSV file as a
university would send it, its tables and its published findings.

Everything is written through the services, as the country's coordinator (M&E where a country
has none). The universities are organisations of the configuration, added here as the demo's
organisations are (`demo.build`), since organisations are kept in the admin.
"""

import io
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from orienta.core.models import Area, Country, Organisation, User
from orienta.lib.pdf import document, latin1
from orienta.networks.files import document_check
from orienta.networks.models import Group, Sex
from orienta.networks.services import (
    ActionInput,
    DocumentInput,
    StudyInput,
    SupportInput,
    action_create,
    action_update,
    document_add,
    group_create,
    meeting_plan,
    meeting_record,
    member_add,
    study_create,
    study_import,
    study_publish,
    support_participant_add,
    support_record,
)

UNIVERSITIES = {
    "TD": "Université de N'Djamena",
    "MZ": "Universidade Eduardo Mondlane",
    "GW": "Universidade Amílcar Cabral",
}
TEXT: dict[str, dict[str, Any]] = {
    "fr": {
        "group": "Groupe de travail protection sociale — {country}",
        "mandate": "Coordonner les acteurs de la protection sociale et suivre la stratégie "
        "nationale de protection sociale.",
        "private": ("Abakar Saleh", "Chambre de commerce"),
        "agenda": "1. Cartographie des services sociaux\n2. Plan d'action 2026\n3. Divers",
        "minutes": "Les membres ont revu la cartographie des services et le plan d'action.",
        "decisions": "Mettre à jour l'annuaire des services ; préparer un plaidoyer "
        "pour la gratuité de l'acte de naissance.",
        "next_agenda": "Bilan du plaidoyer et suivi du plan d'action",
        "actions": [
            ("Mettre à jour la cartographie des services sociaux", "done"),
            ("Plaidoyer pour la gratuité de l'acte de naissance", "in_progress"),
            ("Atelier de validation du plan d'action", "planned"),
        ],
        "policy": "Stratégie nationale de protection sociale",
        "documents": [
            ("Guide de gouvernance associative", "guide", "governance"),
            ("Modèle de rapport financier", "template", "finance"),
            ("Politique de protection contre les abus", "policy", "social_protection"),
        ],
        "training": ("Gestion financière des associations", "Mahamat Ali, formateur"),
        "participants": [("Achta Brahim", "female"), ("Moussa Ngarta", "male")],
        "study": "Diagnostic socio-économique de {area}",
        "questionnaire": "Ménages interrogés sur leurs revenus, l'accès aux services et "
        "l'emploi des jeunes (formulaire XLSForm).",
        "summary": "Une majorité des ménages interrogés vit de l'économie informelle ; "
        "l'accès aux documents d'état civil reste le premier obstacle cité.",
    },
    "pt": {
        "group": "Grupo de Trabalho de Proteção Social — {country}",
        "mandate": "Coordenar os atores da proteção social e acompanhar a estratégia "
        "nacional de segurança social básica.",
        "private": ("Carlos Nhantumbo", "Associação Comercial"),
        "agenda": "1. Mapeamento dos serviços sociais\n2. Plano de ação 2026\n3. Diversos",
        "minutes": "Os membros reviram o mapeamento dos serviços e o plano de ação.",
        "decisions": "Atualizar o diretório de serviços; preparar uma ação de advocacia "
        "sobre o registo de nascimento gratuito.",
        "next_agenda": "Balanço da advocacia e seguimento do plano de ação",
        "actions": [
            ("Atualizar o mapeamento dos serviços sociais", "done"),
            ("Advocacia pelo registo de nascimento gratuito", "in_progress"),
            ("Oficina de validação do plano de ação", "planned"),
        ],
        "policy": "Estratégia Nacional de Segurança Social Básica",
        "documents": [
            ("Guia de governação associativa", "guide", "governance"),
            ("Modelo de relatório financeiro", "template", "finance"),
            ("Política de proteção contra abusos", "policy", "social_protection"),
        ],
        "training": ("Gestão financeira das associações", "Ana Cossa, formadora"),
        "participants": [("Rosa Tembe", "female"), ("João Mucavele", "male")],
        "study": "Diagnóstico socioeconómico de {area}",
        "questionnaire": "Agregados inquiridos sobre rendimentos, acesso aos serviços e "
        "emprego dos jovens (formulário XLSForm).",
        "summary": "A maioria dos agregados inquiridos vive da economia informal; o acesso "
        "aos documentos de registo civil é o primeiro obstáculo citado.",
    },
}
RESPONDENTS = 120
AGES = (16, 22, 29, 34, 41, 52, 67)


def build(ctx: Any) -> None:
    today = timezone.localdate()
    for code, country in ctx.countries.items():
        author = _author(ctx, code)
        if author is None or Group.objects.filter(country=country).exists():
            continue
        text = TEXT["pt" if _portuguese(country) else "fr"]
        university, _new = Organisation.objects.get_or_create(
            name=UNIVERSITIES[code], country=country, defaults={"kind": Organisation.Kind.PUBLIC}
        )
        csos = list(Organisation.objects.filter(country=country, kind="cso").order_by("name"))
        _gtps(country, text, csos, university, author, today)
        _resources(country, text, csos, author, today)
        _diagnostic(ctx, country, text, university, author, today)


def _portuguese(country: Country) -> bool:
    return country.language.startswith("pt")


def _name(country: Country) -> str:
    return country.name_pt if _portuguese(country) else country.name_fr


def _author(ctx: Any, code: str) -> User | None:
    return ctx.users.get(f"coordinator-{code.lower()}") or ctx.users.get("me-hq")


def _gtps(
    country: Country,
    text: dict[str, Any],
    csos: list[Organisation],
    university: Organisation,
    by: User,
    today: date,
) -> None:
    group = group_create(
        country=country,
        area=None,
        name=text["group"].format(country=_name(country)),
        mandate=text["mandate"],
        by=by,
    )
    members = [member_add(group=group, organisation=o, name="", sector="cso", by=by) for o in csos]
    public = Organisation.objects.filter(country=country, kind="public").order_by("name").first()
    if public is not None:
        members.append(
            member_add(group=group, organisation=public, name="", sector="public", by=by)
        )
    members.append(
        member_add(group=group, organisation=university, name="", sector="university", by=by)
    )
    name, position = text["private"]
    members.append(
        member_add(
            group=group, organisation=None, name=name, sector="private", position=position, by=by
        )
    )
    held = meeting_plan(group=group, on=today - timedelta(days=40), agenda=text["agenda"], by=by)
    meeting_record(
        meeting=held,
        held_on=held.on,
        attendees=members[:-1],
        minutes=text["minutes"],
        decisions=text["decisions"],
        by=by,
    )
    meeting_plan(group=group, on=today + timedelta(days=20), agenda=text["next_agenda"], by=by)
    for index, (title, status) in enumerate(text["actions"]):
        lead = csos[index % len(csos)] if csos else None
        data = ActionInput(
            title, today + timedelta(days=30 * index - 10), lead, text["policy"], held
        )
        action = action_create(group=group, data=data, by=by)
        if status == "in_progress":
            action_update(action=action, status=status, on=today - timedelta(days=20), by=by)
        elif status == "done":
            action = action_update(
                action=action, status="in_progress", on=today - timedelta(days=30), by=by
            )
            action_update(action=action, status="done", on=today - timedelta(days=5), by=by)


def _pdf(title: str) -> SimpleUploadedFile:
    pdf = document()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.multi_cell(0, 10, latin1(title))
    return SimpleUploadedFile("document.pdf", bytes(pdf.output()), content_type="application/pdf")


def _resources(
    country: Country, text: dict[str, Any], csos: list[Organisation], by: User, today: date
) -> None:
    language = "pt" if _portuguese(country) else "fr"
    for title, kind, theme in text["documents"]:
        document_add(
            country=country,
            data=DocumentInput(title, kind, theme, language),
            file=document_check(_pdf(title)),
            by=by,
        )
    if not csos:
        return
    topic, facilitator = text["training"]
    support = support_record(
        country=country,
        data=SupportInput("training", topic, today - timedelta(days=25), "finance", facilitator),
        organisations=csos,
        by=by,
    )
    for index, (name, sex) in enumerate(text["participants"]):
        support_participant_add(
            support=support, name=name, sex=sex, organisation=csos[index % len(csos)], by=by
        )


def _data(ctx: Any, areas: list[Area], start: date) -> bytes:
    out = io.StringIO()
    out.write("area,sex,age,date,household_size,main_income\n")
    for line in range(RESPONDENTS):
        area = areas[line % len(areas)] if line % 7 else areas[0]
        sex = Sex.FEMALE if ctx.rng.random() < 0.55 else Sex.MALE
        age = ctx.rng.choice(AGES) + ctx.rng.randrange(0, 4)
        day = start + timedelta(days=ctx.rng.randrange(0, 28))
        size = ctx.rng.randrange(2, 9)
        income = ctx.rng.choice(["commerce", "agriculture", "salary", "none"])
        out.write(f"{area.code},{sex},{age},{day.isoformat()},{size},{income}\n")
    return out.getvalue().encode()


def _diagnostic(
    ctx: Any,
    country: Country,
    text: dict[str, Any],
    university: Organisation,
    by: User,
    today: date,
) -> None:
    region = Area.objects.filter(country=country, level=1).order_by("code").first()
    if region is None:
        return
    districts = list(region.children.order_by("code")[:4]) or [region]
    start = today - timedelta(days=120)
    study = study_create(
        country=country,
        data=StudyInput(
            text["study"].format(area=region.name),
            start,
            start + timedelta(days=60),
            region,
            text["questionnaire"],
        ),
        partners=[university],
        by=by,
    )
    study_import(study=study, raw=_data(ctx, districts, start), name="data.csv", by=by)
    study.refresh_from_db()
    study_publish(study=study, summary=text["summary"], by=by)
