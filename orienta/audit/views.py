"""Exports made for a user: their page and their file (the pages of a person's access log are
the registry's: orienta/people/access_log.py)."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from orienta.audit.exports import ExportUnreadable, export_for, export_read
from orienta.core.types import AuthedRequest


@login_required
def export(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The page of an export made for this user: the download link while it is valid, else
    the reason it no longer is. Anyone but the requester gets a 404."""
    item = export_for(request.user, pk)
    valid = item.link_valid()
    status = 200 if valid else 410
    return render(request, "audit/export.html", {"export": item, "valid": valid}, status=status)


@login_required
def export_download(request: AuthedRequest, pk: UUID) -> HttpResponse:
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
