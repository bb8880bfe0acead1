from django.urls import path

from orienta.fund import views, views_reports

app_name = "fund"
urlpatterns = [
    path("fund/", views.home, name="home"),
    path("fund/queue/", views.queue, name="queue"),
    path("fund/requests/new/", views.request_new, name="request_new"),
    path("fund/requests/<uuid:pk>/", views.detail, name="request"),
    path("fund/requests/<uuid:pk>/approve/", views.approve, name="approve"),
    path("fund/requests/<uuid:pk>/reject/", views.reject, name="reject"),
    path("fund/requests/<uuid:pk>/cancel/", views.cancel, name="cancel"),
    path("fund/requests/<uuid:pk>/pay/", views.pay, name="pay"),
    path("fund/requests/<uuid:pk>/reverse/", views.reverse, name="reverse"),
    path("fund/requests/<uuid:pk>/receipt/", views.receipt, name="receipt"),
    path("fund/sites/", views_reports.positions, name="positions"),
    path("fund/sites/<str:code>/", views_reports.site, name="site"),
    path("fund/allocations/", views_reports.allocations, name="allocations"),
    path("fund/periods/new/", views_reports.period_new, name="period_new"),
    path("fund/statements/", views_reports.statements, name="statements"),
    path(
        "fund/statements/<uuid:provider>/<uuid:period>/",
        views_reports.statement,
        name="statement",
    ),
    path("fund/report/", views_reports.report, name="report"),
    path("fund/export/", views_reports.export, name="export"),
]
