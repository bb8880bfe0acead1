"""Referrals for the tests of this and other apps, made through the services."""

from orienta.people.queries import person_may_be_shared
from orienta.people.rights import consent_give
from orienta.referrals.models import Referral, SharedField
from orienta.referrals.services import referral_send


def make_referral(person, service, by, **kw) -> Referral:
    """A referral sent by `by` (site staff of the person's site, or of `site`). The person's
    consent to sharing is taken as recorded unless `consent_override_reason` is given."""
    site = kw.pop("site", None) or person.site
    if not kw.get("consent_override_reason"):
        _ensure_sharing_consent(person, by)
    return referral_send(
        by=by,
        person=person,
        service=service,
        site=site,
        reason=kw.pop("reason", "Needs a birth certificate to enrol at school."),
        urgency=kw.pop("urgency", "routine"),
        shared_fields=kw.pop("shared_fields", (SharedField.GIVEN_NAME, SharedField.FAMILY_NAME)),
        **kw,
    )


def _ensure_sharing_consent(person, by) -> None:
    if person_may_be_shared(person):
        return
    consent_give(person=person, purpose="processing", by=by)
    consent_give(person=person, purpose="sharing", by=by)
