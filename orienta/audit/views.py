"""Who looked at a person: the log for coordinators and M&E, and the printable account for the
person. Opening either is itself logged."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from orienta.audit import queries
from orienta.audit.exports import ExportUnreadable, export_for, export_read
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
    details = queries.reads_log_details(request.user)
    context = {
        "subject": subject,
        "page": page,
        "lines": queries.log_lines(page.object_list, details=details),
        "details": details,
    }
    return render(request, "audit/person_log.html", context)


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


@login_required
def export(request, pk):
    """The page of an export made for this user: the download link while it is valid, else
    the reason it no longer is. Anyone but the requester gets a 404."""
    item = export_for(request.user, pk)
    valid = item.link_valid()
    status = 200 if valid else 410
    return render(request, "audit/export.html", {"export": item, "valid": valid}, status=status)


@login_required
def export_download(request, pk):
    item = export_for(request.user, pk)
    if not item.link_valid():
        return render(request, "audit/export.html", {"export": item, "valid": False}, status=410)
    try:
        data = export_read(item, request=request)
    except ExportUnreadable:
        return render(
            request,
            "audit/export.html",
            {"export": item, "valid": False, "unreadable": True},
            status=410,
        )
    response = HttpResponse(data, content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
    return response
