"""The logframe's structure and the DHIS2 mapping, edited in the admin by administrators.

Targets and values entered by hand are shown read-only: they are set on the logframe's pages
(`/results/logframe/`), through the services that check the scope and keep the history.
"""

from django.contrib import admin

from orienta.reporting.models import (
    Dhis2DataElement,
    Dhis2OrgUnit,
    HandValue,
    LogframeIndicator,
    Objective,
    Result,
    Target,
)


class Authored(admin.ModelAdmin):
    """Records who made and changed a row, and counts its versions."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.touch(by=request.user)
        else:
            obj.created_by = obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class ResultInline(admin.TabularInline):
    model = Result
    extra = 0
    fields = ["code", "kind", "statement_fr", "statement_pt", "statement_en", "position"]


class IndicatorInline(admin.StackedInline):
    model = LogframeIndicator
    extra = 0
    fields = [
        "code",
        "indicator_code",
        ("name_fr", "name_pt", "name_en"),
        "unit",
        "position",
    ]


@admin.register(Objective)
class ObjectiveAdmin(Authored):
    list_display = ["code", "level", "statement_fr", "position"]
    inlines = [ResultInline]


@admin.register(Result)
class ResultAdmin(Authored):
    list_display = ["code", "objective", "kind", "statement_fr", "position"]
    list_filter = ["kind", "objective"]
    inlines = [IndicatorInline]


@admin.register(LogframeIndicator)
class LogframeIndicatorAdmin(Authored):
    list_display = ["code", "result", "indicator_code", "name_fr", "unit", "position"]
    list_filter = ["result"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(ReadOnly):
    list_display = ["indicator", "year", "country", "site", "baseline", "target", "version"]
    list_filter = ["year", "country"]


@admin.register(HandValue)
class HandValueAdmin(ReadOnly):
    list_display = ["indicator", "period", "country", "site", "value", "source", "created_at"]
    list_filter = ["country"]


@admin.register(Dhis2DataElement)
class Dhis2DataElementAdmin(Authored):
    list_display = [
        "indicator_code",
        "dimensions",
        "data_element",
        "category_option_combo",
        "attribute_option_combo",
    ]
    search_fields = ["indicator_code", "data_element"]


@admin.register(Dhis2OrgUnit)
class Dhis2OrgUnitAdmin(Authored):
    list_display = ["country", "site", "org_unit"]
    list_filter = ["country"]
