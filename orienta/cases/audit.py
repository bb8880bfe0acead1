"""Refused reads of cases in the access log.

A case asked for and not shown — out of scope, or sensitive and not the caller's — is a 404;
each is logged as a `refused` entry naming the case (or the person asked about), from the
pages and the API alike. (403s are logged for every path by the audit middleware.)
"""

from functools import wraps
from uuid import UUID

from django.http import Http404

from orienta.audit.models import Action, Channel
from orienta.audit.services import access_log_record, channel_of

TARGET_KWARGS = ("pk", "case_id", "action_id", "followup_id")


def _uuid(value) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def log_refused(request, *, object_id=None, person_id=None, status: int = 404) -> None:
    access_log_record(
        request=request,
        action=Action.REFUSED,
        channel=channel_of(request),
        object_type="case" if object_id else ("person" if person_id else ""),
        object_id=object_id or person_id,
        person_id=person_id,
        query=request.META.get("QUERY_STRING", ""),
        status=status,
    )


def refusals_logged(view):
    """Log the 404 a view (page or API operation) answers, then let it answer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            user = getattr(request, "auth", None) or getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                target = next((kwargs[k] for k in TARGET_KWARGS if k in kwargs), None)
                person = _uuid(request.GET.get("person", "")) if request.method == "GET" else None
                log_refused(request, object_id=_uuid(target) if target else None, person_id=person)
            raise

    return wrapped


__all__ = ["Channel", "log_refused", "refusals_logged"]
