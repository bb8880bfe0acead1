"""The curricula agents are trained in: configuration, edited by administrators. Activities,
their counts and participants are written on the pages, through the services."""

from django.contrib import admin

from orienta.outreach.models import Curriculum


@admin.register(Curriculum)
class CurriculumAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "kind", "hours")
    list_filter = ("kind",)
    search_fields = ("code", "title")

    def save_model(self, request, obj, form, change):
        if change:
            obj.touch(by=request.user)
        else:
            obj.created_by = obj.updated_by = request.user
        super().save_model(request, obj, form, change)
