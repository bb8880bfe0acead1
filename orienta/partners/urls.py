from django.urls import path

from orienta.partners import views, views_funding

app_name = "partners"
urlpatterns = [
    path("partners/", views.cso_list, name="list"),
    path("partners/new/", views.register, name="register"),
    path("partners/tool/", views.current_tool, name="current_tool"),
    path("partners/tools/<uuid:pk>/", views.tool, name="tool"),
    path("partners/export/<slug:kind>.xlsx", views.export, name="export"),
    path("partners/<uuid:pk>/", views.detail, name="detail"),
    path("partners/<uuid:pk>/edit/", views.edit, name="edit"),
    path("partners/<uuid:pk>/contacts/", views.contact_add, name="contact_add"),
    path("partners/<uuid:pk>/documents/", views.document_add, name="document_add"),
    path("partners/<uuid:pk>/assess/", views.assess, name="assess"),
    path("partners/<uuid:pk>/actions/", views.action_add, name="action_add"),
    path("partners/<uuid:pk>/grants/new/", views_funding.grant_add, name="grant_add"),
    path(
        "partners/<uuid:pk>/applications/new/",
        views_funding.application_add,
        name="application_add",
    ),
    path("partners/contacts/<uuid:pk>/remove/", views.contact_remove, name="contact_remove"),
    path("partners/documents/<uuid:pk>/", views.document, name="document"),
    path("partners/assessments/<uuid:pk>/", views.assessment, name="assessment"),
    path("partners/actions/<uuid:pk>/status/", views.action_status, name="action_status"),
    path("partners/grants/<uuid:pk>/", views_funding.grant, name="grant"),
    path("partners/grants/<uuid:pk>/tranches/", views_funding.tranche_add, name="tranche_add"),
    path("partners/grants/<uuid:pk>/reports/", views_funding.report_add, name="report_add"),
    path(
        "partners/tranches/<uuid:pk>/release/",
        views_funding.tranche_release,
        name="tranche_release",
    ),
    path(
        "partners/reports/<uuid:pk>/received/",
        views_funding.report_received,
        name="report_received",
    ),
    path(
        "partners/applications/<uuid:pk>/",
        views_funding.application_edit,
        name="application_edit",
    ),
]
