from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from orienta.core import page_panels as panels
from orienta.core.access import (
    can_record,
    coordinates_country,
    is_cso_staff,
    is_headquarters,
    is_provider,
)
from orienta.core.queries import site_for, site_list
from orienta.core.types import AuthedRequest


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    if can_record(request.user):
        return redirect("cases:worklist")
    if is_provider(request.user):  # a partner's account: the referrals addressed to it
        return redirect("referrals:provider_list")
    if is_cso_staff(request.user):  # a partner CSO's staff: their organisation's page
        return redirect("partners:detail", pk=request.user.organisation_id)
    if coordinates_country(request.user) or is_headquarters(request.user):  # the results
        return redirect("reporting:dashboard")
    return redirect("core:sites")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; a signed-in user's choice is kept on their account."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@login_required
def sites(request: HttpRequest) -> HttpResponse:
    return render(request, "core/sites.html", {"sites": site_list(request.user)})


@login_required
def site_detail(request: HttpRequest, code: str) -> HttpResponse:
    site = site_for(request.user, code)
    context = {"site": site, "panels": panels.render("site_panel", request, site)}
    return render(request, "core/site_detail.html", context)


def robots(request: HttpRequest) -> HttpResponse:
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
