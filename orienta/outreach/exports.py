"""The activities of a period as a spreadsheet: one line per session, fair and training, with
their counts by sex and age band. Counts only, never a name; every cell through `tabular`."""

from django.utils.translation import gettext as _

from orienta.core.types import AnyUser
from orienta.lib.indicators import Period
from orienta.lib.tabular import Sheet
from orienta.outreach import queries
from orienta.outreach.attendance import age_bands
from orienta.outreach.services import attendance_of
from orienta.people.models import Sex


def activities_xlsx(user: AnyUser | None, period: Period) -> bytes:
    bands = age_bands().codes()
    sheet = Sheet(title=period.code)
    head = [_("Date"), _("Kind"), _("Status"), _("Site"), _("Title"), _("Locality"), _("Total")]
    sexes = [(code, str(label)) for code, label in Sex.choices]
    sheet.append(
        [*head, *(label for _code, label in sexes), *bands, _("With disability")], bold=True
    )
    kinds = {"session": _("Awareness session"), "fair": _("Fair"), "training": _("Training")}
    for day in queries.calendar(user, period):
        for entry in day.entries:
            activity = entry.activity
            line = [
                day.day,
                kinds[entry.kind],
                activity.get_status_display(),
                activity.site.code,
                activity.title,
                activity.locality,
            ]
            if entry.kind == "training":
                sheet.append(line)
                continue
            counts = attendance_of(activity)  # type: ignore[arg-type]
            by_sex, by_band = counts.by_sex(), counts.by_age_band()
            sheet.append(
                [
                    *line,
                    counts.total,
                    *(by_sex.get(code, 0) for code, _label in sexes),
                    *(by_band.get(band, 0) for band in bands),
                    counts.with_disability(),
                ]
            )
    return sheet.to_bytes()
