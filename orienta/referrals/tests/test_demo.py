"""The demo's referrals load with the rest of the demo, in every state, with true stamps."""

from orienta.referrals.models import Referral, ReferralEvent, Status


def test_demo_referrals_in_every_state(demo_data):
    referrals = Referral.objects.all()
    assert referrals.count() >= 6 * 16
    assert set(referrals.values_list("status", flat=True)) == set(Status.values)
    for referral in referrals.select_related("person", "service__organisation", "site"):
        assert referral.person.site_id == referral.site_id
        assert referral.service.organisation.country_id == referral.site.country_id
        events = list(referral.events.order_by("at", "id").values_list("to_status", "at"))
        assert events[0] == ("sent", referral.sent_at)
        assert [at for _s, at in events] == sorted(at for _s, at in events)
        if referral.status == Status.SERVED:
            assert referral.served_at >= referral.sent_at
    months = {r.sent_at.strftime("%Y-%m") for r in referrals}
    assert len(months) >= 4
    assert ReferralEvent.objects.filter(actor="provider_link").exists()


def test_demo_metrics_read_as_months_of_work(demo_data):
    from orienta.core.models import User
    from orienta.referrals.queries import referral_metrics

    metrics = referral_metrics(User.objects.get(username="coordinator-td"))
    assert metrics["total"].sent > 0 and metrics["total"].served > 0
    assert metrics["total"].median_days and metrics["total"].median_days > 0
