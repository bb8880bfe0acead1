"""Pages of the integrations: webhook subscriptions and their delivery log (`/webhooks/`), and
the DHIS2 pushes with their import summaries (`/webhooks/dhis2/`).

Webhooks: administrators (every country) and coordinators (their country's subscriptions
only; another country's is a 404). DHIS2: M&E, administrators and coordinators push and read
the summaries (coordinators their country's); administrators and coordinators set the
instance. Everyone else: 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.core.access import configures_dhis2, manages_webhooks, pushes_dhis2
from orienta.core.types import AuthedRequest
from orienta.lib.errors import Refused, refused_message
from orienta.webhooks import dhis2, queries, services
from orienta.webhooks.forms import ConnectionForm, PushForm, SubscriptionForm
from orienta.webhooks.models import Dhis2Auth, Subscription

View = Callable[..., HttpResponse]


def _allowed(predicate: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


_manager = _allowed(manages_webhooks)
_pusher = _allowed(pushes_dhis2)
_configurer = _allowed(configures_dhis2)


# Webhooks
# =============================================================================================


@_manager
def index(request: AuthedRequest) -> HttpResponse:
    context = {
        "subscriptions": queries.subscriptions(request.user),
        "deliveries": queries.deliveries(request.user),
        "disabled": queries.disabled_after_failures(request.user),
        "pushes_dhis2": pushes_dhis2(request.user),
        "demo": settings.DEMO,
    }
    return render(request, "webhooks/index.html", context)


def _form(request: AuthedRequest, data: Any = None, **kwargs: Any) -> SubscriptionForm:
    return SubscriptionForm(
        data,
        countries=queries.countries_for(request.user),
        organisations=queries.organisations_for(request.user),
        **kwargs,
    )


def _show_secret_once(
    request: AuthedRequest, subscription: Subscription, secret: str
) -> HttpResponse:
    """Redirect to the subscription's page, which shows the new secret once (kept in the
    session until then): reloading it, or the form, makes nothing twice."""
    request.session[_secret_key(subscription)] = secret
    return redirect("webhooks:subscription", pk=subscription.pk)


def _secret_key(subscription: Subscription) -> str:
    return f"webhooks-secret-{subscription.pk}"


@_manager
def new(request: AuthedRequest) -> HttpResponse:
    form = _form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription, secret = services.subscription_create(
                by=request.user, **form.cleaned_data
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            return _show_secret_once(request, subscription, secret)
    status = 422 if form.errors else 200
    return render(request, "webhooks/edit.html", {"form": form}, status=status)


@_manager
def subscription(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.subscription_for(request.user, pk)
    secret = request.session.pop(_secret_key(found), None)
    if secret:
        return render(request, "webhooks/secret.html", {"subscription": found, "secret": secret})
    context = {
        "subscription": found,
        "deliveries": queries.deliveries(request.user, found),
        "demo": settings.DEMO,
    }
    return render(request, "webhooks/subscription.html", context)


@_manager
def edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.subscription_for(request.user, pk)
    initial = {
        "name": found.name,
        "url": found.url,
        "events": found.events,
        "organisation": found.organisation,
    }
    form = _form(request, request.POST or None, initial=initial, fixed_country=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_update(
                subscription=found,
                by=request.user,
                name=data["name"],
                url=data["url"],
                events=data["events"],
                organisation=data["organisation"],
                expected_version=_version(request),
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The subscription is saved."))
            return redirect("webhooks:subscription", pk=found.pk)
    status = 422 if form.errors else 200
    context = {"form": form, "subscription": found}
    return render(request, "webhooks/edit.html", context, status=status)


def _version(request: AuthedRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


def _act(request: AuthedRequest, pk: UUID, action: Callable[..., Any], done: str) -> HttpResponse:
    found = queries.subscription_for(request.user, pk)
    try:
        action(subscription=found, by=request.user)
    except Refused as exc:
        refused_message(request, exc)
    else:
        messages.success(request, done)
    return redirect("webhooks:subscription", pk=found.pk)


@require_POST
@_manager
def disable(request: AuthedRequest, pk: UUID) -> HttpResponse:
    done = _("The subscription is disabled: no event is sent to it.")
    return _act(request, pk, services.subscription_disable, done)


@require_POST
@_manager
def enable(request: AuthedRequest, pk: UUID) -> HttpResponse:
    done = _("The subscription is active again.")
    return _act(request, pk, services.subscription_enable, done)


@require_POST
@_manager
def test(request: AuthedRequest, pk: UUID) -> HttpResponse:
    done = _("A test event was handed to the queue; its delivery is in the log below.")
    return _act(request, pk, services.subscription_test, done)


@require_POST
@_manager
def secret(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.subscription_for(request.user, pk)
    new_secret = services.subscription_secret_renew(subscription=found, by=request.user)
    return _show_secret_once(request, found, new_secret)


# DHIS2
# =============================================================================================


@_pusher
def dhis2_index(request: AuthedRequest, form: PushForm | None = None) -> HttpResponse:
    countries = queries.countries_for(request.user)
    connections = queries.connections(request.user)
    context = {
        "form": form or PushForm(countries=countries),
        "countries": [(c, connections.get(c.pk)) for c in countries],
        "pushes": queries.pushes(request.user),
        "configures": configures_dhis2(request.user),
    }
    return render(request, "webhooks/dhis2.html", context, status=422 if form else 200)


@require_POST
@_pusher
def dhis2_push(request: AuthedRequest) -> HttpResponse:
    form = PushForm(request.POST, countries=queries.countries_for(request.user))
    if not form.is_valid():
        return dhis2_index(request, form)
    try:
        push = dhis2.push_request(
            country=form.cleaned_data["country"],
            period=form.cleaned_data["period"],
            by=request.user,
        )
    except Refused as exc:
        form.add_error(None, exc.message)
        return dhis2_index(request, form)
    return redirect("webhooks:dhis2_push_detail", pk=push.pk)


@_pusher
def dhis2_push_detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    push = queries.push_for(request.user, pk)
    return render(request, "webhooks/dhis2_push.html", {"push": push})


@_configurer
def dhis2_connection(request: AuthedRequest, code: str) -> HttpResponse:
    country = queries.country_for(request.user, code)
    current = queries.connections(request.user).get(country.pk)
    initial = (
        {"url": current.url, "auth": current.auth, "username": current.username}
        if current
        else {"auth": Dhis2Auth.TOKEN}
    )
    form = ConnectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dhis2.connection_save(country=country, by=request.user, **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The DHIS2 instance is saved."))
            return redirect("webhooks:dhis2")
    context = {"form": form, "country": country, "current": current}
    return render(
        request, "webhooks/dhis2_connection.html", context, status=422 if form.errors else 200
    )
