"""`GET /api/v1/results/dhis2/dataValueSets?period=202611&country=TD`: the period's figures of a
country as a DHIS2 data value set (see `orienta.reporting.dhis2`). Coordinators (their country)
and M&E; what is not mapped is listed in the header `X-Orienta-Unmapped`, and the mapped
figures left out because they are suppressed in `X-Orienta-Suppressed`."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router
from ninja.errors import HttpError

from orienta.audit.models import Action, Channel
from orienta.audit.services import access_log_record
from orienta.core.access import coordinates_country
from orienta.core.models import Country
from orienta.lib.api.errors import Detail
from orienta.lib.indicators import Period
from orienta.reporting.dhis2 import data_value_set
from orienta.reporting.logframe_rules import can_read_dhis2

router = Router(tags=["results"])


@router.get(
    "/results/dhis2/dataValueSets",
    response={200: dict, 400: Detail, 403: Detail, 404: Detail},
    summary="A DHIS2 data value set of a country's results for a period",
)
def data_value_sets(request: HttpRequest, response: HttpResponse, period: str, country: str):
    user = request.user
    if not can_read_dhis2(user):
        raise PermissionDenied
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
    found = Country.objects.filter(code=country).first()
    if found is None or (coordinates_country(user) and found.pk != user.country_id):
        raise Http404
    result = data_value_set(parsed, found)
    response["X-Orienta-Unmapped"] = ",".join(result.unmapped)
    response["X-Orienta-Suppressed"] = ",".join(result.suppressed)
    access_log_record(
        request=request,
        action=Action.EXPORT,
        channel=Channel.API,
        object_type="results",
        query=request.get_full_path(),
        results=len(result.data_values),
    )
    return result.body()
