"""Validation against the published HSDS 3.0 schemas (../shared/standards/hsds-3.0 beside the
repository, as the issue gives them); without that folder, against the copy kept in the app."""

from pathlib import Path

from django.conf import settings

from orienta.directory import hsds

PUBLISHED = Path(settings.BASE_DIR).parent / "shared" / "standards" / "hsds-3.0"
# Compiled schemas (related objects inlined) and the kept top-level schema equivalent to each.
COMPILED = {
    "compiled/service.json": "service.json",
    "compiled/organization.json": "organization.json",
    "compiled/service_at_location.json": "service_at_location.json",
}


def published(name: str):
    if PUBLISHED.exists():
        return hsds.validator(name, PUBLISHED)
    return hsds.validator(COMPILED.get(name, name))


def valid(instance, name: str) -> None:
    published(name).validate(instance)
