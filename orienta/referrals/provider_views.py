"""The provider's side: the confirmation page opened from the slip's link (no account), and the
list of referrals addressed to a provider account's organisation."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from orienta.audit.models import Action, Channel
from orienta.audit.services import access_log_record, access_log_search, client_ip
from orienta.core.access import is_provider
from orienta.core.models import User
from orienta.core.types import AuthedRequest
from orienta.lib.codes import NODE_LINK_MARK
from orienta.referrals import queries, services
from orienta.referrals.access import OBJECT, log_read
from orienta.referrals.forms import AnswerForm
from orienta.referrals.models import TRANSITIONS, Actor, Referral, Status, token_digest

# What a provider answers, through the link or with an account alike, where the referral's
# status allows it (cancelling is the agent's).
PROVIDER_ANSWERS = {Status.ACCEPTED, Status.SERVED, Status.DECLINED, Status.NOT_SERVED}
# Requests to the link page allowed per window, per client address and per token.
RATE_WINDOW = 600
RATE_PER_IP = 60
RATE_PER_TOKEN = 30


def _over_limit(key: str, limit: int) -> bool:
    if cache.add(key, 1, RATE_WINDOW):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # the entry expired between add and incr
        cache.add(key, 1, RATE_WINDOW)
        return False


def rate_limited(request: HttpRequest, token: str) -> bool:
    by_ip = _over_limit(f"referrals:link:ip:{client_ip(request) or 'unknown'}", RATE_PER_IP)
    by_token = _over_limit(f"referrals:link:tok:{token_digest(token)[:32]}", RATE_PER_TOKEN)
    return by_ip or by_token


@never_cache
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The page of the slip's QR code: the reference, the service and the person's data the
    agent chose to share (as on the slip), nothing else; the provider answers as with an
    account: received, served, not served or declined."""
    if rate_limited(request, token):
        return render(request, "referrals/link_gone.html", {"reason": "busy"}, status=429)
    link = services.link_find(token)
    if link is None:
        # A slip printed at a site node working offline: its link is known here once it syncs.
        reason = "not_synced" if token.startswith(NODE_LINK_MARK) else "unknown"
        return render(request, "referrals/link_gone.html", {"reason": reason}, status=404)
    if not services.link_is_valid(link):
        return render(request, "referrals/link_gone.html", {"reason": "expired"}, status=410)
    referral = link.referral
    allowed = TRANSITIONS.get(referral.status, set()) & PROVIDER_ANSWERS
    form = AnswerForm(request.POST or None, allowed=allowed) if allowed else None
    _log_link(request, referral)
    status = 200
    if request.method == "POST":
        if form is not None and form.is_valid():
            try:
                services.referral_answer(
                    referral=referral,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data.get("note", ""),
                    actor=Actor.PROVIDER_LINK,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, queries.status_message(referral))
                return redirect("referrals:confirm", token=token)
        status = 422
    context = {
        "referral": referral,
        "shared": queries.shared_data(referral),
        "form": form,
        "token": token,
    }
    return render(request, "referrals/confirm.html", context, status=status)


def _log_link(request: HttpRequest, referral: Referral) -> None:
    access_log_record(
        request=request,
        action=Action.READ,
        channel=Channel.PAGE,
        object_type=OBJECT,
        object_id=referral.pk,
        person_id=referral.person_id,
        site_id=referral.site_id,
        query="provider link",
        username="provider link",
    )


def _require_provider(user: User) -> None:
    if not is_provider(user) or not user.organisation_id:
        raise PermissionDenied


@login_required
def provider_list(request: AuthedRequest) -> HttpResponse:
    """The referrals addressed to the provider's organisation, with the minimum data only."""
    _require_provider(request.user)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    found = queries.referral_list(request.user, status=status)
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    access_log_search(
        request, query=f"status={status}", results=page.paginator.count, object_type=OBJECT
    )
    rows = [(r, queries.shared_data(r)) for r in page]
    context = {"page": page, "rows": rows, "status": status, "statuses": Status.choices}
    return render(request, "referrals/provider_list.html", context)


@login_required
def provider_detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    _require_provider(request.user)
    referral = queries.referral_for(request.user, pk)
    log_read(request, referral)
    allowed = TRANSITIONS.get(referral.status, set()) & PROVIDER_ANSWERS
    form = AnswerForm(request.POST or None, allowed=allowed) if allowed else None
    status = 200
    if request.method == "POST":
        if form is not None and form.is_valid():
            try:
                services.referral_answer(
                    referral=referral,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data.get("note", ""),
                    by=request.user,
                    actor=Actor.PROVIDER_ACCOUNT,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, queries.status_message(referral))
                return redirect("referrals:provider_detail", pk=referral.pk)
        status = 422
    context = {
        "referral": referral,
        "shared": queries.shared_data(referral),
        "form": form,
        "now": timezone.now(),
    }
    return render(request, "referrals/provider_detail.html", context, status=status)
