"""What every kind of import shares: Orienta's fields a form fills, the context of a check or
an import, the problems found (each with its file, line and column), and the registry's
duplicate check for the persons a form names."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orienta.core.models import Site, User
from orienta.imports.readers import Row, Submission
from orienta.imports.values import BadValue, read_date, read_int, read_sex
from orienta.people.forms import PersonForm
from orienta.people.matching import MATCH_THRESHOLD, Identity, MatchResult, compare
from orienta.people.models import MigrationStatus, Person
from orienta.people.queries import person_candidates
from orienta.people.services import identity_of, person_open_existing, person_register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NEW = "new"


@dataclass(frozen=True)
class Field:
    """An Orienta field a form's column may fill. `repeat`: read from the rows of a repeat
    group (household members, attendance); `names`: XLSForm names guessed for it."""

    name: str
    label: "StrOrPromise"
    required: bool = False
    repeat: bool = False
    names: tuple[str, ...] = ()
    help: "StrOrPromise" = ""


SITE = Field(
    "site",
    gettext_lazy("Site code"),
    names=("site", "site_code", "biosp"),
    help=gettext_lazy("When the form asks for it: every line must be this import's site."),
)


@dataclass
class Problem:
    table: str
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class LookAlike:
    """A person of the file who resembles persons of the registry: the user decides."""

    key: str
    table: str
    line: int
    name: str
    candidates: list[tuple[Person, MatchResult]]
    chosen: str = ""  # the user's decision, shown again when the import is refused


@dataclass
class Prepared:
    """A submission read and checked, ready to be written."""

    submission: Submission
    data: Any
    preview: list[str]
    lookalikes: list[LookAlike] = field(default_factory=list)


@dataclass
class Context:
    site: Site
    user: User
    mapping: dict[str, str]
    options: dict[str, Any]
    # The user's choice for each look-alike ("new" or a person's id); None in a dry run.
    decisions: dict[str, str] | None = None
    problems: list[Problem] = field(default_factory=list)
    # Persons of the file that resemble an earlier one of the same file (shown, not refused).
    warnings: list[Problem] = field(default_factory=list)
    named: list[tuple[Row, Identity]] = field(default_factory=list)

    @property
    def final(self) -> bool:
        return self.decisions is not None

    def raw(self, row: Row, name: str) -> str:
        column = self.mapping.get(name, "")
        return row.get(column).strip() if column else ""

    def problem(self, row: Row, name: str, message: str) -> None:
        self.problems.append(Problem(row.table, row.line, self.mapping.get(name, ""), message))

    def read(self, row: Row, name: str, reader: Any, *args: Any) -> Any:
        """The cell of field `name` read by `reader`; None (and a problem) when it cannot be."""
        try:
            return reader(self.raw(row, name), *args)
        except BadValue as exc:
            self.problem(row, name, exc.message)
            return None

    def require(self, row: Row, field_: Field) -> str:
        value = self.raw(row, field_.name)
        if not value:
            self.problem(row, field_.name, _("“%(field)s” is missing.") % {"field": field_.label})
        return value

    def check_site(self, row: Row) -> None:
        code = self.raw(row, SITE.name)
        if code and code.upper() != self.site.code:
            self.problem(
                row,
                SITE.name,
                _("This line is for the site %(code)s, not %(site)s: it cannot be imported here.")
                % {"code": code[:24], "site": self.site.code},
            )

    def refusal(self, row: Row, exc: Exception) -> None:
        """A service's refusal of the line (its column when the message names a field)."""
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                for message in errors:
                    self.problem(row, name, message)
            return
        message = getattr(exc, "message", "") or "; ".join(getattr(exc, "messages", [])) or str(exc)
        self.problems.append(Problem(row.table, row.line, "", str(message)))


# Persons named by a form
# =============================================================================================

PERSON_FIELDS = ("given_name", "family_name", "sex", "birth_date", "age", "phone")


def person_fields(prefix: str = "", *, repeat: bool = False, required: bool = True) -> list[Field]:
    """The identity fields of a person (a member's, read from a repeat group, with `prefix`)."""
    names = {
        "given_name": ("given_name", "prenom", "prenoms", "first_name", "nome"),
        "family_name": ("family_name", "nom", "last_name", "surname", "apelido"),
        "sex": ("sex", "sexe", "sexo", "gender"),
        "birth_date": ("birth_date", "date_naissance", "dob", "data_nascimento"),
        "age": ("age", "idade"),
        "phone": ("phone", "telephone", "tel", "telefone"),
    }
    labels = {
        "given_name": gettext_lazy("Given name(s)"),
        "family_name": gettext_lazy("Family name"),
        "sex": gettext_lazy("Sex"),
        "birth_date": gettext_lazy("Date of birth"),
        "age": gettext_lazy("Age in years (when the date of birth is not known)"),
        "phone": gettext_lazy("Phone"),
    }
    needed = {"given_name", "family_name", "sex"} if required else set()
    return [
        Field(
            prefix + name,
            labels[name],
            required=name in needed,
            repeat=repeat,
            names=tuple(prefix + n for n in names[name]) if prefix else names[name],
        )
        for name in PERSON_FIELDS
    ]


def person_data(
    ctx: Context, row: Row, prefix: str = "", extra: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """The person's data checked as the registration form checks it; None with problems."""
    sex = ctx.read(row, prefix + "sex", read_sex)
    birth = ctx.raw(row, prefix + "birth_date")
    age = ctx.read(row, prefix + "age", lambda raw: read_int(raw, high=120))
    if birth and age is not None:
        age = None  # a form may compute the age from the date: the date wins
    if birth:
        day = ctx.read(row, prefix + "birth_date", read_date)
        birth = day.isoformat() if day else ""
    data = {
        "given_name": ctx.raw(row, prefix + "given_name"),
        "family_name": ctx.raw(row, prefix + "family_name"),
        "sex": sex or "",
        "birth_date": birth,
        "estimated_age": "" if age is None else str(age),
        "phone": ctx.raw(row, prefix + "phone"),
        "migration_status": MigrationStatus.NATIONAL,
        **(extra or {}),
    }
    before = len(ctx.problems)
    form = PersonForm(data, country=ctx.site.country)
    if not form.is_valid():
        for name, errors in form.errors.items():
            target = prefix + ("age" if name == "estimated_age" else name)
            for message in errors:
                ctx.problem(row, target, str(message))
    if len(ctx.problems) > before:
        return None
    return dict(form.cleaned_data)


def look_alike(ctx: Context, row: Row, data: dict[str, Any]) -> LookAlike | None:
    """The persons of the registry the user may see who resemble this one, if any; a person
    resembling an earlier one of the file is noted in `ctx.warnings`."""
    _same_file(ctx, row, data)
    found = person_candidates(ctx.user, data)
    if not found:
        return None
    name = f"{data['given_name']} {data['family_name']}"
    return LookAlike(f"{row.table}:{row.line}", row.table, row.line, name, found)


def _same_file(ctx: Context, row: Row, data: dict[str, Any]) -> None:
    ident, today = identity_of(data), timezone.localdate()
    for earlier, other in ctx.named:
        if compare(ident, other, today=today).score >= MATCH_THRESHOLD:
            message = _(
                "This person resembles the one of %(table)s, line %(line)s: both will be "
                "registered unless one of the lines is removed."
            ) % {"table": earlier.table, "line": earlier.line}
            ctx.warnings.append(Problem(row.table, row.line, "", message))
            break
    ctx.named.append((row, ident))


def person_resolve(
    ctx: Context, row: Row, data: dict[str, Any], alike: LookAlike | None
) -> tuple[Person, bool] | None:
    """The person of the line: a new one registered, or the existing one the user chose among
    the look-alikes. (person, linked); None (and a problem) when the user has not decided."""
    candidates = alike.candidates if alike else []
    choice = (ctx.decisions or {}).get(alike.key, "") if alike else NEW
    if alike:
        alike.chosen = choice
    if alike and not choice:
        if ctx.final:
            ctx.problems.append(
                Problem(
                    row.table,
                    row.line,
                    "",
                    # No name here: the log keeps the errors, and erasure cannot reach them.
                    _(
                        "Say whether the person of this line is one of the persons listed "
                        "or a new person."
                    ),
                )
            )
            return None
        choice = NEW  # the dry run checks the line as if it were new
    if choice == NEW:
        person = person_register(
            site=ctx.site, data=data, by=ctx.user, candidates=candidates or None
        )
        return person, False
    chosen = next((p for p, _r in candidates if str(p.pk) == choice), None)
    if chosen is None:
        ctx.problems.append(
            Problem(row.table, row.line, "", _("Choose one of the persons listed, or a new one."))
        )
        return None
    query = {k: data.get(k) or "" for k in ("given_name", "family_name", "birth_date", "phone")}
    person_open_existing(person=chosen, by=ctx.user, query=query)
    return chosen, True


def created(kind: str, obj: Any, *, linked: bool = False, code: str = "") -> dict[str, Any]:
    return {
        "type": kind,
        "id": str(obj.pk),
        "code": code or getattr(obj, "code", ""),
        "linked": linked,
    }


class Target:
    """One kind of record a form fills."""

    kind = ""

    def fields(self, site: Site, options: dict[str, Any]) -> list[Field]:
        raise NotImplementedError

    def prepare(self, ctx: Context, submission: Submission) -> Prepared | None:
        raise NotImplementedError

    def write(self, ctx: Context, prepared: Prepared) -> list[dict[str, Any]] | None:
        raise NotImplementedError
