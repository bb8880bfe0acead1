"""Configuration for administrators: countries, areas, organisations, sites, themes (users:
the accounts app, which ends their sessions when they are deactivated).

Personal records (persons, households, visits) are deliberately not in the admin: an
administrator manages accounts and settings, and does not read who came or why.
"""

from typing import cast

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core import retention
from orienta.core.models import Area, Country, Organisation, RetentionPeriod, Site, Theme

admin.site.site_header = "Orienta"
admin.site.site_title = "Orienta"


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "currency", "language", "timezone", "phone_prefix"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "country"]
    list_filter = ["country", "level"]
    search_fields = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "phone", "email"]
    list_filter = ["country", "kind"]
    search_fields = ["name"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "area", "organisation", "timezone"]
    list_filter = ["country"]
    search_fields = ["code", "name"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_pt", "name_en", "position", "active"]
    list_editable = ["position", "active"]


class RetentionPeriodForm(forms.ModelForm):
    class Meta:
        model = RetentionPeriod
        fields = ["kind", "days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label=_("kind of record"), choices=retention.rule_choices()
        )
        cast(forms.IntegerField, self.fields["days"]).min_value = 1
        self.fields["days"].widget.attrs["min"] = 1


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    """How long each kind of record is kept (orienta/core/retention.py); every kind is listed,
    at its default until changed."""

    form = RetentionPeriodForm
    list_display = ["kind_label", "days", "default_days", "last_run_at", "last_count"]
    readonly_fields = ["last_run_at", "last_count"]

    @admin.display(description=_("kind of record"))
    def kind_label(self, obj):
        return dict(retention.rule_choices()).get(obj.kind, obj.kind)

    @admin.display(description=_("default days"))
    def default_days(self, obj):
        return {r.kind: r.default_days for r in retention.rules()}.get(obj.kind)

    def changelist_view(self, request, extra_context=None):
        retention.periods_ensure()
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
