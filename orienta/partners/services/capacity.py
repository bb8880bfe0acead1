"""The OCA tool and its versions, the assessments of CSOs, and their capacity-development plan."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orienta.core.models import Organisation, User
from orienta.core.services import event_log
from orienta.lib.text import MESSAGE as BIDI_MESSAGE
from orienta.lib.text import has_bidi_controls
from orienta.partners import oca, oca_default
from orienta.partners.access import edits_oca_tools
from orienta.partners.models import (
    ActionStatus,
    Assessment,
    PlanAction,
    SupportType,
    Tool,
)
from orienta.partners.services.profiles import (
    PartnerRefused,
    _validated,
    check_editor,
    check_past,
    org_today,
)


class ToolUnchanged(PartnerRefused):
    default_message = gettext_lazy("Nothing changed: no new version was saved.")


def _parse(definition: Any) -> oca.Definition:
    try:
        return oca.parse(definition)
    except oca.DefinitionError as exc:
        raise PartnerRefused(str(exc)) from None


def current_tool() -> Tool | None:
    found: Tool | None = Tool.objects.current().filter(code=oca_default.CODE).first()
    return found


def tool_seed() -> Tool:
    """The first version of the tool, when there is none (the migration writes it; a test
    database emptied since gets it back)."""
    found = current_tool()
    if found is None:
        found = Tool.objects.create(
            code=oca_default.CODE, name=oca_default.NAME, definition=oca_default.definition()
        )
    return found


# The tool
# =============================================================================================


@transaction.atomic
def tool_revise(*, tool: Tool, name: str, definition: Any, by: User) -> Tool:
    """A new version of the tool; the one it replaces is retired, and the assessments made with
    it keep it (their scores and results are never recomputed)."""
    if not edits_oca_tools(by):
        raise PermissionDenied
    _parse(definition)
    locked = Tool.objects.select_for_update().get(pk=tool.pk)
    if locked.retired_at is not None:
        raise PartnerRefused(_("This version was replaced already: edit the current one."))
    name = name.strip() or locked.name
    if has_bidi_controls(name):
        raise PartnerRefused(str(BIDI_MESSAGE))
    if definition == locked.definition and name == locked.name:
        raise ToolUnchanged
    now = timezone.now()
    locked.retired_at = now
    locked.save(update_fields=["retired_at", *locked.touch(by=by, at=now)])
    new = Tool.objects.create(
        code=locked.code,
        revision=locked.revision + 1,
        name=name,
        definition=definition,
        created_by=by,
        updated_by=by,
    )
    event_log(actor=by, verb="oca_tool.revised", obj=new, data={"revision": new.revision})
    return new


# Assessments
# =============================================================================================


@transaction.atomic
def assessment_record(
    *,
    organisation: Organisation,
    tool: Tool,
    scores: dict[str, Any],
    by: User,
    assessed_on: date | None = None,
    facilitator: str = "",
    participants: int = 0,
    notes: str = "",
) -> Assessment:
    """Assess the CSO with the current version of the tool: each statement's consensus score
    (1–4) with its justification and evidence, and the participants' own scores if kept."""
    check_editor(by, organisation)
    if tool.retired_at is not None or tool.deleted_at is not None:
        raise PartnerRefused(_("Use the current version of the assessment tool."))
    definition = _parse(tool.definition)
    try:
        checked = oca.checked_scores(definition, scores)
    except oca.ScoresError as exc:
        raise PartnerRefused(str(exc)) from None
    if not 0 <= participants <= 500:
        raise PartnerRefused(_("Give the number of participants, from 0 to 500."))
    on = check_past(organisation, assessed_on)
    result = oca.score(definition, checked)
    assessment = Assessment(
        organisation=organisation,
        tool=tool,
        assessed_on=on,
        facilitator=facilitator.strip(),
        participants=participants,
        scores={code: s.as_json() for code, s in checked.items()},
        average=result.average,
        stage=result.stage,
        areas=result.areas_json(),
        notes=notes.strip(),
        created_by=by,
        updated_by=by,
    )
    _validated(assessment, ["organisation", "tool"])
    if any(has_bidi_controls(s.justification + s.evidence) for s in checked.values()):
        raise PartnerRefused(str(BIDI_MESSAGE))
    assessment.save()
    event_log(
        actor=by,
        verb="oca.recorded",
        obj=assessment,
        data={"average": str(result.average), "stage": result.stage, "tool": tool.revision},
    )
    return assessment


# The capacity-development plan
# =============================================================================================


def plan_areas(organisation: Organisation) -> list[oca.Area]:
    """The areas a plan action may be in: those of the tool of the CSO's latest assessment,
    else of the current tool."""
    latest = (
        Assessment.objects.filter(organisation=organisation, deleted_at__isnull=True)
        .select_related("tool")
        .order_by("-assessed_on", "-created_at")
        .first()
    )
    tool = latest.tool if latest else current_tool()
    return list(tool.parsed().areas) if tool else []


@transaction.atomic
def action_add(
    *,
    organisation: Organisation,
    area: str,
    description: str,
    support: str,
    responsible: str,
    due_on: date,
    by: User,
    assessment: Assessment | None = None,
) -> PlanAction:
    check_editor(by, organisation)
    if area not in {a.code for a in plan_areas(organisation)}:
        raise PartnerRefused(_("Choose an area of the assessment tool."))
    if support not in SupportType.values:
        raise PartnerRefused(_("Choose a type of support of the list."))
    if not description.strip() or not responsible.strip():
        raise PartnerRefused(_("Say what the action is and who is responsible for it."))
    if assessment is not None and assessment.organisation_id != organisation.pk:
        raise PartnerRefused(_("Choose an assessment of this organisation."))
    action = PlanAction(
        organisation=organisation,
        assessment=assessment,
        area=area,
        description=description.strip(),
        support=support,
        responsible=responsible.strip(),
        due_on=due_on,
        created_by=by,
        updated_by=by,
    )
    _validated(action, ["organisation", "assessment"])
    action.save()
    event_log(actor=by, verb="cso_action.added", obj=action, data={"support": support})
    return action


@transaction.atomic
def action_set_status(
    *, action: PlanAction, status: str, by: User, done_on: date | None = None
) -> PlanAction:
    """Move an action along; "done" takes the day it was done (today unless said)."""
    check_editor(by, action.organisation)
    if status not in ActionStatus.values:
        raise PartnerRefused(_("Choose a status of the list."))
    locked = PlanAction.objects.select_for_update().get(pk=action.pk)
    if status == ActionStatus.DONE:
        locked.done_on = check_past(action.organisation, done_on or org_today(action.organisation))
    else:
        locked.done_on = None
    locked.status = status
    locked.save(update_fields=["status", "done_on", *locked.touch(by=by)])
    event_log(actor=by, verb="cso_action.status", obj=locked, data={"status": status})
    return locked
