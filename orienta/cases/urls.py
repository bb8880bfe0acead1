from django.urls import path

from orienta.cases import views

app_name = "cases"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("worklist/settings/<str:code>/", views.site_settings, name="site_settings"),
    path("worklist/<slug:section>/", views.worklist_section, name="worklist_section"),
    path("cases/", views.case_list, name="list"),
    path("cases/new/", views.case_new, name="new"),
    path("cases/break-glass/", views.break_glass, name="break_glass"),
    path("cases/<uuid:pk>/", views.case_detail, name="detail"),
    path("cases/<uuid:pk>/edit/", views.case_edit, name="edit"),
    path("cases/<uuid:pk>/start/", views.case_start, name="start"),
    path("cases/<uuid:pk>/close/", views.case_close, name="close"),
    path("cases/<uuid:pk>/reopen/", views.case_reopen, name="reopen"),
    path("cases/<uuid:pk>/reassign/", views.case_reassign, name="reassign"),
    path(
        "cases/<uuid:pk>/unmark-sensitive/",
        views.case_unmark_sensitive,
        name="unmark_sensitive",
    ),
    path("cases/<uuid:pk>/actions/", views.action_add, name="action_add"),
    path("cases/<uuid:pk>/follow-ups/", views.followup_add, name="followup_add"),
    path("cases/<uuid:pk>/follow-ups/plan/", views.followup_plan, name="followup_plan"),
    path("cases/actions/<uuid:pk>/status/", views.action_status, name="action_status"),
    path("cases/follow-ups/<uuid:pk>/cancel/", views.followup_cancel, name="followup_cancel"),
]
