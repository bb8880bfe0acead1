from django.contrib import admin

from orienta.frontdesk.models import Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_pt", "name_en", "position", "active"]
    list_editable = ["position", "active"]
