"""Reads on the registry: search, duplicate candidates, access helpers."""

import math
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.utils import timezone

from orienta.core.scoping import personal_site_filter
from orienta.core.types import AnyUser
from orienta.lib.errors import OutOfScope
from orienta.people import matching
from orienta.people.models import (
    CONSENT_FIELDS,
    ConsentEvent,
    HouseholdMember,
    Person,
    PersonMatchKey,
)

# The persons scored in full by a duplicate search, among those sharing a match key.
CANDIDATE_POOL = 200
# A key shared by one person weighs log(RARITY_BASE), by RARITY_BASE / 10 persons log(10).
RARITY_BASE = 100_000
# How closely a look-alike's names must fit the name typed in the search box: each typed word
# must be found among the person's names at least this well (0..1, spelling variants forgiven;
# one typo in a word of four letters or more scores 0.9).
SEARCH_THRESHOLD = 0.85


def person_for(user: AnyUser, pk: UUID | str) -> Person:
    """The person with this id (or a merged id leading to it), in the user's scope, else 404."""
    person = (
        Person.objects.filter(personal_site_filter(user), pk=pk)
        .select_related("site", "site__country", "area", "merged_into")
        .first()
    )
    for _hop in range(5):
        if person is None:
            raise OutOfScope("person", pk, person_id=pk)
        if person.merged_into_id is None:
            if person.deleted_at is not None or person.erased_at is not None:
                raise OutOfScope("person", pk, person_id=pk)
            return person
        person = (
            Person.objects.filter(personal_site_filter(user), pk=person.merged_into_id)
            .select_related("site", "site__country", "area", "merged_into")
            .first()
        )
    raise OutOfScope("person", pk, person_id=pk)


def person_by_code_for(user: AnyUser, code: str) -> Person:
    person = (
        Person.objects.filter(personal_site_filter(user), code=code.strip().upper())
        .only("pk")
        .first()
    )
    if person is None:
        raise OutOfScope("person")
    return person_for(user, person.pk)


def person_search(user: AnyUser, q: str) -> QuerySet[Person]:
    """Persons in scope matching a name, code or phone, the most relevant first.

    A code or a phone: the exact code first, then the phone, then the codes that contain what
    was typed. A name: the persons bearing exactly that name (accents and word order aside),
    then those whose names contain every word typed, then the look-alikes found through the
    match keys, as the duplicate check finds them (spelling variants, a typo), the closest
    first. A queryset, paginated and counted like any other.
    """
    qs = Person.objects.visible_to(user).select_related("site")
    q = " ".join((q or "").split())
    if not q:
        return qs.order_by("-created_at")
    if any(ch.isdigit() for ch in q):
        return _code_or_phone_search(user, qs, q)
    return _name_search(user, qs, q)


def _code_or_phone_search(user: AnyUser, qs: QuerySet[Person], q: str) -> QuerySet[Person]:
    code = q.upper()
    digits = matching.phone_digits(q)
    phone = Q(pk__in=[])
    if len(digits) >= 6:
        phone = Q(pk__in=_scoped_keys(user, [f"p:{digits[-8:]}"]).values("person_id"))
    relevance = Case(
        When(code=code, then=Value(0)),
        When(phone, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        qs.filter(Q(code__icontains=q) | phone)
        .annotate(relevance=relevance)
        .order_by("relevance", "family_name", "given_name", "pk")
    )


def _name_search(user: AnyUser, qs: QuerySet[Person], q: str) -> QuerySet[Person]:
    words = q.split()
    plain = Q()
    for word in words:
        plain &= (
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(other_names__icontains=word)
        )
    exact_ids, alike_ids = _look_alikes(user, q)
    exact = Q(pk__in=exact_ids) | _exact_name(words)
    relevance = Case(
        When(exact, then=Value(0)),
        When(plain, then=Value(1)),
        default=RankIn(alike_ids, start=2),
        output_field=IntegerField(),
    )
    return (
        qs.filter(plain | Q(pk__in=exact_ids + alike_ids))
        .annotate(relevance=relevance)
        .order_by("relevance", "family_name", "given_name", "pk")
    )


def _exact_name(words: list[str]) -> Q:
    """Given and family names exactly as typed (case aside), in either order."""
    if len(words) == 1:
        return Q(given_name__iexact=words[0]) | Q(family_name__iexact=words[0])
    found = Q(pk__in=[])
    for cut in range(1, len(words)):
        first, rest = " ".join(words[:cut]), " ".join(words[cut:])
        found |= Q(given_name__iexact=first, family_name__iexact=rest)
        found |= Q(given_name__iexact=rest, family_name__iexact=first)
    return found


class RankIn(Func):
    """`start` plus the place of the person's id in `ids`; `start + len(ids)` for any other.

    What `Case(*(When(pk=pk, then=Value(start + rank)) for rank, pk in enumerate(ids)))` gives,
    written as one `CASE id WHEN … THEN … END`: a search's look-alikes are up to two hundred,
    and two hundred `When` took about 20 ms of CPU to build and compile for each search.
    """

    output_field = IntegerField()

    def __init__(self, ids: Iterable[UUID], start: int = 0):
        super().__init__(F("pk"))
        self.ids, self.start = list(ids), start

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        if not self.ids:  # SQL has no CASE without a WHEN
            return "%s", (self.start,)
        column, column_params = compiler.compile(self.source_expressions[0])
        pk = Person._meta.pk
        assert pk is not None
        sql, params = [f"CASE {column}"], list(column_params)
        for rank, value in enumerate(self.ids):
            sql.append("WHEN %s THEN %s")
            params += [pk.get_db_prep_value(value, connection), self.start + rank]
        sql.append("ELSE %s END")
        return " ".join(sql), (*params, self.start + len(self.ids))


def _look_alikes(user: AnyUser, q: str) -> tuple[list[UUID], list[UUID]]:
    """Among the persons sharing the typed name's match keys (the rarest keys first, a bounded
    pool), those bearing the name exactly (accents aside), and the others close enough,
    closest first."""
    pool = _key_pool(user, matching.search_keys(q))
    if not pool:
        return [], []
    rows = (
        Person.objects.visible_to(user)
        .filter(pk__in=pool)
        .values_list("pk", "given_name", "family_name", "other_names")
    )
    exact: list[UUID] = []
    alike: list[tuple[float, str, UUID]] = []
    for pk, given, family, other in rows:
        found = matching.search_closeness(q, given, family, other)
        if found.exact:
            exact.append(pk)
        elif found.tolerant >= SEARCH_THRESHOLD:
            alike.append((-(found.tolerant + found.spelled), str(pk), pk))
    return exact, [pk for *_order, pk in sorted(alike)]


def _scoped_keys(user: AnyUser, keys: Iterable[str]) -> QuerySet[PersonMatchKey]:
    """The match keys among `keys` of the persons at the sites in the user's scope."""
    return PersonMatchKey.objects.filter(personal_site_filter(user), key__in=keys)


def _rarity(postings: int) -> float:
    """A key's weight in the pool's ranking: the rarer in the scope, the heavier."""
    return round(max(math.log(RARITY_BASE / postings), 0.1), 3)


def _key_pool(user: AnyUser, keys: Iterable[str], *, exclude: Person | None = None) -> list[UUID]:
    """The ids of the persons in scope sharing the most telling of `keys`, CANDIDATE_POOL at
    most.

    The persons sharing the rarest keys first: a birth date or a phone shared by a few persons
    says more than a given name shared by thousands, and a common key must not crowd the right
    person out of the pool. Read from the keys alone (their site is the person's, the index
    covers key, site and person); visibility is checked on the pool, merged and erased records
    having no keys left.
    """
    if not keys:
        return []
    scoped = _scoped_keys(user, keys)
    counts = dict(scoped.values("key").annotate(n=Count("person_id")).values_list("key", "n"))
    if not counts:
        return []
    weight = Case(
        *(When(key=key, then=Value(_rarity(n))) for key, n in counts.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if exclude is not None:
        scoped = scoped.exclude(person_id=exclude.pk)
    return list(
        scoped.values("person_id")
        .annotate(weight=Sum(weight))
        .order_by("-weight", "person_id")
        .values_list("person_id", flat=True)[:CANDIDATE_POOL]
    )


def person_candidates(
    user: AnyUser,
    data: dict[str, Any] | Person,
    *,
    exclude: Person | None = None,
    limit: int = 10,
) -> list[tuple[Person, matching.MatchResult]]:
    """Ranked look-alikes among the persons the user may see: [(person, MatchResult)]."""
    from orienta.people.services import IDENTITY_FIELDS, identity_of

    ident = identity_of(data)
    keys = matching.match_keys(ident)
    if not keys:
        return []
    shared = _key_pool(user, keys, exclude=exclude)
    if not shared:
        return []
    # Scored on the identity fields alone; only the persons kept are loaded whole.
    pool = Person.objects.visible_to(user).filter(pk__in=shared).values("pk", *IDENTITY_FIELDS)
    ranked = matching.rank(
        ident,
        ((row["pk"], identity_of(row)) for row in pool),
        today=timezone.localdate(),
        limit=limit,
    )
    people = Person.objects.select_related("site").in_bulk([pk for pk, _result in ranked])
    return [(people[pk], result) for pk, result in ranked]


def person_by_code_or_none(user: AnyUser, code: str) -> Person | None:
    try:
        return person_by_code_for(user, code or "")
    except Http404:
        return None


def current_membership(person: Person) -> HouseholdMember | None:
    return person.memberships.filter(left_on__isnull=True).select_related("household").first()


def person_may_be_shared(person: Person) -> bool:
    """Whether the person's data may go to a referral partner now: consent to processing and to
    sharing both given and not withdrawn, and the record neither merged, deleted nor anonymised.

    Read from the database, not from the instance, so a withdrawal recorded since the instance
    was loaded counts. A referral checks this inside its own transaction before it sends.
    """
    return Person.objects.filter(
        pk=person.pk,
        consent_processing=True,
        consent_sharing=True,
        merged_into__isnull=True,
        deleted_at__isnull=True,
        erased_at__isnull=True,
    ).exists()


def record_group_ids(person: Person) -> list[UUID]:
    """The person's id and the ids of every record merged into it, directly or through another."""
    ids, frontier = [person.pk], [person.pk]
    while frontier:
        found = Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
        frontier = [pk for pk in found if pk not in ids]
        ids += frontier
    return ids


def consent_history(person: Person) -> list[ConsentEvent]:
    """The consent events of a person and of the records merged into it, newest first.

    Each says what it was: `state` is "given", "refused" (not given, and never given before
    for that purpose: the answer when first asked) or "withdrawn".
    """
    events = list(
        ConsentEvent.objects.filter(person__in=record_group_ids(person))
        .select_related("recorded_by", "site")
        .order_by("-at", "-id")
    )
    given_before: set[str] = set()
    for event in reversed(events):
        if event.given:
            event.state = "given"
            given_before.add(event.purpose)
        else:
            event.state = "withdrawn" if event.purpose in given_before else "refused"
    return events


def consent_states(person: Person, history: list[ConsentEvent]) -> dict[str, str]:
    """Each purpose's present state: "given" (as the person record says), else what its
    newest event says ("refused" or "withdrawn"), else "not_asked" (never recorded)."""
    states: dict[str, str] = {}
    for purpose, field in CONSENT_FIELDS.items():
        newest = next((e for e in history if e.purpose == purpose), None)
        if getattr(person, field):
            states[purpose] = "given"
        else:
            states[purpose] = newest.state if newest and not newest.given else "not_asked"
    return states
