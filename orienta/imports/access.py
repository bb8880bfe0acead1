"""Who may import what (the predicates of `orienta.core.access`, narrowed per kind of record).

- A field form's export is imported at one's own sites, through the same services as the
  pages: only site staff write, so only they import. The site manager, who supervises the
  site's records, imports every kind: persons and households, visits, awareness sessions and
  vulnerability assessments. An agent imports the records of the front desk they make every
  day (persons and visits); sessions feed the results and assessments set who is prioritised,
  so a manager checks and imports those.
- An import is continued (mapped, checked, imported) by the person who uploaded the file: the
  file waits for them alone.
- The import log (who, when, which file, counts, errors) is read by site staff for their sites
  and by coordinators for their country's sites; M&E, administrators and providers do not read
  it (its errors may quote what the file held about a person).
"""

from orienta.core.access import imports_field_forms, is_site_manager
from orienta.core.types import AnyUser
from orienta.imports.models import Kind

AGENT_KINDS = frozenset({Kind.PERSONS, Kind.VISITS})


def imports_kind(user: AnyUser | None, kind: str) -> bool:
    """The user may import records of this kind (at their own sites)."""
    if not imports_field_forms(user):
        return False
    return is_site_manager(user) or kind in AGENT_KINDS


def kinds_for(user: AnyUser | None) -> list[tuple[str, str]]:
    """The kinds of record the user may import, as choices."""
    return [(code, str(label)) for code, label in Kind.choices if imports_kind(user, code)]
