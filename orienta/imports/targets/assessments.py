"""Vulnerability assessments (of `orienta.families`): each submission assesses a household of
the site, named by its code, with the current instrument of the site's country; each question
of the instrument is a field of the form, answered with one of its options' codes."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orienta.core.models import Site
from orienta.families.models import Instrument
from orienta.families.queries import current_instruments, household_by_code_for
from orienta.families.services import assessment_record
from orienta.imports.models import Kind
from orienta.imports.readers import Submission
from orienta.imports.targets.base import SITE, Context, Field, Prepared, Target, created
from orienta.imports.values import read_choice, read_date

ANSWER = "answer:"


def instrument_of(site: Site, options: dict[str, Any]) -> Instrument | None:
    """The instrument chosen for the import (the first current one of the country)."""
    instruments = list(current_instruments(site))
    chosen = options.get("instrument", "")
    return next(
        (i for i in instruments if str(i.pk) == chosen), instruments[0] if instruments else None
    )


class Assessments(Target):
    kind = Kind.ASSESSMENTS

    def fields(self, site: Site, options: dict[str, Any]) -> list[Field]:
        fields = [
            SITE,
            Field(
                "household",
                gettext_lazy("Household code"),
                required=True,
                names=("household", "menage", "agregado", "household_code"),
            ),
            Field(
                "assessed_on",
                gettext_lazy("Date of the assessment"),
                names=("assessed_on", "date", "data", "today"),
            ),
            Field("notes", gettext_lazy("Evidence and notes"), names=("notes", "observations")),
        ]
        instrument = instrument_of(site, options)
        if instrument is not None:
            for _dimension, indicator in instrument.parsed().indicators():
                codes = ", ".join(o.code for o in indicator.options)
                fields.append(
                    Field(
                        ANSWER + indicator.code,
                        indicator.name,
                        required=True,
                        names=(indicator.code,),
                        help=gettext_lazy("One of: %(list)s.") % {"list": codes},
                    )
                )
        return fields

    def prepare(self, ctx: Context, submission: Submission) -> Prepared | None:
        row, before = submission.row, len(ctx.problems)
        instrument = instrument_of(ctx.site, ctx.options)
        fields = self.fields(ctx.site, ctx.options)
        ctx.check_site(row)
        code = ctx.require(row, fields[1])
        household = household_by_code_for(ctx.user, code) if code else None
        if code and (household is None or household.site_id != ctx.site.pk):
            ctx.problem(
                row,
                "household",
                _("No household of this site has the code %(code)s.") % {"code": code[:24]},
            )
        answers = {}
        if instrument is not None:
            for _dimension, indicator in instrument.parsed().indicators():
                name = ANSWER + indicator.code
                value = ctx.read(row, name, read_choice, [o.code for o in indicator.options])
                if value == "":
                    ctx.require(row, next(f for f in fields if f.name == name))
                answers[indicator.code] = value
        assessed_on = ctx.read(row, "assessed_on", read_date)
        if len(ctx.problems) > before or instrument is None:
            return None
        preview = [code, str(assessed_on or ""), " ".join(f"{k}={v}" for k, v in answers.items())]
        data = {
            "household": household,
            "instrument": instrument,
            "answers": answers,
            "assessed_on": assessed_on,
            "notes": ctx.raw(row, "notes"),
        }
        return Prepared(submission, data, preview)

    def write(self, ctx: Context, prepared: Prepared) -> list[dict[str, Any]] | None:
        data = prepared.data
        assessment = assessment_record(
            household=data["household"],
            instrument=data["instrument"],
            answers=data["answers"],
            by=ctx.user,
            assessed_on=data["assessed_on"],
            notes=data["notes"],
        )
        return [created("assessment", assessment, code=data["household"].code)]
