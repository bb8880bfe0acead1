"""The data value set pushed to DHIS2 (a fake DHIS2 on loopback) holds the logframe's values
entered by hand as well as the computed figures, when they are mapped to data elements: the
current value of exactly the period (a correction replaces the value it corrects), at the
country's org unit and at each mapped site's; a small count of persons is left out."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orienta.reporting.logframe_services import FigureScope, hand_value_correct, hand_value_record
from orienta.reporting.models import Dhis2DataElement, Dhis2OrgUnit, LogframeIndicator
from orienta.reporting.tests.logframe_fixtures import make_logframe
from orienta.webhooks import dhis2
from orienta.webhooks.tests.test_dhis2 import _push


@pytest.fixture
def connected(world, users, fake_dhis2):
    return dhis2.connection_save(
        country=world["td"],
        by=users["coordinator_td"],
        url=fake_dhis2.url + "/",
        auth="token",
        secret="d2pat_good",
    )


@pytest.fixture
def logframe(world, users):
    frame = make_logframe()
    frame["trained"] = LogframeIndicator.objects.create(
        result=frame["result"],
        code="IND-TRAINED",
        unit="persons",
        name_fr="Agents formés",
        position=3,
    )
    Dhis2OrgUnit.objects.create(country=world["td"], org_unit="OUtchad0001")
    Dhis2OrgUnit.objects.create(
        country=world["td"], site=world["sites"]["td"], org_unit="OUndjamena1"
    )
    return frame


def record(indicator, scope, value, by, period="2026-03"):
    return hand_value_record(
        indicator=indicator,
        period=period,
        scope=scope,
        value=Decimal(value),
        source="Registre des séances",
        by=by,
    )


def mapping(code, element):
    row = Dhis2DataElement(
        indicator_code=code, data_element=element, category_option_combo="COCdefault1"
    )
    row.full_clean()
    row.save()
    return row


def test_hand_entered_values_are_pushed_with_the_computed_ones(
    world, users, logframe, connected, fake_dhis2, django_capture_on_commit_callbacks
):
    me = users["me_hq"]
    td, site = world["td"], world["sites"]["td"]
    mapping("PERSONS_WELCOMED", "DEwelcomed1")
    mapping("IND-SESSIONS", "DEsessions1")
    mapping("IND-TRAINED", "DEtrained01")
    first = record(logframe["hand"], FigureScope(td), 12, me)
    hand_value_correct(original=first, value=Decimal(14), source="", reason="Oubli", by=me)
    record(logframe["hand"], FigureScope(td, site), 9, me)
    record(logframe["hand"], FigureScope(td), 99, me, period="2026-02")  # another month
    record(logframe["hand"], FigureScope(world["mz"]), 50, me)  # another country
    record(logframe["trained"], FigureScope(td), 3, me)  # 3 persons: too few to send

    push = _push(users, world, django_capture_on_commit_callbacks)

    sent = fake_dhis2.received[0].json()["dataValues"]
    hand = {(v["dataElement"], v["orgUnit"], v["period"]): v["value"] for v in sent}
    assert hand[("DEsessions1", "OUtchad0001", "202603")] == "14"  # the correction
    assert hand[("DEsessions1", "OUndjamena1", "202603")] == "9"
    assert not any(e == "DEtrained01" for e, _o, _p in hand)
    assert "50" not in hand.values() and "99" not in hand.values()
    assert any(e == "DEwelcomed1" for e, _o, _p in hand)  # the computed figures still go
    assert push.suppressed == 1
    assert push.status == "done"


def test_a_hand_entered_value_without_a_mapping_is_listed_as_unmapped(
    world, users, logframe, connected, fake_dhis2, django_capture_on_commit_callbacks
):
    record(logframe["hand"], FigureScope(world["td"]), 7, users["me_hq"])
    push = _push(users, world, django_capture_on_commit_callbacks)
    assert "indicator:IND-SESSIONS" in push.unmapped
    assert "indicator:IND-TRAINED" not in push.unmapped  # nothing entered: nothing missing
    sent = fake_dhis2.received[0].json()["dataValues"] if fake_dhis2.received else []
    assert all(v["value"] != "7" for v in sent)


def test_a_hand_entered_indicator_is_mapped_by_its_total_only(world, logframe):
    with pytest.raises(ValidationError) as refused:
        Dhis2DataElement(
            indicator_code="IND-SESSIONS",
            dimensions="sex=female",
            data_element="DEsessions1",
            category_option_combo="COCfemale01",
        ).full_clean()
    assert "dimensions" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        Dhis2DataElement(
            indicator_code="IND-NOWHERE",
            data_element="DEsessions1",
            category_option_combo="COCdefault1",
        ).full_clean()
    assert "indicator_code" in unknown.value.message_dict
