"""What the referral pages and the API share: the access-log entries of reading, sending and
printing a referral, and the slip as an answer. (A referral out of scope is refused by
`queries.referral_for`, whose OutOfScope the audit middleware logs.)"""

from django.http import HttpResponse

from orienta.audit.models import Action
from orienta.audit.services import access_log_read, access_log_record
from orienta.audit.services import channel_of as log_channel
from orienta.referrals import services
from orienta.referrals.forms import SlipForm

OBJECT = "referral"


def log_read(request, referral) -> None:
    access_log_read(request, referral.person, object_type=OBJECT, object_id=referral.pk)


def log_send(request, referral) -> None:
    """The person's data (the fields chosen) leaves for a partner: an export in the log."""
    basis = (
        f"override: {referral.consent_override_reason}"
        if referral.consent_override_reason
        else "consent"
    )
    access_log_record(
        request=request,
        action=Action.EXPORT,
        channel=log_channel(request),
        object_type=OBJECT,
        object_id=referral.pk,
        person_id=referral.person_id,
        site_id=referral.site_id,
        query=f"to {referral.service.name}; shared: {','.join(referral.shared_fields)}; {basis}",
    )


def slip_response(request, referral) -> HttpResponse:
    # The slip's module draws with fpdf2: loaded when a slip is printed, not by every process.
    from orienta.referrals.slip import confirmation_url, fund_status, slip_pdf

    form = SlipForm(request.GET)
    language = form.cleaned_data["lang"] if form.is_valid() else ""
    language = language or referral.site.country.language
    link = services.link_for(referral=referral, by=request.user)
    data = slip_pdf(
        referral,
        language=language,
        url=confirmation_url(link.token, request),
        fund_status=fund_status(referral),
    )
    access_log_record(
        request=request,
        action=Action.PRINT,
        channel=log_channel(request),
        object_type=OBJECT,
        object_id=referral.pk,
        person_id=referral.person_id,
        site_id=referral.site_id,
        query=f"slip lang={language}",
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="referral-{referral.code}.pdf"'
    return response
