"""What the fund's pages and API share: refusals written in the access log, messages."""

from functools import wraps

from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orienta.audit.models import Action
from orienta.audit.services import access_log_record, channel_of


def refusal_logged(view):
    """A 404 from an access helper (out of scope, or no such record) is written in the access
    log as a refusal, like the refusals of the registry's addresses."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            user = getattr(request, "auth", None) or getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                target = next(iter(kwargs.values()), None)
                access_log_record(
                    request=request,
                    action=Action.REFUSED,
                    channel=channel_of(request),
                    object_type="fund_request",
                    object_id=target,
                    status=404,
                )
            raise

    return wrapped


def repeat_message(similar) -> str:
    return _(
        "%(name)s already had a request for this service on %(date)s (%(code)s, %(status)s). "
        "Check that this is not the same fee; confirm to request it again."
    ) % {
        "name": similar.person,
        "date": date_format(timezone.localtime(similar.created_at), "SHORT_DATE_FORMAT"),
        "code": similar.code,
        "status": similar.get_status_display().lower(),
    }
