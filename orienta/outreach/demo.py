"""Demo community work: at each site, awareness sessions held over the months (with their counts,
details and the outreach visits that followed) and one planned; in each country a fair at its
first site (stands of the country's organisations, visitors, people oriented and an outcome)
and a training of the site's staff with their test scores, another planned.

Everything goes through the services, as the site's own agents; the random choices come from
the demo's one generator (`ctx.rng`), the dates are relative to today.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from orienta.core.access import can_record
from orienta.frontdesk.models import Channel, Visit
from orienta.outreach.attendance import Attendance, age_bands
from orienta.outreach.models import AwarenessSession, Curriculum, FairVisit, SessionVisit
from orienta.outreach.services import (
    OfferInput,
    Place,
    SessionDetails,
    fair_create,
    fair_outcome_record,
    fair_visit_link,
    participant_add,
    participant_score,
    session_create,
    session_visit_link,
    stand_add,
    training_create,
)

CURRICULA = [
    ("biosp-method", "Méthodologie BIOSP : accueil, écoute, orientation", "methodology", 16),
    ("awareness-themes", "Animer une séance de sensibilisation", "awareness", 8),
    ("computing", "Informatique et saisie dans Orienta", "computing", 12),
]
SESSIONS = {
    "fr": [
        ("Causerie sur l'acte de naissance", "market", "talk", ["civil_registration"], []),
        (
            "Théâtre-forum contre les violences",
            "community",
            "theatre",
            ["gbv"],
            ["gender_equality"],
        ),
        ("Émission radio : droits et services", "radio", "radio", ["rights"], ["human_rights"]),
        ("Projection : climat et santé", "school", "video", ["health"], ["climate_change"]),
    ],
    "pt": [
        ("Palestra sobre o registo de nascimento", "market", "talk", ["civil_registration"], []),
        ("Teatro contra a violência", "community", "theatre", ["gbv"], ["gender_equality"]),
        ("Programa de rádio: direitos e serviços", "radio", "radio", ["rights"], ["human_rights"]),
        ("Vídeo: clima e saúde", "school", "video", ["health"], ["climate_change"]),
    ],
}
DAYS_AGO = [150, 95, 40]
FAIR = {"fr": "Foire sociale et de l'emploi", "pt": "Feira social e de empregabilidade"}
TRAINING = {"fr": "Session de formation des agents", "pt": "Formação dos agentes"}
LINKED_PER_SESSION = 3


def build(ctx: Any) -> None:
    curricula = [_curriculum(*row) for row in CURRICULA]
    first_of_country: set[Any] = set()
    for site in ctx.sites.values():
        staff = [
            u for u in ctx.users.values() if can_record(u) and u.sites.filter(pk=site.pk).exists()
        ]
        if not staff:
            continue
        language = "pt" if site.country.language.startswith("pt") else "fr"
        _sessions(ctx, site, staff[0], language)
        if site.country_id not in first_of_country:
            first_of_country.add(site.country_id)
            _fair(ctx, site, staff[0], language)
            _training(ctx, site, staff, curricula, language)
        counts = ctx.counts.setdefault(site.code, {})
        counts["outreach sessions"] = AwarenessSession.objects.filter(site=site).count()


def _curriculum(code: str, title: str, kind: str, hours: int) -> Curriculum:
    found, _created = Curriculum.objects.get_or_create(
        code=code, defaults={"title": title, "kind": kind, "hours": hours}
    )
    return found


def _counts(ctx: Any, scale: int) -> Attendance:
    rows = []
    for sex in ("female", "male"):
        for band in age_bands().codes():
            rows.append({"sex": sex, "age_band": band, "count": ctx.rng.randint(0, scale)})
        rows.append(
            {"sex": sex, "age_band": "25-35", "disability": True, "count": ctx.rng.randint(0, 2)}
        )
    return Attendance.parse(rows)


def _sessions(ctx: Any, site: Any, agent: Any, language: str) -> None:
    today = timezone.localdate()
    specs = SESSIONS[language]
    for n, days in enumerate(DAYS_AGO):
        title, venue, form, themes, topics = specs[n]
        day = today - timedelta(days=days)
        session = session_create(
            site=site,
            place=Place(title=title, area=site.area, locality=site.area.name),
            planned_on=day,
            held_on=day,
            attendance=_counts(ctx, 9),
            details=SessionDetails(
                venue_type=venue,
                format=form,
                themes=themes,
                topics=topics,
                facilitators=[agent],
                materials="Affiches, dépliants" if language == "fr" else "Cartazes, folhetos",
            ),
            by=agent,
        )
        for visit in _unlinked(site, Channel.OUTREACH, day)[:LINKED_PER_SESSION]:
            session_visit_link(session=session, visit=visit, by=agent)
    title, venue, form, themes, topics = specs[3]
    session_create(
        site=site,
        place=Place(title=title, locality=site.area.name),
        planned_on=today + timedelta(days=7),
        details=SessionDetails(venue_type=venue, format=form, themes=themes, topics=topics),
        by=agent,
    )


def _unlinked(site: Any, channel: str, since: Any) -> list[Visit]:
    return list(
        Visit.objects.current()
        .filter(site=site, channel=channel, occurred_at__date__gt=since)
        .exclude(pk__in=SessionVisit.objects.values("visit_id"))
        .exclude(pk__in=FairVisit.objects.values("visit_id"))
        .order_by("occurred_at", "pk")[:10]
    )


def _fair(ctx: Any, site: Any, agent: Any, language: str) -> None:
    day = timezone.localdate() - timedelta(days=60)
    fair = fair_create(
        site=site,
        place=Place(title=FAIR[language], area=site.area, locality=site.area.name),
        planned_on=day,
        held_on=day,
        attendance=_counts(ctx, 30),
        by=agent,
    )
    organisations = [o for o in ctx.organisations.values() if o.country_id == site.country_id]
    for n, organisation in enumerate(organisations[:3]):
        offers = [
            OfferInput(
                "job" if n % 2 == 0 else "training",
                "Agents de terrain" if language == "fr" else "Agentes de campo",
                ctx.rng.randint(2, 10),
            )
        ]
        stand_add(
            fair=fair,
            organisation=organisation,
            services=organisation.name,
            offers=offers,
            by=agent,
        )
    visits = [v for v in _unlinked(site, Channel.FAIR, day) if v.person_id]
    for visit in visits[:5]:
        fair_visit_link(fair=fair, visit=visit, by=agent)
    if visits:
        person = visits[0].person
        assert person is not None
        fair_outcome_record(
            fair=fair,
            person=person,
            kind="hired",
            on=timezone.localdate() - timedelta(days=20),
            by=agent,
        )


def _training(
    ctx: Any, site: Any, staff: list[Any], curricula: list[Curriculum], language: str
) -> None:
    today = timezone.localdate()
    held = training_create(
        site=site,
        curriculum=curricula[0],
        place=Place(title=TRAINING[language], locality=site.area.name),
        planned_on=today - timedelta(days=30),
        held_on=today - timedelta(days=30),
        trainer="Équipe nationale" if language == "fr" else "Equipa nacional",
        by=staff[0],
    )
    for user in staff:
        participant = participant_add(training=held, user=user, by=staff[0])
        pre = ctx.rng.randint(35, 60)
        participant_score(
            participant=participant,
            attended=True,
            pre_score=pre,
            post_score=min(100, pre + ctx.rng.randint(5, 30)),
            by=staff[0],
        )
    training_create(
        site=site,
        curriculum=curricula[2],
        place=Place(title=TRAINING[language], locality=site.area.name),
        planned_on=today + timedelta(days=14),
        by=staff[0],
    )
