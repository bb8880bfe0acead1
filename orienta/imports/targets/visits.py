"""Visits: each submission is one contact with a person, named by their Orienta code, by
their identity (which passes the duplicate check), or anonymous (sex and age only)."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orienta.core.models import Site, Theme
from orienta.frontdesk.models import Channel, Outcome
from orienta.frontdesk.services import visit_record
from orienta.imports.models import Kind
from orienta.imports.readers import Submission
from orienta.imports.targets.base import (
    SITE,
    Context,
    Field,
    Prepared,
    Target,
    created,
    look_alike,
    person_data,
    person_fields,
    person_resolve,
)
from orienta.imports.values import read_choice, read_codes, read_datetime, read_int, read_sex
from orienta.people.queries import person_by_code_or_none


def _codes(choices: Any) -> str:
    return ", ".join(choices)


class Visits(Target):
    kind = Kind.VISITS

    def fields(self, site: Site, options: dict[str, Any]) -> list[Field]:
        themes = list(Theme.objects.active().values_list("code", flat=True))
        return [
            SITE,
            Field(
                "occurred_at",
                gettext_lazy("Date (and time) of the visit"),
                required=True,
                names=("occurred_at", "date", "date_visite", "data", "today", "start"),
            ),
            Field(
                "themes",
                gettext_lazy("Themes"),
                required=True,
                names=("themes", "theme", "temas"),
                help=gettext_lazy("One or more of: %(list)s.") % {"list": _codes(themes)},
            ),
            Field(
                "outcome",
                gettext_lazy("Outcome"),
                required=True,
                names=("outcome", "resultat", "resultado"),
                help=gettext_lazy("One of: %(list)s.") % {"list": _codes(Outcome.values)},
            ),
            Field(
                "channel",
                gettext_lazy("Channel (outreach when the form does not say)"),
                names=("channel", "canal"),
                help=gettext_lazy("One of: %(list)s.") % {"list": _codes(Channel.values)},
            ),
            Field("notes", gettext_lazy("Notes"), names=("notes", "observations", "observacoes")),
            Field(
                "person_code",
                gettext_lazy("Person's Orienta code, when already registered"),
                names=("person_code", "code", "code_personne"),
            ),
            *person_fields(required=False),
        ]

    def prepare(self, ctx: Context, submission: Submission) -> Prepared | None:
        row, before = submission.row, len(ctx.problems)
        fields = {f.name: f for f in self.fields(ctx.site, {})}
        ctx.check_site(row)
        for name in ("occurred_at", "themes", "outcome"):
            ctx.require(row, fields[name])
        when = ctx.read(row, "occurred_at", read_datetime, ctx.site.timezone)
        if when is not None and when > timezone.now() + timedelta(minutes=5):
            ctx.problem(row, "occurred_at", _("A visit cannot be recorded in the future."))
        themes = ctx.read(
            row, "themes", read_codes, Theme.objects.active().values_list("code", flat=True)
        )
        outcome = ctx.read(row, "outcome", read_choice, Outcome.values)
        channel = ctx.read(row, "channel", read_choice, Channel.values) or Channel.OUTREACH
        visit = {
            "occurred_at": when,
            "themes": themes or [],
            "outcome": outcome,
            "channel": channel,
            "notes": ctx.raw(row, "notes")[: settings.MAX_NOTE_LENGTH],
        }
        person, identity, alike = None, None, None
        code = ctx.raw(row, "person_code")
        if code:
            person = person_by_code_or_none(ctx.user, code)
            if person is None:
                ctx.problem(
                    row,
                    "person_code",
                    _("No person of your sites has the code %(code)s.") % {"code": code[:24]},
                )
        elif ctx.raw(row, "given_name") or ctx.raw(row, "family_name"):
            identity = person_data(ctx, row)
        else:
            visit["anonymous_sex"] = ctx.read(row, "sex", read_sex)
            if not visit["anonymous_sex"]:
                ctx.require(row, fields["sex"])
            visit["anonymous_age"] = ctx.read(row, "age", lambda raw: read_int(raw, high=120))
        if len(ctx.problems) > before:
            return None
        if identity is not None:
            alike = look_alike(ctx, row, identity)
        who = (
            person.code
            if person
            else (
                f"{identity['given_name']} {identity['family_name']}"
                if identity
                else _("Anonymous")
            )
        )
        preview = [
            timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "",
            who,
            " ".join(visit["themes"]),
            str(outcome),
            str(channel),
        ]
        data = {"visit": visit, "person": person, "identity": identity, "alike": alike}
        return Prepared(submission, data, preview, [alike] if alike else [])

    def write(self, ctx: Context, prepared: Prepared) -> list[dict[str, Any]] | None:
        row, data = prepared.submission.row, prepared.data
        out = []
        person = data["person"]
        if data["identity"] is not None:
            found = person_resolve(ctx, row, data["identity"], data["alike"])
            if found is None:
                return None
            person, linked = found
            out.append(created("person", person, linked=linked))
        visit = visit_record(site=ctx.site, by=ctx.user, data=data["visit"], person=person)
        day = timezone.localtime(visit.occurred_at).date().isoformat()
        out.append(created("visit", visit, code=day))
        return out
