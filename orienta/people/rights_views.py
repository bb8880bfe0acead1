"""Pages of the people's rights: the consent history, the export of everything held on a
person, and the erasure. The small forms they use live here too."""

import json
import re
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orienta.accounts.reauth import require_recent_auth
from orienta.audit.exports import export_create, keep_days, link_minutes
from orienta.audit.services import access_log_read
from orienta.core.access import can_read_persons, can_record, coordinates_country
from orienta.core.services import StaleEdit
from orienta.core.types import AuthedRequest
from orienta.people import queries, rights
from orienta.people.models import ConsentPurpose, Person

REASON_MAX = 500


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("Consent to"), choices=ConsentPurpose.choices, widget=forms.RadioSelect
    )
    given = forms.TypedChoiceField(
        label=gettext_lazy("The person"),
        choices=[
            ("0", gettext_lazy("withdraws this consent")),
            ("1", gettext_lazy("gives this consent (again)")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=REASON_MAX,
        help_text=gettext_lazy("How the person said it, e.g. in person, by phone, in writing."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    """A stated reason, which is kept: it must not name the person."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_MAX,
        help_text=gettext_lazy(
            "Who asked, when and how. It is kept in the log: do not write the person's name "
            "or phone."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reason.")},
    )

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        strings = rights.identity_strings(self.person) - {self.person.code}
        for text in strings:
            if re.search(rf"(?<!\w){re.escape(text)}(?!\w)", reason, re.IGNORECASE):
                raise ValidationError(
                    _("Do not write the person's name or phone in the reason: it is kept."),
                    code="names_the_person",
                )
        return reason


class ExportForm(ReasonForm):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("pdf", gettext_lazy("PDF, to print or hand over")),
            ("json", gettext_lazy("JSON, for another system")),
        ],
        initial="pdf",
        widget=forms.RadioSelect,
    )


class EraseForm(ReasonForm):
    confirm = forms.CharField(label=gettext_lazy("Code of the person, to confirm"), max_length=24)

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip().upper()
        if typed != self.person.code:
            raise ValidationError(
                _("Type the person's code, %(code)s, to confirm.") % {"code": self.person.code},
                code="wrong_code",
            )
        return typed


def _person_in_scope(request: AuthedRequest, pk: UUID) -> Person:
    if not can_read_persons(request.user):
        raise PermissionDenied
    return queries.person_for(request.user, pk)


def _coordinator_person(request: AuthedRequest, pk: UUID) -> Person:
    """Exports and erasures: the coordinator of the person's country only (403, then 404).

    Checked before the password is asked again, so no one else is sent to confirm it.
    """
    if not coordinates_country(request.user):
        raise PermissionDenied
    return queries.person_for(request.user, pk)


@login_required
def consent(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The consent history; the site's staff record a withdrawal or a renewed consent."""
    person = _person_in_scope(request, pk)
    if str(person.pk) != str(pk):
        return redirect("people:consent", pk=person.pk)
    access_log_read(request, person)
    back = _local_url(request, request.POST.get("next") or request.GET.get("next"))
    form = ConsentForm(request.POST or None, initial=_consent_initial(person) if back else None)
    if request.method == "POST":
        if not can_record(request.user):
            raise PermissionDenied
        if form.is_valid() and _consent_change(request, person, form):
            if back and queries.person_may_be_shared(person):
                return redirect(back)  # on with the referral that asked for it
            url = reverse("people:consent", args=[person.pk])
            return redirect(f"{url}?{urlencode({'next': back})}" if back else url)
    history = queries.consent_history(person)
    context = {
        "person": person,
        "form": form,
        "history": history,
        "states": queries.consent_states(person, history),
        "may_be_shared": queries.person_may_be_shared(person),
        "next": back,
    }
    status = 422 if form.errors else 200
    return render(request, "people/consent.html", context, status=status)


def _local_url(request: AuthedRequest, url: str | None) -> str:
    """`url` if it leads to a page of this site (where to go back to), else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, {request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _consent_initial(person: Person) -> dict:
    """Asked from a referral: the consent it lacks, given, is what the agent will record."""
    missing = ConsentPurpose.PROCESSING if not person.consent_processing else ConsentPurpose.SHARING
    return {"purpose": missing, "given": "1"}


def _consent_change(request: AuthedRequest, person: Person, form: Form) -> bool:
    data = form.cleaned_data
    service = rights.consent_give if data["given"] else rights.consent_withdraw
    try:
        events = service(person=person, purpose=data["purpose"], by=request.user, note=data["note"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    except StaleEdit:
        form.add_error(None, _("This record changed in the meantime; look again and retry."))
        return False
    if not events:
        form.add_error(None, _("Nothing to record: the consent is already in this state."))
        return False
    messages.success(request, _("The consent is recorded."))
    return True


@login_required
def export(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """A copy of everything held on the person, for the coordinator who states why: made as a
    file for them alone, stored encrypted, downloadable for a few minutes."""
    return _export(request, _coordinator_person(request, pk))


@require_recent_auth
def _export(request: AuthedRequest, person: Person) -> HttpResponse:
    form = ExportForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        reason, fmt = form.cleaned_data["reason"], form.cleaned_data["format"]
        data = rights.person_export(person=person, by=request.user, reason=reason)
        if fmt == "pdf":
            # Drawn with fpdf2: loaded when a PDF is asked for, not by every process.
            from orienta.people.rights_pdf import person_export_pdf

            body, content_type = person_export_pdf(data), "application/pdf"
        else:
            text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
            body, content_type = text.encode(), "application/json; charset=utf-8"
        item = export_create(
            by=request.user,
            reason=reason,
            filename=f"{person.code}-{timezone.localdate():%Y%m%d}.{fmt}",
            content_type=content_type,
            data=body,
            person=person,
            request=request,
        )
        return redirect(item)
    access_log_read(request, person)
    status = 422 if form.errors else 200
    context = {"person": person, "form": form, "link_minutes": link_minutes()}
    context["keep_days"] = keep_days()
    return render(request, "people/export.html", context, status=status)


@login_required
def erase(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """Anonymise the person, after a reason and the person's code typed as confirmation."""
    return _erase(request, _coordinator_person(request, pk))


@require_recent_auth
def _erase(request: AuthedRequest, person: Person) -> HttpResponse:
    form = EraseForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        rights.person_erase(person=person, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _(
                "The record is anonymised. Its visits still count in the figures, with nothing "
                "left that names the person."
            ),
        )
        return redirect("people:search")
    access_log_read(request, person)
    status = 422 if form.errors else 200
    return render(request, "people/erase.html", {"person": person, "form": form}, status=status)
