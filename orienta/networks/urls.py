from django.urls import path

from orienta.networks import views

app_name = "networks"
urlpatterns = [
    path("resources/", views.resources, name="resources"),
    path("resources/export.xlsx", views.resources_export, name="resources_export"),
    path("resources/documents/new/", views.document_new, name="document_new"),
    path("resources/documents/<uuid:pk>/file", views.document_file, name="document_file"),
    path("resources/documents/<uuid:pk>/edit/", views.document_edit, name="document_edit"),
    path("resources/documents/<uuid:pk>/remove/", views.document_remove, name="document_remove"),
    path("resources/support/new/", views.support_new, name="support_new"),
    path("resources/support/<uuid:pk>/", views.support, name="support"),
    path(
        "resources/support/<uuid:pk>/participants/",
        views.participant_add,
        name="participant_add",
    ),
    path("gtps/", views.gtps, name="gtps"),
    path("gtps/export.xlsx", views.gtps_export, name="gtps_export"),
    path("gtps/new/", views.group_new, name="group_new"),
    path("gtps/<uuid:pk>/", views.group, name="group"),
    path("gtps/<uuid:pk>/edit/", views.group_edit, name="group_edit"),
    path("gtps/<uuid:pk>/remove/", views.group_remove, name="group_remove"),
    path("gtps/<uuid:pk>/members/", views.member_add, name="member_add"),
    path("gtps/members/<uuid:pk>/edit/", views.member_edit, name="member_edit"),
    path("gtps/members/<uuid:pk>/remove/", views.member_remove, name="member_remove"),
    path("gtps/<uuid:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("gtps/<uuid:pk>/actions/new/", views.action_new, name="action_new"),
    path("gtps/meetings/<uuid:pk>/", views.meeting, name="meeting"),
    path("gtps/meetings/<uuid:pk>/record/", views.meeting_record, name="meeting_record"),
    path("gtps/actions/<uuid:pk>/", views.action, name="action"),
    path("gtps/actions/<uuid:pk>/update/", views.action_update, name="action_update"),
    path("diagnostics/", views.diagnostics, name="diagnostics"),
    path("diagnostics/new/", views.study_new, name="study_new"),
    path("diagnostics/<uuid:pk>/", views.study, name="study"),
    path("diagnostics/<uuid:pk>/import/", views.study_import, name="study_import"),
    path("diagnostics/<uuid:pk>/publish/", views.study_publish, name="study_publish"),
    path("diagnostics/<uuid:pk>/tables.xlsx", views.study_export, name="study_export"),
    path("diagnostics/<uuid:pk>/report/", views.study_report, name="study_report"),
    path("diagnostics/<uuid:pk>/report.pdf", views.study_report_file, name="study_report_file"),
]
