"""The kinds of record a field form's export may create, each a `Target` (see `base`)."""

from orienta.imports.models import Kind
from orienta.imports.targets.assessments import Assessments
from orienta.imports.targets.base import Field, Target
from orienta.imports.targets.persons import Persons
from orienta.imports.targets.sessions import Sessions
from orienta.imports.targets.visits import Visits

TARGETS: dict[str, Target] = {
    Kind.PERSONS: Persons(),
    Kind.VISITS: Visits(),
    Kind.SESSIONS: Sessions(),
    Kind.ASSESSMENTS: Assessments(),
}

__all__ = ["TARGETS", "Field", "Target"]
