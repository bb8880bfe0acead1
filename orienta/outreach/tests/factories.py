"""Activities for tests: a held session, fair and training at a site, recorded by its agent."""

import datetime

from orienta.outreach.attendance import Attendance
from orienta.outreach.models import Curriculum
from orienta.outreach.services import Place, fair_create, session_create, training_create

MORNING_DAY = datetime.date(2026, 3, 11)


def counts(*rows):
    """Attendance from (sex, band, disability, count) tuples."""
    return Attendance.parse(
        [{"sex": s, "age_band": b, "disability": d, "count": n} for s, b, d, n in rows]
    )


def make_session(agent, site, *, held=True, title="Causerie sur l'état civil", rows=None):
    rows = (
        rows if rows is not None else [("female", "15-24", False, 12), ("male", "25-35", True, 3)]
    )
    return session_create(
        site=site,
        place=Place(title=title, locality="Chagoua"),
        planned_on=MORNING_DAY - datetime.timedelta(days=1),
        held_on=MORNING_DAY - datetime.timedelta(days=1) if held else None,
        attendance=counts(*rows) if held else None,
        by=agent,
    )


def make_fair(agent, site, *, held=True):
    return fair_create(
        site=site,
        place=Place(title="Foire de l'emploi"),
        planned_on=MORNING_DAY - datetime.timedelta(days=2),
        held_on=MORNING_DAY - datetime.timedelta(days=2) if held else None,
        attendance=counts(("female", "25-35", False, 40), ("male", "15-24", False, 30))
        if held
        else None,
        by=agent,
    )


def make_curriculum():
    return Curriculum.objects.get_or_create(
        code="biosp-method", defaults={"title": "Méthodologie BIOSP", "kind": "methodology"}
    )[0]


def make_training(agent, site, *, held=True):
    return training_create(
        site=site,
        curriculum=make_curriculum(),
        place=Place(title="Formation à l'accueil"),
        planned_on=MORNING_DAY - datetime.timedelta(days=3),
        held_on=MORNING_DAY - datetime.timedelta(days=3) if held else None,
        by=agent,
    )
