"""Reads of a visit in the access log, from the pages and the API alike."""

from orienta.audit.models import Action
from orienta.audit.services import access_log_read, access_log_record, channel_of


def log_visit_read(request, visit) -> None:
    """A page or API answer showed this visit: a read of its person, or of the visit itself
    when it is anonymous."""
    if visit.person_id:
        access_log_read(request, visit.person, object_type="visit", object_id=visit.pk)
        return
    access_log_record(
        request=request,
        action=Action.READ,
        channel=channel_of(request),
        object_type="visit",
        object_id=visit.pk,
        site_id=visit.site_id,
    )
