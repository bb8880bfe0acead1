"""What the apps above the registry add to it, without the registry importing them.

An app that keeps records about persons (cases, referrals, fund requests…) takes part through
its module `orienta/<app>/rights.py`, found by `lib.plugins.app_modules("rights")` in
INSTALLED_APPS order, which defines any of:

- `EXPORT_KEY`, `export(ids) -> list[dict]` and `erase(ids, *, by)`: its section of the
  data-subject export, and its part of an erasure (`ids`: the person's record and those merged
  into it). See `people.rights`.
- `merge(*, survivor, merged, by)`: its records of `merged` follow the `survivor` of a merge
  (inside the merge's transaction), so nothing is lost and the history reads as one person's.
- `masked_person_ids(user, ids) -> set`: those of `ids` the user may not see named (a person
  with a sensitive case the user may not open): lists show them by their initials. One query.
"""

from orienta.lib.plugins import app_modules


def app_rights() -> list:
    """`(EXPORT_KEY, module)` of every app with a section in the data-subject export."""
    return [
        (module.EXPORT_KEY, module)
        for module in app_modules("rights")
        if hasattr(module, "EXPORT_KEY")
    ]


def records_follow_survivor(*, survivor, merged, by) -> None:
    """Every app's records of `merged` move to `survivor`."""
    for module in app_modules("rights"):
        if hasattr(module, "merge"):
            module.merge(survivor=survivor, merged=merged, by=by)


def masked_person_ids(user, person_ids) -> set:
    """Of these persons, those the user may not see named, by any app's rule."""
    ids = [pk for pk in person_ids if pk]
    masked: set = set()
    if not ids:
        return masked
    for module in app_modules("rights"):
        if hasattr(module, "masked_person_ids"):
            masked |= module.masked_person_ids(user, ids)
    return masked


def mask_sensitive(user, persons) -> None:
    """Mark each person (`person.masked`) the user may not see named: lists show initials."""
    masked = masked_person_ids(user, [p.pk for p in persons])
    for person in persons:
        person.masked = person.pk in masked
