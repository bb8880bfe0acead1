"""Awareness sessions (of `orienta.outreach`): each submission is a session held, its
attendance counted in a repeat group (one row per sex, age band and disability, with a
count)."""

from typing import Any

from django.utils.translation import gettext_lazy

from orienta.core.models import Site, Theme
from orienta.imports.models import Kind
from orienta.imports.readers import Submission
from orienta.imports.targets.base import SITE, Context, Field, Prepared, Target, created
from orienta.imports.values import read_bool, read_choice, read_codes, read_date, read_sex
from orienta.outreach.attendance import Attendance, BadAttendance, age_bands
from orienta.outreach.models import Format, Topic, VenueType
from orienta.outreach.services import Place, SessionDetails, session_create

COUNT = "count_"


class Sessions(Target):
    kind = Kind.SESSIONS

    def fields(self, site: Site, options: dict[str, Any]) -> list[Field]:
        themes = [*Theme.objects.active().values_list("code", flat=True), *Topic.values]
        one_of = gettext_lazy("One of: %(list)s.")
        return [
            SITE,
            Field(
                "title",
                gettext_lazy("Title"),
                required=True,
                names=("title", "titre", "titulo", "theme_session"),
            ),
            Field(
                "held_on",
                gettext_lazy("Date held"),
                required=True,
                names=("held_on", "date", "data", "today"),
            ),
            Field(
                "locality",
                gettext_lazy("Locality"),
                names=("locality", "lieu", "localite", "local"),
            ),
            Field(
                "venue_type",
                gettext_lazy("Type of place"),
                names=("venue_type", "type_lieu"),
                help=one_of % {"list": ", ".join(VenueType.values)},
            ),
            Field(
                "format",
                gettext_lazy("Format"),
                names=("format", "formato"),
                help=one_of % {"list": ", ".join(Format.values)},
            ),
            Field(
                "themes",
                gettext_lazy("Themes"),
                names=("themes", "temas"),
                help=gettext_lazy("One or more of: %(list)s.") % {"list": ", ".join(themes)},
            ),
            Field("notes", gettext_lazy("Notes"), names=("notes", "observations")),
            Field(
                COUNT + "sex",
                gettext_lazy("Attendance: sex"),
                required=True,
                repeat=True,
                names=("count_sex", "sexe", "sexo", "sex"),
            ),
            Field(
                COUNT + "age_band",
                gettext_lazy("Attendance: age band"),
                required=True,
                repeat=True,
                names=("count_age_band", "age_band", "tranche_age", "faixa_etaria"),
                help=one_of % {"list": ", ".join(age_bands().codes())},
            ),
            Field(
                COUNT + "disability",
                gettext_lazy("Attendance: with disability (yes or no)"),
                repeat=True,
                names=("count_disability", "handicap", "deficiencia"),
            ),
            Field(
                COUNT + "count",
                gettext_lazy("Attendance: number of persons"),
                required=True,
                repeat=True,
                names=("count", "nombre", "numero"),
            ),
        ]

    def prepare(self, ctx: Context, submission: Submission) -> Prepared | None:
        row, before = submission.row, len(ctx.problems)
        fields = {f.name: f for f in self.fields(ctx.site, {})}
        ctx.check_site(row)
        ctx.require(row, fields["title"])
        ctx.require(row, fields["held_on"])
        held_on = ctx.read(row, "held_on", read_date)
        codes = (
            ctx.read(
                row,
                "themes",
                read_codes,
                [*Theme.objects.active().values_list("code", flat=True), *Topic.values],
            )
            or []
        )
        details = SessionDetails(
            venue_type=ctx.read(row, "venue_type", read_choice, VenueType.values) or "",
            format=ctx.read(row, "format", read_choice, Format.values) or "",
            themes=[c for c in codes if c not in Topic.values],
            topics=[c for c in codes if c in Topic.values],
        )
        items = []
        if ctx.mapping.get(COUNT + "count"):
            for child in submission.children:
                item = {
                    "sex": ctx.read(child, COUNT + "sex", read_sex),
                    "age_band": ctx.raw(child, COUNT + "age_band"),
                    "disability": bool(ctx.read(child, COUNT + "disability", read_bool)),
                    "count": ctx.raw(child, COUNT + "count") or "0",
                }
                try:
                    Attendance.parse([item])
                except BadAttendance as exc:
                    ctx.problem(
                        child,
                        COUNT + ("count" if "count" in exc.message else "age_band"),
                        exc.message,
                    )
                items.append(item)
        if len(ctx.problems) > before:
            return None
        try:
            attendance = Attendance.parse(items)
        except BadAttendance as exc:
            ctx.refusal(row, exc)
            return None
        place = Place(
            title=ctx.raw(row, "title")[:200],
            locality=ctx.raw(row, "locality")[:200],
            notes=ctx.raw(row, "notes"),
        )
        preview = [
            place.title,
            str(held_on or ""),
            place.locality,
            " ".join(codes),
            str(attendance.total),
        ]
        data = {"place": place, "held_on": held_on, "details": details, "attendance": attendance}
        return Prepared(submission, data, preview)

    def write(self, ctx: Context, prepared: Prepared) -> list[dict[str, Any]] | None:
        data = prepared.data
        session = session_create(
            site=ctx.site,
            place=data["place"],
            planned_on=data["held_on"],
            held_on=data["held_on"],
            attendance=data["attendance"],
            details=data["details"],
            by=ctx.user,
        )
        return [created("session", session, code=session.title)]
