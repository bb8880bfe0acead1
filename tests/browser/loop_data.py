"""The data of the short-loop journeys: a site in N'Djamena with near-namesakes (Mohamed and
Mahamat Abakar), one of them seen four times already, and health services in N'Djamena and in
Moundou."""

import datetime

from django.utils import timezone

from orienta.core.models import Area, Organisation, Theme
from orienta.directory.tests.factories import make_service
from orienta.frontdesk.services import visit_record
from orienta.people.rights import consent_give
from orienta.people.services import person_register


def _person(site, by, **data):
    base = {"sex": "male", "migration_status": "national", "documents": []}
    person = person_register(site=site, by=by, data=base | data)
    consent_give(person=person, purpose="processing", by=by)
    consent_give(person=person, purpose="sharing", by=by)
    return person


def loop_world(world, users) -> dict:
    site, agent = world["sites"]["td"], users["agent_td"]
    health = Theme.objects.get(code="health")
    mahamat = _person(
        site,
        agent,
        given_name="Mahamat",
        family_name="Abakar",
        phone="+23566777888",
        birth_date=datetime.date(1980, 2, 1),
    )
    mohamed = _person(
        site,
        agent,
        given_name="Mohamed",
        family_name="Abakar",
        phone="+23566777888",
        birth_date=datetime.date(1982, 7, 14),
    )
    for days in (90, 60, 30, 7):
        visit_record(
            site=site,
            by=agent,
            person=mohamed,
            data={
                "channel": "walk_in",
                "outcome": "informed",
                "themes": [health],
                "occurred_at": timezone.now() - datetime.timedelta(days=days),
                "notes": "Renseignements sur les consultations.",
            },
        )
    logone = Area.objects.get(code="TD-LO")
    moundou_org = Organisation.objects.create(
        name="Hôpital régional de Moundou", kind="public", country=world["td"], area=logone
    )
    moundou = make_service(moundou_org, name="Centre de santé de Doumbeur", themes=[health])
    moundou.service_areas.set([logone])
    chagoua = make_service(
        world["provider_org"], name="Consultation de médecine générale", themes=[health]
    )
    chagoua.service_areas.set([world["area_td"]])
    return {"mohamed": mohamed, "mahamat": mahamat, "ndjamena": chagoua, "moundou": moundou}
