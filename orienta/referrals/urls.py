from django.urls import path

from orienta.referrals import provider_views, views

app_name = "referrals"
urlpatterns = [
    path("referrals/", views.referral_list, name="list"),
    path("referrals/new/", views.referral_new, name="new"),
    path("referrals/metrics/", views.metrics, name="metrics"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="detail"),
    path("referrals/<uuid:pk>/answer/", views.referral_answer, name="answer"),
    path("referrals/<uuid:pk>/slip.pdf", views.referral_slip, name="slip"),
    path("referrals/<uuid:pk>/link/revoke/", views.link_revoke, name="link_revoke"),
    path("r/<str:token>/", provider_views.confirm, name="confirm"),
    path("provider/referrals/", provider_views.provider_list, name="provider_list"),
    path("provider/referrals/<uuid:pk>/", provider_views.provider_detail, name="provider_detail"),
]
