"""The networks' indicators: GTPS meetings held, action-plan actions done, CSO staff trained.

These records belong to a country, not to a site: they count in a country's or the whole
programme's results, and in no site's (a site's figures are 0). A meeting counts in the period
of the day it was held; an action in the period of the day it was recorded done; a CSO staff
member trained once per training or coaching session attended (a participant is a name, not
an account: two sessions, two participations), by sex.
"""

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from orienta.lib.indicators import COUNTRY, SEX, UP, Indicator, Query, Row, Unit, register
from orienta.networks.models import (
    Action,
    ActionStatus,
    Meeting,
    MeetingStatus,
    SupportParticipant,
)


def _of_scope[M: (Meeting, Action, SupportParticipant)](
    queryset: QuerySet[M], query: Query, country_field: str
) -> QuerySet[M]:
    if query.scope.site:
        return queryset.none()
    if query.scope.country:
        queryset = queryset.filter(**{f"{country_field}__code": query.scope.country})
    return queryset


def _rows(values: Any, query: Query, fields: dict[str, str]) -> list[Row]:
    totals: dict[tuple[str, ...], int] = defaultdict(int)
    for row in values:
        totals[tuple(str(row[fields[code]]) for code in query.by)] += 1
    return [Row(key, n, n) for key, n in sorted(totals.items()) if n]


def meetings_held(query: Query) -> list[Row]:
    found = Meeting.objects.filter(
        status=MeetingStatus.HELD,
        on__gte=query.period.start,
        on__lt=query.period.end,
        deleted_at__isnull=True,
        group__deleted_at__isnull=True,
    )
    fields = {COUNTRY: "group__country__code"}
    return _rows(_of_scope(found, query, "group__country").values(*fields.values()), query, fields)


def actions_done(query: Query) -> list[Row]:
    found = Action.objects.filter(
        status=ActionStatus.DONE,
        status_on__gte=query.period.start,
        status_on__lt=query.period.end,
        deleted_at__isnull=True,
        group__deleted_at__isnull=True,
    )
    fields = {COUNTRY: "group__country__code"}
    return _rows(_of_scope(found, query, "group__country").values(*fields.values()), query, fields)


def staff_trained(query: Query) -> list[Row]:
    found = SupportParticipant.objects.filter(
        support__on__gte=query.period.start,
        support__on__lt=query.period.end,
        support__deleted_at__isnull=True,
        deleted_at__isnull=True,
    )
    fields = {COUNTRY: "support__country__code", SEX: "sex"}
    return _rows(
        _of_scope(found, query, "support__country").values(*fields.values()), query, fields
    )


register(
    Indicator(
        code="GTPS_MEETINGS_HELD",
        name=_("GTPS meetings held"),
        definition=_("Meetings of the social-protection working groups held in the period."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=(COUNTRY,),
        compute=meetings_held,
    )
)
register(
    Indicator(
        code="GTPS_ACTIONS_DONE",
        name=_("GTPS action-plan actions done"),
        definition=_("Actions of the working groups' action plans recorded as done in the period."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=(COUNTRY,),
        compute=actions_done,
    )
)
register(
    Indicator(
        code="CSO_STAFF_TRAINED",
        name=_("CSO staff trained"),
        definition=_(
            "Participations of partner CSOs' staff in the trainings and coaching sessions "
            "given in the period, by sex (a person at two sessions counts twice)."
        ),
        unit=Unit.PERSONS,
        direction=UP,
        dimensions=(SEX, COUNTRY),
        compute=staff_trained,
    )
)
