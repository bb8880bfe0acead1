"""Forms of community work; the counts grid is read by `counts_from_post`."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, Organisation, Site, Theme, User
from orienta.lib.forms import choice_field, model_choice_field
from orienta.lib.indicators import AgeBands
from orienta.outreach.attendance import Attendance
from orienta.outreach.models import Curriculum, Format, OfferKind, OutcomeKind, Topic, VenueType
from orienta.outreach.services import Place
from orienta.people.models import Sex

DATE = forms.DateInput(attrs={"type": "date"})


class ActivityForm(forms.Form):
    """Plan an activity (or record one just held): the site, a title, the date."""

    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))
    title = forms.CharField(label=_("Title"), max_length=200)
    planned_on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "site").queryset = sites
        if len(sites) == 1:
            self.fields["site"].initial = sites[0]
            self.fields["site"].widget = forms.HiddenInput()
        self.fields["planned_on"].initial = timezone.localdate()


class TrainingForm(ActivityForm):
    curriculum = forms.ModelChoiceField(queryset=Curriculum.objects.none(), label=_("Curriculum"))
    trainer = forms.CharField(label=_("Trainer"), max_length=200, required=False)

    def __init__(self, *args: Any, curricula: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "curriculum").queryset = curricula


class PlaceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Area"), required=False)
    locality = forms.CharField(label=_("Locality"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "area").queryset = Area.objects.filter(
            country_id=site.country_id
        ).order_by("code")

    def place(self) -> Place:
        data = self.cleaned_data
        return Place(data["title"], data["area"], data["locality"], data["notes"])


class SessionDetailsForm(PlaceForm):
    venue_type = forms.ChoiceField(
        label=_("Type of place"), choices=[("", "—"), *VenueType.choices], required=False
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("", "—"), *Format.choices], required=False
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"), widget=forms.CheckboxSelectMultiple, required=False
    )
    facilitators = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("Facilitators"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    partner_facilitators = forms.CharField(
        label=_("Facilitators from partners"), max_length=300, required=False
    )
    materials = forms.CharField(
        label=_("Materials used"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    questions = forms.CharField(
        label=_("Questions raised"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, site: Site, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, site=site, **kwargs)
        model_choice_field(self.fields, "facilitators").queryset = staff
        core = [(f"theme:{t.code}", t.name) for t in Theme.objects.active()]
        choice_field(self.fields, "themes").choices = core + [
            (f"topic:{v}", label) for v, label in Topic.choices
        ]

    def split_themes(self) -> tuple[list[str], list[str]]:
        chosen = self.cleaned_data["themes"]
        themes = [c.split(":", 1)[1] for c in chosen if c.startswith("theme:")]
        topics = [c.split(":", 1)[1] for c in chosen if c.startswith("topic:")]
        return themes, topics


class FairDetailsForm(PlaceForm):
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)


class StandForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisation of the directory"),
        required=False,
    )
    name = forms.CharField(label=_("Or the partner's name"), max_length=200, required=False)
    services = forms.CharField(
        label=_("Services offered"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    offer_kind = forms.ChoiceField(
        label=_("Offer"), choices=[("", "—"), *OfferKind.choices], required=False
    )
    offer_title = forms.CharField(label=_("What is offered"), max_length=200, required=False)
    offer_places = forms.IntegerField(label=_("Number of places"), min_value=0, required=False)

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "organisation").queryset = Organisation.objects.filter(
            country_id=site.country_id, deleted_at__isnull=True
        ).order_by("name")


class OutcomeForm(forms.Form):
    person = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Outcome after the fair"), choices=OutcomeKind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)


class ParticipantForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Agent"), required=False)
    name = forms.CharField(
        label=_("Or the name of a partner's staff member"), max_length=200, required=False
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Their organisation"), required=False
    )

    def __init__(self, *args: Any, site: Site, agents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "user").queryset = agents
        model_choice_field(self.fields, "organisation").queryset = Organisation.objects.filter(
            country_id=site.country_id, deleted_at__isnull=True
        ).order_by("name")


class ScoreForm(forms.Form):
    attended = forms.BooleanField(label=_("Attended"), required=False)
    pre_score = forms.IntegerField(label=_("Pre-test"), min_value=0, max_value=100, required=False)
    post_score = forms.IntegerField(
        label=_("Post-test"), min_value=0, max_value=100, required=False
    )


# The counts grid
# =============================================================================================

# The sexes of the grid's columns; the others are asked below it, folded.
MAIN_SEXES = (Sex.FEMALE, Sex.MALE)


def cell_name(sex: str, band: str, disability: bool) -> str:
    return f"n-{sex}-{band}-{int(disability)}"


def counts_from_post(post: QueryDict, bands: AgeBands) -> Attendance:
    """The grid's cells as attendance (BadAttendance on a wrong count)."""
    items = [
        {
            "sex": sex,
            "age_band": band,
            "disability": disability,
            "count": post.get(cell_name(sex, band, disability), ""),
        }
        for sex in Sex.values
        for band in bands.codes()
        for disability in (False, True)
    ]
    return Attendance.parse(items, bands)


def _label(sex: str, disability: bool) -> str:
    if disability:
        return str(_("%(sex)s, with a disability") % {"sex": Sex(sex).label})
    return str(Sex(sex).label)


def grid_rows(
    attendance: Attendance, bands: AgeBands, post: QueryDict | None = None
) -> dict[str, Any]:
    """The grid as the template draws it: one line per age band; columns women, men, women
    with a disability, men with a disability; the other sexes in a second, folded grid."""

    def cells(sexes: tuple[str, ...], band: str) -> list[dict[str, Any]]:
        found = []
        for disability in (False, True):
            for sex in sexes:
                name = cell_name(sex, band, disability)
                value = (
                    post.get(name, "")
                    if post is not None
                    else attendance.count_of(sex, band, disability) or ""
                )
                found.append({"name": name, "value": value, "label": _label(sex, disability)})
        return found

    others = tuple(s for s in Sex.values if s not in MAIN_SEXES)
    return {
        "main": [{"band": b, "cells": cells(MAIN_SEXES, b)} for b in bands.codes()],
        "others": [{"band": b, "cells": cells(others, b)} for b in bands.codes()],
        "other_labels": [Sex(s).label for s in others],
        "others_counted": any(attendance.by_sex().get(s) for s in others),
    }
