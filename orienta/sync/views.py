"""The sync pages: a node's status, the central server's nodes, the conflicts to resolve."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.audit.services import access_log_search
from orienta.core.access import manages_nodes, reads_sync_status, resolves_sync_conflicts
from orienta.core.models import Site
from orienta.core.types import AuthedRequest
from orienta.lib.errors import Refused, refused_message
from orienta.sync import capture, queries, services
from orienta.sync.models import Node


@login_required
def status(request: AuthedRequest) -> HttpResponse:
    if not reads_sync_status(request.user):
        raise PermissionDenied
    context: dict[str, Any] = {"is_node": capture.is_node()}
    if capture.is_node():
        status = queries.node_status()
        context |= {
            "status": status,
            "rejected": queries.rejected_changes(),
            "mismatch": queries.model_names(status.state.mismatch if status.state else []),
            "repaired": queries.model_names(status.state.repaired if status.state else []),
        }
    else:
        context |= {"central": queries.central_summary(request.user)}
    return render(request, "sync/status.html", context)


@login_required
def nodes(request: AuthedRequest) -> HttpResponse:
    if not manages_nodes(request.user):
        raise PermissionDenied
    if capture.is_node():
        raise Http404
    code, created = "", None
    if request.method == "POST":
        site = _site(request.POST.get("site", ""))
        if site is None:
            messages.error(request, _("Choose a site."))
        else:
            try:
                created, code = services.node_create(
                    site=site, by=request.user, label=request.POST.get("label", "")
                )
            except Refused as exc:
                refused_message(request, exc)
    context = {
        "nodes": queries.node_lines(),
        "sites": Site.objects.filter(deleted_at__isnull=True).order_by("code"),
        "code": code,
        "created": created,
    }
    return render(request, "sync/nodes.html", context)


def _site(value: str) -> Site | None:
    try:
        pk = UUID(value)
    except ValueError:
        return None
    return Site.objects.filter(pk=pk, deleted_at__isnull=True).first()


@login_required
@require_POST
def node_revoke(request: AuthedRequest, pk: str) -> HttpResponse:
    if not manages_nodes(request.user):
        raise PermissionDenied
    node = get_object_or_404(Node, pk=pk)
    wipe = request.POST.get("wipe") == "1"
    services.node_revoke(node=node, by=request.user, wipe=wipe)
    if wipe:
        messages.success(
            request,
            _("The node is revoked: at its next contact it is refused and erases its data."),
        )
    else:
        messages.success(request, _("The node is revoked: it will be refused at its next contact."))
    return redirect("sync:nodes")


@login_required
@require_POST
def node_allowance(request: AuthedRequest, pk: str) -> HttpResponse:
    if not manages_nodes(request.user):
        raise PermissionDenied
    if capture.is_node():
        raise Http404
    node = get_object_or_404(Node, pk=pk)
    try:
        services.node_allowance_set(
            node=node, amount=request.POST.get("allowance", "").strip(), by=request.user
        )
    except Refused as exc:
        refused_message(request, exc)
    else:
        messages.success(
            request, _("The node's allowance is saved; it learns it at its next sync.")
        )
    return redirect("sync:nodes")


@login_required
def conflicts(request: AuthedRequest) -> HttpResponse:
    if not resolves_sync_conflicts(request.user):
        raise PermissionDenied
    rows = list(queries.open_conflicts(request.user))
    # The values shown may be a person's: the list is logged as a search of personal data.
    access_log_search(
        request, query="sync conflicts", results=len(rows), object_type="sync.conflict"
    )
    return render(request, "sync/conflicts.html", {"conflicts": queries.conflict_lines(rows)})


@login_required
@require_POST
def conflict_resolve(request: AuthedRequest, pk: str) -> HttpResponse:
    if not resolves_sync_conflicts(request.user):
        raise PermissionDenied
    conflict = services.conflict_for(request.user, pk)
    try:
        services.conflict_resolve(
            conflict=conflict, keep=request.POST.get("keep", ""), by=request.user
        )
    except Refused as exc:
        refused_message(request, exc)
    else:
        messages.success(request, _("The value chosen is kept; the site's nodes receive it."))
    return redirect("sync:conflicts")
