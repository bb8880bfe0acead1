"""The sync app's part in other pages: the menu entry of the sync status page."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.core.access import manages_nodes, reads_sync_status, resolves_sync_conflicts
from orienta.sync.capture import is_node

# After the domain apps' entries (core.page_panels).
ORDER = 95


def nav_links(request: HttpRequest) -> list[tuple[str, str]]:
    """At a node, everyone who reads its status; at the central server, those with work there
    (administrators: the nodes; managers and coordinators: the conflicts)."""
    user = request.user
    if is_node():
        shown = reads_sync_status(user)
    else:
        shown = manages_nodes(user) or resolves_sync_conflicts(user)
    if not shown:
        return []
    return [(reverse("sync:status"), _("Sync"))]
