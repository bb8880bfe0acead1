"""Reads of the imports: the log in the user's scope, one import, one to continue."""

from uuid import UUID

from django.db.models import QuerySet

from orienta.core.models import Site
from orienta.core.scoping import writable_sites
from orienta.core.types import AnyUser
from orienta.imports.access import imports_kind
from orienta.imports.models import ImportedSubmission, ImportRun
from orienta.lib.errors import OutOfScope

LOG_SIZE = 50


def runs(user: AnyUser) -> QuerySet[ImportRun]:
    """The imports of the sites in scope, the latest first."""
    return (
        ImportRun.objects.visible_to(user)
        .select_related("site", "created_by", "imported_by")
        .defer("content")
        .order_by("-created_at")
    )


def run_for(user: AnyUser, pk: UUID | str) -> ImportRun:
    """An import of the log, if it is in the user's scope; else 404."""
    found = runs(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("import", pk)
    return found


def run_to_continue_for(user: AnyUser, pk: UUID | str) -> ImportRun:
    """An import the user uploaded, at a site they still import at; else 404."""
    found = (
        ImportRun.objects.filter(
            pk=pk,
            created_by=user.pk,
            site__in=writable_sites(user),
            deleted_at__isnull=True,
        )
        .select_related("site", "site__country")
        .first()
        if user.is_authenticated
        else None
    )
    if found is None or not imports_kind(user, found.kind):
        raise OutOfScope("import", pk)
    return found


def submissions(run: ImportRun) -> QuerySet[ImportedSubmission]:
    return run.submissions.order_by("line")


def import_sites(user: AnyUser) -> QuerySet[Site]:
    return writable_sites(user)
