"""Users in the admin: their role and scope, and deactivation, which ends their sessions."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from orienta.accounts.services import user_deactivate
from orienta.core.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "country", "is_active"]
    list_filter = ["role", "country", "is_active"]
    filter_horizontal = ["sites", "groups", "user_permissions"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Role and scope"), {"fields": ("role", "sites", "country", "organisation", "language")}),
    )
    actions = ["deactivate"]

    def save_model(self, request, obj: User, form: forms.ModelForm[User], change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Unticking "active" signs the user out everywhere and revokes their API tokens.
            user_deactivate(obj, by=request.user)

    @admin.action(description=_("Deactivate the selected users and end their sessions"))
    def deactivate(self, request, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            user_deactivate(user, by=request.user)
        count = len(users)
        self.message_user(
            request,
            ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", count)
            % {"count": count},
        )
