"""The error pages: 403, 404 and 500 in the site's look, in the user's language.

403 and 404 are ordinary pages (the menu when signed in). The 500 page is rendered without the
request's context processors, the database or the URL resolver, any of which may be what
failed: a template that extends nothing, the stylesheet's address worked out defensively, and
the language that was active when the error happened. Addresses under /api/ keep answering the
API's JSON, whatever the error.
"""

import logging

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import get_language, gettext

log = logging.getLogger(__name__)

STYLESHEET = "orienta/orienta.css"
# If even the template cannot be rendered: the same words, in the two languages of the field.
BARE_500 = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Orienta</title></head><body><h1>Erreur du serveur · Erro do servidor</h1>"
    '<p><a href="/">Orienta</a></p></body></html>'
)


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _json(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def permission_denied(request, exception=None):
    if _api(request):
        return _json(gettext("Your role does not allow this action."), 403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if _api(request):
        return _json(
            gettext("No such address in the API. The OpenAPI document lists them all."), 404
        )
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check: usually a page left open past the end of its session.
    (The API authenticates each call with a token and does not check CSRF.)"""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    if _api(request):
        return _json(gettext("The server met an error. Try again in a moment."), 500)
    context = {"stylesheet": _stylesheet(), "lang": (get_language() or settings.LANGUAGE_CODE)}
    html: str
    try:
        html = render_to_string("500.html", context)
    except Exception:  # the error page itself must not fail
        log.exception("the 500 page could not be rendered")
        html = BARE_500
    return HttpResponseServerError(html)


def _stylesheet() -> str:
    try:
        return static(STYLESHEET)
    except Exception:  # e.g. a manifest that lacks the file after a bad deploy
        return settings.STATIC_URL + STYLESHEET
