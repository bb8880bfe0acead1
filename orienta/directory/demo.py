"""Demo directory: the partners of the six demo sites, their services, hours, fees, permanences.

Fees are typical of the places (1 to 3 EUR: about 655.957 XAF or XOF, or 70 MZN, per EUR);
some entries have not been verified for a long time, to show the stale flag.
"""

from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

from orienta.directory import services as svc
from orienta.directory.models import Service

# Who keeps each country's directory up to date in the demo.
EDITORS = {"TD": "manager-td", "MZ": "coordinator-mz", "GW": "me-hq"}


@dataclass(frozen=True)
class Entry:
    org: str  # key in ctx.organisations
    name: str
    description: str
    themes: tuple[str, ...]
    fee: tuple[str, str] | None  # (option, amount) in the country's currency; None = free
    documents: tuple[str, ...]
    hours: tuple[str, str, str]  # (days, opens, closes)
    languages: str
    verified_days_ago: int | None  # None: never verified
    ages: tuple[int | None, int | None] = (None, None)
    sex: str = ""
    eligibility: str = ""
    response_days: int = 14


TD = [
    Entry(
        "ec-7e",
        "Déclaration de naissance et jugement supplétif",
        "Établissement des actes de naissance, y compris les déclarations tardives par "
        "jugement supplétif transmis au tribunal.",
        ("civil_registration",),
        ("Timbre fiscal", "1000"),
        (
            "Deux témoins majeurs avec leur carte d’identité",
            "Carnet de vaccination ou certificat d’accouchement",
        ),
        ("MO,TU,WE,TH", "07:30", "15:30"),
        "fr,ar",
        40,
        (0, None),
        "",
        "Personnes nées ou résidant dans le 7e arrondissement.",
        10,
    ),
    Entry(
        "ec-7e",
        "Copie intégrale d’acte de naissance",
        "Délivrance de copies et d’extraits d’actes déjà enregistrés.",
        ("civil_registration",),
        ("Copie", "500"),
        ("Numéro ou date de l’acte",),
        ("MO,TU,WE,TH,FR", "07:30", "12:00"),
        "fr,ar",
        400,
    ),
    Entry(
        "cs-chagoua",
        "Consultation prénatale et planification familiale",
        "Suivi de grossesse, vaccination de la mère et de l’enfant, planification familiale.",
        ("health",),
        None,
        ("Carnet de santé",),
        ("MO,TU,WE,TH,FR,SA", "07:00", "14:00"),
        "fr,ar",
        25,
        (12, 49),
        "female",
        "Gratuit pour les femmes enceintes.",
    ),
    Entry(
        "cs-chagoua",
        "Consultation générale",
        "Consultation curative pour adultes et enfants, pharmacie du centre.",
        ("health",),
        ("Ticket de consultation", "1000"),
        ("Carnet de santé",),
        ("MO,TU,WE,TH,FR,SA", "07:00", "14:00"),
        "fr,ar",
        60,
    ),
    Entry(
        "onape-ndj",
        "Inscription des demandeurs d’emploi",
        "Inscription, orientation et mise en relation avec des offres d’emploi et de stage.",
        ("employment",),
        None,
        ("Carte d’identité ou acte de naissance", "CV si disponible"),
        ("MO,TU,WE,TH", "08:00", "14:00"),
        "fr",
        90,
        (16, None),
    ),
    Entry(
        "afjt",
        "Consultation juridique gratuite",
        "Conseil et accompagnement juridique, en particulier pour les femmes et les enfants "
        "(état civil, succession, violences).",
        ("rights", "gbv"),
        None,
        (),
        ("TU,TH", "08:00", "13:00"),
        "fr,ar",
        220,
        (None, None),
        "",
        "",
        7,
    ),
    Entry(
        "ec-moundou",
        "Déclaration de naissance (Moundou)",
        "Actes de naissance et déclarations tardives pour les habitants de Moundou.",
        ("civil_registration",),
        ("Timbre fiscal", "1000"),
        ("Deux témoins majeurs", "Carnet de vaccination"),
        ("MO,TU,WE,TH,FR", "07:00", "14:00"),
        "fr",
        70,
    ),
    Entry(
        "cs-doumbeur",
        "Vaccination et nutrition des enfants",
        "Vaccination de routine, dépistage de la malnutrition et prise en charge.",
        ("health", "child_protection"),
        None,
        ("Carnet de vaccination",),
        ("MO,WE,FR", "07:30", "12:00"),
        "fr",
        15,
        (0, 5),
    ),
    Entry(
        "cftp-moundou",
        "Formation en mécanique et couture",
        "Formations qualifiantes de six mois en mécanique deux-roues, couture et électricité.",
        ("vocational_training", "employment"),
        ("Frais d’inscription", "2000"),
        ("Acte de naissance", "Deux photos d’identité"),
        ("MO,TU,WE,TH,FR", "07:00", "13:00"),
        "fr",
        300,
        (15, 35),
    ),
]

MZ = [
    Entry(
        "rc-maputo",
        "Registo de nascimento",
        "Registo de nascimento gratuito até aos 120 dias; registo tardio com testemunhas.",
        ("civil_registration",),
        None,
        ("Cartão de saúde da criança", "BI dos pais"),
        ("MO,TU,WE,TH,FR", "07:30", "15:30"),
        "pt",
        20,
        (0, None),
        "",
        "",
        10,
    ),
    Entry(
        "rc-maputo",
        "Bilhete de identidade — primeira via",
        "Pedido do bilhete de identidade para maiores de 16 anos.",
        ("civil_registration",),
        ("Taxa de emissão", "150.00"),
        ("Certidão de nascimento", "Atestado de residência"),
        ("MO,TU,WE,TH,FR", "07:30", "15:00"),
        "pt",
        130,
        (16, None),
    ),
    Entry(
        "cs-chamanculo",
        "Consulta pré-natal e saúde materna",
        "Acompanhamento da gravidez, testagem de HIV, planeamento familiar.",
        ("health",),
        None,
        ("Cartão de saúde",),
        ("MO,TU,WE,TH,FR", "07:30", "15:30"),
        "pt",
        35,
        (12, 49),
        "female",
    ),
    Entry(
        "inas-mpm",
        "Programa Subsídio Social Básico",
        "Inscrição em programas de proteção social para agregados vulneráveis.",
        ("social_protection",),
        None,
        ("BI ou certidão de nascimento", "Atestado de pobreza"),
        ("MO,TU,WE,TH", "08:00", "14:00"),
        "pt",
        240,
    ),
    Entry(
        "cfp-maputo",
        "Cursos de formação profissional",
        "Cursos de três a seis meses em serralharia, canalização, informática e cozinha.",
        ("vocational_training", "employment"),
        ("Inscrição", "200.00"),
        ("BI", "Certificado de habilitações"),
        ("MO,TU,WE,TH,FR", "08:00", "16:00"),
        "pt",
        50,
        (15, 35),
    ),
    Entry(
        "rc-beira",
        "Registo de nascimento (Beira)",
        "Registo de nascimento e emissão de certidões.",
        ("civil_registration",),
        ("Certidão", "75.50"),
        ("Cartão de saúde da criança",),
        ("MO,TU,WE,TH,FR", "07:30", "15:30"),
        "pt",
        80,
    ),
    Entry(
        "gaf-beira",
        "Atendimento a vítimas de violência",
        "Receção de queixas, encaminhamento médico e legal, proteção de menores.",
        ("gbv", "child_protection"),
        None,
        (),
        ("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"),
        "pt",
        10,
        (None, None),
        "",
        "",
        3,
    ),
    Entry(
        "cs-munhava",
        "Consulta geral (Munhava)",
        "Consulta médica geral e farmácia.",
        ("health",),
        None,
        ("Cartão de saúde",),
        ("MO,TU,WE,TH,FR", "07:30", "15:30"),
        "pt",
        None,
    ),
]

GW = [
    Entry(
        "rc-bissau",
        "Registo de nascimento e cédula pessoal",
        "Registo de nascimento e emissão de cédula; registo tardio mediante testemunhas.",
        ("civil_registration",),
        ("Cédula", "1000"),
        ("Duas testemunhas com documento",),
        ("MO,TU,WE,TH,FR", "08:00", "14:00"),
        "pt",
        60,
    ),
    Entry(
        "cs-bandim",
        "Vacinação e consulta infantil",
        "Vacinação das crianças e consulta pediátrica.",
        ("health",),
        None,
        ("Cartão de vacinação",),
        ("MO,TU,WE,TH,FR", "08:00", "13:00"),
        "pt",
        45,
        (0, 14),
    ),
    Entry(
        "cfp-bissau",
        "Formação em eletricidade e costura",
        "Formação profissional com estágio em empresas locais.",
        ("vocational_training",),
        ("Matrícula", "2000"),
        ("Cédula pessoal", "Duas fotografias"),
        ("MO,TU,WE,TH,FR", "08:00", "13:00"),
        "pt",
        200,
        (15, 30),
    ),
    Entry(
        "rc-gabu",
        "Registo civil (Gabú)",
        "Registo de nascimento, casamento e óbito.",
        ("civil_registration",),
        ("Certidão", "1000"),
        ("Duas testemunhas",),
        ("MO,TU,WE,TH", "08:00", "13:00"),
        "pt",
        30,
    ),
    Entry(
        "hr-gabu",
        "Consulta pré-natal (Gabú)",
        "Consultas pré-natais e partos assistidos.",
        ("health",),
        None,
        ("Cartão de saúde",),
        ("MO,TU,WE,TH,FR,SA", "08:00", "14:00"),
        "pt",
        100,
        (12, 49),
        "female",
    ),
]

ENTRIES = {"TD": TD, "MZ": MZ, "GW": GW}

# (service name, site code, weekday 0=Monday, opens, closes, fee or None when free)
PERMANENCES = [
    ("Déclaration de naissance et jugement supplétif", "TD-NDJ1", 1, "09:00", "12:00", None),
    ("Consultation juridique gratuite", "TD-NDJ1", 3, "09:00", "12:00", None),
    ("Inscription des demandeurs d’emploi", "TD-NDJ1", 2, "10:00", "12:00", None),
    ("Déclaration de naissance (Moundou)", "TD-MOU1", 1, "08:00", "11:00", "500"),
    ("Registo de nascimento", "MZ-MPM1", 1, "09:00", "12:00", None),
    ("Programa Subsídio Social Básico", "MZ-MPM1", 3, "08:30", "11:30", None),
    ("Registo de nascimento (Beira)", "MZ-BEI1", 2, "09:00", "12:00", None),
    ("Registo de nascimento e cédula pessoal", "GW-BIS1", 1, "09:00", "12:00", None),
    ("Registo civil (Gabú)", "GW-GAB1", 3, "09:00", "12:00", "500"),
]


def _time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _location(ctx, org, by):
    return svc.location_create(
        by=by,
        organisation=org,
        data={
            "name": org.name,
            "address_1": org.address,
            "area": org.area,
            "country_code": org.country.code,
        },
    )


def _entry(ctx, entry: Entry, by, locations) -> Service:
    org = ctx.organisations[entry.org]
    areas = [org.area.parent or org.area] if org.area_id else []
    service = svc.service_create(
        by=by,
        organisation=org,
        data={
            "name": entry.name,
            "description": entry.description,
            "status": Service.Status.ACTIVE,
            "required_documents": "\n".join(entry.documents),
            "languages": entry.languages,
            "minimum_age": entry.ages[0],
            "maximum_age": entry.ages[1],
            "eligible_sex": entry.sex,
            "eligibility_description": entry.eligibility,
            "response_days": entry.response_days,
        },
        themes=[ctx.themes[code] for code in entry.themes],
        areas=areas,
    )
    if entry.fee:
        option, amount = entry.fee
        svc.cost_option_add(by=by, service=service, option=option, amount=Decimal(amount))
    if org.phone:
        svc.contact_add(
            by=by, service=service, data={"name": org.contact_name or org.name, "phone": org.phone}
        )
    if entry.org not in locations:
        locations[entry.org] = _location(ctx, org, by)
    link = svc.service_at_location_add(by=by, service=service, location=locations[entry.org])
    days, opens, closes = entry.hours
    svc.schedule_add(
        by=by,
        service=service,
        service_at_location=link,
        weekdays=days,
        opens_at=_time(opens),
        closes_at=_time(closes),
    )
    if entry.verified_days_ago is not None:
        svc.service_verify(
            by=by, service=service, at=ctx.now - timedelta(days=entry.verified_days_ago)
        )
    return service


def build(ctx) -> None:
    made: dict[str, Service] = {}
    for country, entries in ENTRIES.items():
        if country not in ctx.countries:
            continue
        by = ctx.users.get(EDITORS[country])
        locations: dict = {}
        for entry in entries:
            made[entry.name] = _entry(ctx, entry, by, locations)
    for name, site_code, weekday, opens, closes, fee in PERMANENCES:
        if name not in made or site_code not in ctx.sites:
            continue
        service = made[name]
        by = ctx.users.get(EDITORS[service.organisation.country.code])
        svc.permanence_add(
            by=by,
            service=service,
            site=ctx.sites[site_code],
            data={
                "weekday": weekday,
                "opens_at": _time(opens),
                "closes_at": _time(closes),
                "free": fee is None,
                "amount": Decimal(fee or 0),
                "valid_from": (ctx.now - timedelta(days=120)).date(),
                "notes": "",
            },
        )
    for site in ctx.sites.values():
        counts = ctx.counts.setdefault(site.code, {})
        counts["services"] = Service.objects.filter(
            organisation__country_id=site.country_id
        ).count()
