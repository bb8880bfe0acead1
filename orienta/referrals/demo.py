"""Demo referrals: at each site, persons (and their cases, when the demo has cases) referred to
the services of the demo directory over the last months, in every state.

Everything goes through the services, acting as the site's agents and, for the answers, as the
provider through the link. Then, like the core demo's `_backdate_*`, the stamps are moved back
to the days things happened, so that the metrics read as months of work. That is the one place
writing without a service: it runs once, in demo mode, in the load's transaction.
"""

from datetime import timedelta

from django.db.models import F

from orienta.cases.models import Case
from orienta.core.models import Role
from orienta.directory.models import Service
from orienta.people.models import Person
from orienta.referrals import services as svc
from orienta.referrals.models import Actor, Referral, ReferralEvent, SharedField, Status, Urgency

PER_SITE = 16
# Of which sent in the last days, still waiting for (or just given) an answer.
RECENT_PER_SITE = 4
HISTORY_DAYS = 150
REASONS = {
    "fr": [
        "Besoin d’un acte de naissance pour l’inscription scolaire de l’enfant.",
        "Grossesse sans consultation prénatale.",
        "Recherche d’une formation professionnelle courte.",
        "Conseil juridique sur un litige foncier.",
        "Soutien psychosocial après des violences.",
    ],
    "pt": [
        "Precisa de certidão de nascimento para a matrícula escolar.",
        "Gravidez sem consulta pré-natal.",
        "Procura uma formação profissional curta.",
        "Aconselhamento jurídico sobre um conflito de terras.",
        "Apoio psicossocial depois de violência.",
    ],
}
DECLINE_NOTES = {
    "fr": "Plus de places ce mois-ci, revenir le mois prochain.",
    "pt": "Sem vagas este mês, voltar no próximo mês.",
}
# (final status, weight) for referrals older than the service's response time.
OLD_OUTCOMES = [
    (Status.SERVED, 10),
    (Status.NOT_SERVED, 2),
    (Status.DECLINED, 2),
    (Status.EXPIRED, 2),
    (Status.CANCELLED, 1),
]
RECENT_OUTCOMES = [(Status.SENT, 3), (Status.ACCEPTED, 3), (Status.SERVED, 2)]


def build(ctx) -> None:
    for site in ctx.sites.values():
        agent = site.staff.filter(role=Role.AGENT, is_active=True).order_by("username").first()
        choices = list(
            Service.objects.filter(
                organisation__country_id=site.country_id, status="active", deleted_at=None
            ).order_by("name")
        )
        if agent is None or not choices:
            continue

        persons = list(
            Person.objects.filter(
                site=site, consent_processing=True, consent_sharing=True, merged_into=None
            ).order_by("code")[:200]
        )
        if not persons:
            continue
        made = [
            _one(ctx, site, agent, ctx.rng.choice(persons), choices, recent=n < RECENT_PER_SITE)
            for n in range(PER_SITE)
        ]
        ctx.counts.setdefault(site.code, {})["referrals"] = len(made)


def _case_of(person):
    return Case.objects.filter(person=person).exclude(status="closed").first()


def _one(ctx, site, agent, person, choices, *, recent: bool) -> Referral:
    rng, lang = ctx.rng, site.country.language
    service = rng.choice(choices)
    case = _case_of(person)
    referral = svc.referral_send(
        by=agent,
        person=person,
        service=service,
        site=site,
        reason=rng.choice(REASONS.get(lang, REASONS["fr"])),
        urgency=rng.choice([Urgency.ROUTINE, Urgency.ROUTINE, Urgency.SOON, Urgency.URGENT]),
        shared_fields=[SharedField.GIVEN_NAME, SharedField.FAMILY_NAME]
        + ([SharedField.PHONE] if rng.random() < 0.5 else []),
        case=case,
    )
    days_ago = rng.randint(0, service.response_days - 1) if recent else rng.randint(1, HISTORY_DAYS)
    outcomes = RECENT_OUTCOMES if days_ago < service.response_days else OLD_OUTCOMES
    final = _weighted(rng, outcomes)
    _play(referral, final, agent, lang)
    _backdate(ctx, referral, days_ago)
    return referral


def _weighted(rng, pairs):
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


def _play(referral, final, agent, lang) -> None:
    link = Actor.PROVIDER_LINK
    if final in (Status.ACCEPTED, Status.SERVED, Status.NOT_SERVED):
        svc.referral_accept(referral=referral, actor=link)
    if final == Status.SERVED:
        svc.referral_serve(referral=referral, actor=link)
    elif final == Status.NOT_SERVED:
        svc.referral_not_served(referral=referral, by=agent, note="")
    elif final == Status.DECLINED:
        svc.referral_decline(referral=referral, reason=DECLINE_NOTES.get(lang, ""), actor=link)
    elif final == Status.EXPIRED:
        svc.referral_expire(referral=referral)
    elif final == Status.CANCELLED:
        svc.referral_cancel(referral=referral, by=agent)


def _backdate(ctx, referral, days_ago: int) -> None:
    """Move the referral's stamps back: sent `days_ago` days ago, each step a few days later."""
    rng = ctx.rng
    sent = ctx.now - timedelta(days=days_ago, hours=rng.randint(0, 6))
    when, stamps = sent, []
    for event in referral.events.order_by("at", "id"):
        if event.to_status != Status.SENT:
            when = min(when + timedelta(days=rng.randint(1, 6)), ctx.now)
        if event.to_status == Status.EXPIRED:
            when = sent + timedelta(days=referral.service.response_days)
        ReferralEvent.objects.filter(pk=event.pk).update(at=when)
        stamps.append((event.to_status, when))
    by_status = dict(stamps)
    referral.refresh_from_db()
    shift = referral.sent_at - sent
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=sent,
        created_at=sent,
        updated_at=when,
        answer_due_at=F("answer_due_at") - shift,
        answered_at=_first(by_status, Status.ACCEPTED, Status.DECLINED, Status.NOT_SERVED)
        if referral.answered_at
        else None,
        served_at=by_status.get(Status.SERVED),
        closed_at=when if referral.closed_at else None,
    )


def _first(by_status, *statuses):
    found = [by_status[s] for s in statuses if s in by_status]
    return min(found) if found else by_status.get(Status.SERVED)
