"""What a referral's slip says of the support fund (see `orienta.referrals.access`)."""

from orienta.fund.queries import referral_fund_status


def fund_status(referral) -> str | None:
    """The status of the latest fund request for the referral's fee, None when there is none."""
    return referral_fund_status(referral)
