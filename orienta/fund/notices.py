"""What the fund's pages and API both say, kept here so that the API imports no view."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orienta.fund.models import FundRequest


def repeat_message(similar: FundRequest) -> str:
    return _(
        "%(name)s already had a request for this service on %(date)s (%(code)s, %(status)s). "
        "Check that this is not the same fee; confirm to request it again."
    ) % {
        "name": similar.person,
        "date": date_format(timezone.localtime(similar.created_at), "SHORT_DATE_FORMAT"),
        "code": similar.code,
        "status": similar.get_status_display().lower(),
    }
