from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orienta.core.models import Organisation, Theme
from orienta.directory.models import Service
from orienta.directory.services import (
    contact_add,
    cost_option_add,
    location_create,
    permanence_add,
    schedule_add,
    service_at_location_add,
    service_create,
    service_verify,
)
from orienta.directory.tests.factories import make_service


@pytest.fixture
def directory(world, users):
    """A small directory: a Chadian civil registry with a permanence, a health centre, a
    Mozambican legal aid service (stale)."""
    td, mz = world["sites"]["td"], world["sites"]["mz"]
    manager = users["manager_td"]
    civil = Theme.objects.order_by("position").first()
    health = Theme.objects.order_by("position")[1]
    registry_org = Organisation.objects.create(
        name="Mairie du 5e arrondissement",
        kind="public",
        country=world["td"],
        area=world["area_td"],
        phone="+235 66 00 00 01",
        contact_name="Bureau d’état civil",
        address="Avenue Charles de Gaulle",
    )
    registry = service_create(
        by=manager,
        organisation=registry_org,
        data={
            "name": "Déclaration de naissance tardive",
            "description": "Jugement supplétif et acte de naissance.",
            "status": Service.Status.ACTIVE,
            "required_documents": "Témoignage de deux personnes\nCarnet de vaccination",
            "languages": "fr,ar",
            "minimum_age": 0,
            "maximum_age": 17,
            "eligible_sex": "",
            "eligibility_description": "Enfants nés dans l’arrondissement.",
            "response_days": 10,
        },
        themes=[civil],
        areas=[world["area_td"]],
    )
    cost_option_add(by=manager, service=registry, option="Timbre fiscal", amount=Decimal("1000"))
    contact_add(
        by=manager,
        service=registry,
        data={"name": "Officier d’état civil", "title": "Chef de bureau", "phone": "+235 1"},
    )
    office = location_create(
        by=manager,
        organisation=registry_org,
        data={
            "name": "Mairie du 5e",
            "address_1": "Avenue Charles de Gaulle",
            "city": "N’Djamena",
            "area": world["area_td"],
            "country_code": "TD",
            "latitude": Decimal("12.107"),
            "longitude": Decimal("15.044"),
        },
    )
    sal = service_at_location_add(by=manager, service=registry, location=office)
    schedule_add(
        by=manager,
        service=registry,
        service_at_location=sal,
        weekdays="MO,TU,WE,TH,FR",
        opens_at=time(7, 30),
        closes_at=time(15, 30),
    )
    permanence_add(
        by=manager,
        service=registry,
        site=td,
        data={"weekday": 1, "opens_at": time(9), "closes_at": time(12), "free": True},
    )
    service_verify(by=manager, service=registry)
    health_centre = make_service(
        world["provider_org"], name="Consultation prénatale", amount=500, themes=[health]
    )
    service_verify(by=manager, service=health_centre, at=timezone.now() - timedelta(days=30))
    legal = make_service(
        world["mz"].organisations.first(),
        name="Assistência jurídica",
        amount=Decimal("70.50"),
        themes=[civil],
    )
    schedule_add(by=None, service=legal, weekdays="MO,WE", opens_at=time(8), closes_at=time(12))
    return {
        "registry": registry,
        "health": health_centre,
        "legal": legal,
        "site_td": td,
        "site_mz": mz,
        "theme": civil,
    }
