"""Demo partner CSOs: three per country (Mozambique and Guinea-Bissau register a third one),
each with a profile, a contact, its statutes, two capacity assessments a year apart showing
progress, a capacity-development plan, a sub-grant in tranches with its reports, and funding
applications. Written through the services in the country's language, by the country's
coordinator (headquarters in Guinea-Bissau, which has none), and by the CSO's own account where
it has one (cso-td, Association Tchad Solidarité)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.core.access import is_cso_staff
from orienta.core.models import Organisation
from orienta.lib.pdf import document
from orienta.partners import services
from orienta.partners.models import Assessment, LegalStatus

FIRST_DAYS_AGO = 330
SECOND_DAYS_AGO = 25
EDITORS = {"TD": "coordinator-td", "MZ": "coordinator-mz", "GW": "me-hq"}
# The third CSO of the countries whose demo has two: (name, area code).
THIRD = {
    "MZ": ("Associação Juvenil Esperança da Beira", "MZ-S-BE"),
    "GW": ("Associação das Mulheres Horticultoras de Bissau", "GW-BS-BD"),
}
BUDGET = {"XAF": Decimal("18000000"), "MZN": Decimal("2400000"), "XOF": Decimal("15000000")}
GRANT = {"XAF": Decimal("6000000"), "MZN": Decimal("800000"), "XOF": Decimal("5000000")}

TEXT: dict[str, dict[str, Any]] = {
    "fr": {
        "mission": "Accueil, information et orientation des familles vulnérables ; "
        "sensibilisation communautaire.",
        "contact": ("Secrétaire exécutif", "Trésorière"),
        "statutes": "Statuts de l’association",
        "justification": "Constaté en atelier avec le bureau et le personnel.",
        "evidence": "Procès-verbaux et registres consultés.",
        "purpose": "Renforcer l’accueil et l’orientation au BIOSP",
        "conditions": "Rapport narratif du premier semestre approuvé",
        "facilitator": "Équipe de renforcement des capacités, ESSOR Tchad",
        "donors": [
            ("Union européenne", "Appel à propositions société civile 2026"),
            ("Ambassade de France", "Fonds Équipe France"),
            ("Fondation Orange", "Solidarité numérique"),
        ],
        "responsible": "Coordinatrice de l’association",
    },
    "pt": {
        "mission": "Atendimento, informação e orientação de famílias vulneráveis; "
        "sensibilização comunitária.",
        "contact": ("Secretário executivo", "Tesoureira"),
        "statutes": "Estatutos da associação",
        "justification": "Verificado em sessão com a direção e o pessoal.",
        "evidence": "Atas e registos consultados.",
        "purpose": "Reforçar o atendimento e a orientação no BIOSP",
        "conditions": "Relatório narrativo do primeiro semestre aprovado",
        "facilitator": "Equipa de reforço de capacidades, ESSOR",
        "donors": [
            ("União Europeia", "Convite à apresentação de propostas sociedade civil 2026"),
            ("Embaixada de Portugal", "Fundo de apoio às ONG"),
            ("Fundação Aga Khan", "Iniciativa comunitária"),
        ],
        "responsible": "Coordenadora da associação",
    },
}
# One action per area, in each language: (area, support, text fr, text pt).
ACTIONS = {
    "governance": (
        "coaching",
        "Accompagner la révision des statuts",
        "Acompanhar a revisão dos estatutos",
    ),
    "finance": (
        "training",
        "Former la trésorière à la comptabilité",
        "Formar a tesoureira em contabilidade",
    ),
    "administration": (
        "coaching",
        "Rédiger le manuel des achats",
        "Redigir o manual de aprovisionamento",
    ),
    "hr": (
        "training",
        "Former l’équipe à l’évaluation du personnel",
        "Formar a equipa na avaliação do pessoal",
    ),
    "programme": (
        "coaching",
        "Planifier les activités de l’année",
        "Planificar as atividades do ano",
    ),
    "me": (
        "equipment",
        "Équiper l’équipe d’une tablette de collecte",
        "Equipar a equipa com um tablet de recolha",
    ),
    "resources": (
        "subgrant",
        "Financer la rédaction d’une demande de fonds",
        "Financiar a redação de uma proposta",
    ),
    "networking": ("training", "Former au plaidoyer local", "Formar em advocacia local"),
    "gender": ("coaching", "Adopter une politique genre", "Adotar uma política de género"),
}


def _pdf(title: str, name: str) -> bytes:
    pdf = document()
    pdf.add_page()
    for text, size in ((title, 16), (name, 12)):
        pdf.set_font("Helvetica", size=size)  # a core font: Latin-1 only
        latin = text.replace("\u2019", "'").encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, size / 2 + 2, text=latin, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def build(ctx) -> None:
    tool = services.tool_seed()
    for code, country in ctx.countries.items():
        editor = ctx.users.get(EDITORS.get(code, ""))
        if editor is None:
            continue
        csos = [
            o for o in ctx.organisations.values() if o.kind == "cso" and o.country_id == country.pk
        ]
        if code in THIRD and len(csos) < 3:
            name, area = THIRD[code]
            csos.append(
                services.cso_register(
                    country=country, name=name, area=ctx.areas.get(area), by=editor
                )
            )
        today = ctx.now.astimezone(ZoneInfo(country.timezone)).date()
        language = "pt" if country.language.startswith("pt") else "fr"
        for n, organisation in enumerate(csos[:3]):
            own = next(
                (
                    u
                    for u in ctx.users.values()
                    if is_cso_staff(u) and u.organisation_id == organisation.pk
                ),
                None,
            )
            _cso(ctx, organisation, editor, own or editor, tool, n, today, language)


def _cso(ctx, organisation: Organisation, editor, own, tool, n: int, today: date, language: str):
    text = TEXT[language]
    currency = organisation.country.currency
    services.profile_save(
        organisation=organisation,
        data=services.ProfileData(
            name=organisation.name,
            legal_status=[LegalStatus.ASSOCIATION, LegalStatus.NGO, LegalStatus.COMMUNITY][n],
            registration_number=f"{organisation.country.code}/{2009 + n * 4}/{137 + n * 52}",
            registered_on=date(2009 + n * 4, 3 + n, 12),
            year_founded=2008 + n * 4,
            staff=[14, 6, 3][n],
            volunteers=[40, 22, 12][n],
            annual_budget=BUDGET.get(currency, Decimal("10000000")) / (n + 1),
            budget_currency=currency,
            mission=text["mission"],
            address=organisation.address,
            phone=organisation.phone,
            email=organisation.email,
            areas=[organisation.area] if organisation.area else [],
        ),
        by=own,
    )
    services.contact_add(
        organisation=organisation,
        name=organisation.contact_name or organisation.name.split()[-1],
        position=text["contact"][0],
        phone=organisation.phone,
        email=organisation.email,
        by=own,
    )
    statutes = SimpleUploadedFile(
        "statuts.pdf", _pdf(text["statutes"], organisation.name), "application/pdf"
    )
    services.document_add(
        organisation=organisation,
        title=text["statutes"],
        kind="statutes",
        upload=statutes,
        dated_on=date(2009 + n * 4, 3 + n, 12),
        by=own,
    )
    first = _assess(ctx, organisation, editor, tool, today - timedelta(days=FIRST_DAYS_AGO), 0, n)
    _assess(ctx, organisation, own, tool, today - timedelta(days=SECOND_DAYS_AGO), 1, n)
    _plan(organisation, own, first, today, language)
    _grant(organisation, editor, today, text, n)
    _applications(organisation, own, today, text, n)


def _assess(ctx, organisation, by, tool, on: date, round_: int, n: int) -> Assessment:
    """Scores around a level that rises from the first assessment to the second."""
    level = 1.6 + 0.3 * (2 - n) + 0.8 * round_
    text = TEXT["pt" if organisation.country.language.startswith("pt") else "fr"]
    scores = {}
    for i, (_area, statement) in enumerate(tool.parsed().statements()):
        score = max(1, min(4, round(level + ctx.rng.uniform(-0.8, 0.8))))
        scores[statement.code] = {
            "score": score,
            "justification": text["justification"] if i % 4 == 0 else "",
            "evidence": text["evidence"] if i % 6 == 0 else "",
            "individual": sorted({max(1, score - 1), score}) if i % 5 == 0 else [],
        }
    return services.assessment_record(
        organisation=organisation,
        tool=tool,
        scores=scores,
        by=by,
        assessed_on=on,
        facilitator=text["facilitator"],
        participants=6 + n,
    )


def _plan(organisation, by, first: Assessment, today: date, language: str) -> None:
    weakest = sorted(first.areas.items(), key=lambda item: Decimal(item[1]["average"]))[:3]
    text = TEXT[language]
    for i, (area, _result) in enumerate(weakest):
        support, fr, pt = ACTIONS.get(area, ("coaching", area, area))
        action = services.action_add(
            organisation=organisation,
            area=area,
            description=fr if language == "fr" else pt,
            support=support,
            responsible=text["responsible"],
            due_on=today + timedelta(days=[-60, 30, 90][i]),
            assessment=first,
            by=by,
        )
        if i == 0:
            services.action_set_status(
                action=action, status="done", by=by, done_on=today - timedelta(days=70)
            )
        elif i == 1:
            services.action_set_status(action=action, status="in_progress", by=by)


def _grant(organisation, by, today: date, text, n: int) -> None:
    currency = organisation.country.currency
    amount = GRANT.get(currency, Decimal("5000000"))
    start = today - timedelta(days=240)
    grant = services.grant_create(
        organisation=organisation,
        reference=f"SG-{organisation.country.code}-{2026}-{n + 1:02d}",
        purpose=text["purpose"],
        amount=amount,
        currency=currency,
        starts_on=start,
        ends_on=start + timedelta(days=364),
        by=by,
    )
    first = services.tranche_add(
        grant=grant, amount=amount * Decimal("0.6"), planned_on=start, by=by
    )
    services.tranche_release(tranche=first, by=by, released_on=start + timedelta(days=10))
    services.tranche_add(
        grant=grant,
        amount=amount * Decimal("0.4"),
        planned_on=start + timedelta(days=200),
        conditions=text["conditions"],
        by=by,
    )
    report = services.report_add(
        grant=grant, kind="narrative", due_on=start + timedelta(days=190), by=by
    )
    services.report_receive(report=report, by=by, received_on=start + timedelta(days=195))
    services.report_add(grant=grant, kind="final", due_on=start + timedelta(days=395), by=by)


def _applications(organisation, by, today: date, text, n: int) -> None:
    currency = organisation.country.currency
    base = BUDGET.get(currency, Decimal("10000000")) / 4
    (donor1, call1), (donor2, call2), (donor3, call3) = text["donors"]
    plans = [
        services.ApplicationData(
            donor=donor1,
            call=call1,
            amount_requested=base,
            currency=currency,
            stage="won",
            submitted_on=today - timedelta(days=200),
            decided_on=today - timedelta(days=90 + n * 10),
            amount_obtained=base * Decimal("0.8"),
        ),
        services.ApplicationData(
            donor=donor2,
            call=call2,
            amount_requested=base / 2,
            currency=currency,
            stage="submitted" if n != 1 else "lost",
            submitted_on=today - timedelta(days=45),
            decided_on=today - timedelta(days=5) if n == 1 else None,
        ),
        services.ApplicationData(
            donor=donor3, call=call3, amount_requested=base / 3, currency=currency, stage="drafting"
        ),
    ]
    for data in plans:
        services.application_create(organisation=organisation, data=data, by=by)
