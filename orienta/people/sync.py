"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py)."""

from orienta.people.models import Person
from orienta.people.services import _index

SYNC = {
    "Person": "site",
    # The search index is derived from the persons: each side rebuilds it (below).
    "PersonMatchKey": "local",
    "Household": "site",
    "HouseholdMember": "site",
    "MatchDecision": "site",
    "PersonMerge": "site",
    "ConsentEvent": "site",
}
SYNC_IDENTITY = {
    "Person": ["given_name", "family_name", "sex", "birth_date"],
}


def _reindex(person: Person) -> None:
    _index(person)


SYNC_AFTER_APPLY = {"Person": _reindex}
