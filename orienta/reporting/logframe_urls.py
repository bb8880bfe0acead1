"""The logframe's pages and the results' downloads (the dashboard's pages are in urls.py)."""

from django.urls import path

from orienta.reporting import exports_views, logframe_views

app_name = "logframe"

urlpatterns = [
    path("results/logframe/", logframe_views.tree, name="tree"),
    path("results/logframe/<str:code>/target/", logframe_views.target, name="target"),
    path("results/logframe/<str:code>/values/", logframe_views.values, name="values"),
    path("results/logframe/values/<uuid:pk>/correct/", logframe_views.correct, name="correct"),
    path("results/export.xlsx", exports_views.export_xlsx, name="export_xlsx"),
    path("results/export.csv", exports_views.export_csv, name="export_csv"),
    path("results/report.pdf", exports_views.report_pdf, name="report_pdf"),
]
