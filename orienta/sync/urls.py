from django.urls import path

from orienta.sync import views

app_name = "sync"
urlpatterns = [
    path("sync/", views.status, name="status"),
    path("sync/nodes/", views.nodes, name="nodes"),
    path("sync/nodes/<uuid:pk>/revoke/", views.node_revoke, name="node_revoke"),
    path("sync/nodes/<uuid:pk>/allowance/", views.node_allowance, name="node_allowance"),
    path("sync/conflicts/", views.conflicts, name="conflicts"),
    path("sync/conflicts/<uuid:pk>/", views.conflict_resolve, name="conflict_resolve"),
]
