"""Who looked at a person: the log for coordinators and M&E, and the printable account for the
person. Opening either is itself logged."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone, translation

from orienta.audit import queries
from orienta.audit.models import Action, Channel
from orienta.audit.services import access_log_record

PAGE_SIZE = 50


def _log_view(request, subject, *, action: str, channel: str, object_type: str) -> None:
    access_log_record(
        request=request,
        action=action,
        channel=channel,
        object_type=object_type,
        object_id=subject.pk,
        person_id=subject.pk,
        site_id=subject.site_id,
    )


@login_required
def person_log(request, pk):
    subject = queries.log_subject_for(request.user, pk)
    if subject.pk != pk:
        return redirect("audit:person_log", pk=subject.pk)
    _log_view(request, subject, action=Action.READ, channel=Channel.PAGE, object_type="access_log")
    entries = queries.person_access_entries(subject)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/person_log.html", {"subject": subject, "page": page})


@login_required
def person_account(request, pk):
    """The account given to the person: in their language (or ?lang=), dates in their site's
    time zone, staff named by role and office only."""
    subject = queries.log_subject_for(request.user, pk)
    if subject.pk != pk:
        return redirect("audit:person_account", pk=subject.pk)
    _log_view(
        request, subject, action=Action.PRINT, channel=Channel.PRINT, object_type="access_account"
    )
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = subject.language
    tz = zoneinfo.ZoneInfo(subject.timezone)
    context = {
        "subject": subject,
        "months": queries.person_access_account(subject, tz),
        "language": language,
        "today": timezone.localdate(timezone=tz),
    }
    with translation.override(language), timezone.override(tz):
        response = render(request, "audit/account.html", context)
    response["Content-Language"] = language
    return response
