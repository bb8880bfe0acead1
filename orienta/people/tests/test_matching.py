"""Duplicate matching: normalisation, variant spellings, keys, scoring and a labelled set."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orienta.people.matching import (
    MATCH_THRESHOLD,
    REASONS,
    Identity,
    MatchResult,
    canonical_token,
    compare,
    match_keys,
    name_tokens,
    normalize_name,
    phone_digits,
    rank,
)
from orienta.people.tests.labelled_pairs import make_pairs

TODAY = date(2025, 6, 1)


def score(a: Identity, b: Identity) -> MatchResult:
    return compare(a, b, today=TODAY)


def same_canonical(*names: str) -> bool:
    return len({canonical_token(n) for n in names}) == 1


ACHTA = Identity(
    given_name="Achta",
    family_name="Mahamat",
    sex="female",
    birth_date=date(1988, 3, 14),
    phone="+23566123456",
)
JOAO = Identity(
    given_name="João",
    family_name="Nhantumbo",
    sex="male",
    birth_date=date(1979, 11, 2),
    phone="+258841234567",
)


# --- normalisation ----------------------------------------------------------------------------


def test_normalize_name_strips_accents_case_and_extra_spaces():
    assert normalize_name("  FATIMÉ   Halimé ") == "fatime halime"
    assert normalize_name("Macuácua") == "macuacua"
    assert normalize_name("Sanhá") == "sanha"


def test_abd_el_particle_is_written_one_way():
    spellings = [
        "Abd-el-Kérim",
        "Abdel Kerim",
        "Abd el Kerim",
        "Abdelkérim",
        "ABDEL-KÉRIM",
        "Abd el-Kerim",
    ]
    assert {normalize_name(s) for s in spellings} == {"abdelkerim"}


def test_name_tokens_ignore_portuguese_connectives_and_initials():
    assert name_tokens("Maria da Conceição dos Santos") == ["maria", "conceicao", "santos"]
    assert name_tokens("M. Abakar") == ["abakar"]
    assert name_tokens("de") == ["de"]


def test_prenasal_apostrophe_is_kept_inside_the_name():
    assert normalize_name("N'Djamena") == normalize_name("Ndjamena") == "ndjamena"


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_normalisation_yields_plain_lowercase_letters(text):
    normalized = normalize_name(text)
    assert set(normalized) <= set("abcdefghijklmnopqrstuvwxyz ")
    assert all(
        set(canonical_token(t)) <= set("abcdefghijklmnopqrstuvwxyz") for t in name_tokens(text)
    )


# --- variant spellings ------------------------------------------------------------------------


def test_mahamat_and_mohamed_are_the_same_name():
    assert same_canonical("Mahamat", "Mohamed", "Muhammad", "Mohammed", "Mouhamad", "Mahamad")


def test_joao_with_and_without_tilde_is_the_same_name():
    assert same_canonical("João", "Joao", "JOÃO")


def test_ou_and_u_spellings_are_the_same_name():
    assert same_canonical("Moussa", "Musa")
    assert same_canonical("Youssouf", "Yusuf")
    assert same_canonical("Mamadou", "Mamadú", "Mamadu")


def test_doubled_letters_do_not_matter():
    assert same_canonical("Idriss", "Idris")
    assert same_canonical("Hassane", "Hasane", "Hassan")
    assert same_canonical("Cossa", "Cosa")


def test_dj_and_j_spellings_are_the_same_name():
    assert same_canonical("Djaló", "Jaló", "Djalo", "Diallo")
    assert same_canonical("Khadidja", "Kadija", "Kadidja")
    assert same_canonical("Djibrine", "Jibrine")


def test_abdel_names_are_the_same_however_the_particle_is_written():
    assert same_canonical("Abdelkérim", "Abdoulkarim", "Abdelkarim", "Abdulkarim")
    assert same_canonical("Abderamane", "Abdourahmane", "Abdramane", "Abderrahmane")
    assert same_canonical("Abdallah", "Abdoulaye", "Abdullahi")


def test_consonant_spellings_are_the_same_name():
    assert same_canonical("Macuácua", "Makwakwa")
    assert same_canonical("Chissano", "Xissano")
    assert same_canonical("Sitoe", "Sithoe")
    assert same_canonical("Cossa", "Kossa", "Khosa")
    assert same_canonical("Luís", "Luiz")
    assert same_canonical("Haoua", "Hawa", "Awa")
    assert same_canonical("Nhantumbo", "Nyantumbo")


@pytest.mark.parametrize(
    "names",
    [
        ("Fatimé", "Fatima", "Fatime", "Fatouma"),
        ("Achta", "Acheta"),
        ("Ibrahim", "Brahim", "Ibrahima", "Braima"),
        ("Aboubakar", "Abakar", "Abubakar", "Boubacar", "Bubacar"),
        ("Adoum", "Adam"),
        ("Oumar", "Umar", "Omar", "Umaro"),
        ("Ousmane", "Usman", "Osmane", "Ansumane"),
        ("Zenaba", "Zeinab", "Zainab"),
        ("Ahmat", "Ahmed", "Ahmad"),
        ("Hissein", "Hussein", "Hissène"),
        ("Souleymane", "Suleiman", "Suleimane"),
        ("Halimé", "Halima"),
        ("Embaló", "Mbalo"),
    ],
)
def test_frequent_name_variants_share_a_canonical_form(names):
    assert same_canonical(*names)


@pytest.mark.parametrize(
    "first, second",
    [
        ("Mahamat", "Mamadou"),
        ("Mahamat", "Ahmat"),
        ("Mahamat", "Mahmoud"),
        ("Fatimé", "Fatoumata"),
        ("Amina", "Aminata"),
        ("Hawa", "Achta"),
        ("Khadidja", "Hadjé"),
        ("Moussa", "Moustapha"),
        ("Zara", "Sara"),
        ("João", "Joana"),
    ],
)
def test_different_names_keep_different_canonical_forms(first, second):
    assert canonical_token(first) != canonical_token(second)


def test_canonical_token_is_deterministic():
    assert [canonical_token("Ndoubabé") for _ in range(3)] == ["ndubab"] * 3


# --- phones and keys --------------------------------------------------------------------------


def test_phone_formats_compare_equal():
    formats = ["+235 66 12 34 56", "0023566123456", "66123456", "66-12-34-56", "(235) 66123456"]
    assert {phone_digits(f) for f in formats} == {"66123456"}
    assert phone_digits("+258 84 123 4567") == phone_digits("841234567")


def test_phone_digits_ignore_text_without_a_number():
    assert phone_digits("") == ""
    assert phone_digits("n/a") == ""
    assert phone_digits("12-34") == ""


def test_match_keys_cover_names_phone_and_exact_birth_date():
    keys = match_keys(ACHTA)
    assert {"n:axta", "n:moamed", "p:66123456", "d:1988-03-14"} <= keys
    estimated = Identity(given_name="Achta", birth_date=date(1988, 1, 1), birth_date_estimated=True)
    assert not any(k.startswith("d:") for k in match_keys(estimated))
    assert all(len(k) <= 40 for k in match_keys(Identity(given_name="A" * 80)))


def test_spelling_variants_share_match_keys():
    other = Identity(given_name="ACHETA", family_name="Mouhamad")
    assert match_keys(ACHTA) & match_keys(other)


def test_a_typo_in_one_name_still_shares_a_key():
    assert match_keys(ACHTA) & match_keys(Identity(given_name="Achra", family_name="Mahamat"))
    assert match_keys(ACHTA) & match_keys(Identity(given_name="Achta", family_name="Mahanat"))


def test_consonant_skeleton_key_survives_a_vowel_typo_in_every_name():
    person = Identity(given_name="Ngarta", family_name="Ndoubabé")
    typo = Identity(given_name="Ngerta", family_name="Ndoubobé")
    assert match_keys(person) & match_keys(typo) == {"s:ngrt", "s:ndbb"}


def test_compound_key_keeps_a_common_given_name_apart_from_its_namesakes():
    # A typo that changes the family name's every other key: the given name alone is shared by
    # thousands; with the family name's first two letters, by a few.
    person = Identity(given_name="Fatumata", family_name="Sané")
    typo = Identity(given_name="Fatoumata", family_name="Saén")
    namesake = Identity(given_name="Fatoumata", family_name="Diallo")
    shared = match_keys(person) & match_keys(typo)
    assert "c:fatumata.sa" in shared
    assert not {k for k in match_keys(person) & match_keys(namesake) if k.startswith("c:")}


def test_compound_keys_survive_a_swap_of_given_and_family_names():
    person = Identity(given_name="João", family_name="Nhaca")
    swapped = Identity(given_name="Nhaca", family_name="João")
    assert {k for k in match_keys(person) & match_keys(swapped) if k.startswith("c:")}


# --- scoring: the same person -----------------------------------------------------------------


def test_identical_records_are_the_same_person():
    result = score(ACHTA, ACHTA)
    assert result.score > 0.99
    assert set(result.reasons) == {"same_names", "same_phone", "same_birth_date", "same_sex"}


def test_variant_spellings_are_found():
    other = Identity(
        given_name="ACHETA", family_name="Mohamed", sex="female", birth_date=date(1988, 3, 14)
    )
    result = score(ACHTA, other)
    assert result.score >= MATCH_THRESHOLD
    assert "same_names" in result.reasons


def test_swapped_given_and_family_names_are_found():
    swapped = Identity(given_name="Nhantumbo", family_name="Joao", sex="male")
    result = score(JOAO, swapped)
    assert result.score >= MATCH_THRESHOLD
    assert "names_swapped" in result.reasons


def test_a_typo_in_a_name_is_tolerated():
    typo = Identity(given_name="João", family_name="Nhantunbo", birth_date=date(1979, 11, 2))
    result = score(JOAO, typo)
    assert result.score >= MATCH_THRESHOLD
    assert "similar_names" in result.reasons


def test_abdel_split_differently_is_found():
    a = Identity(given_name="Abdelkérim", family_name="Haroun", birth_date=date(1990, 5, 1))
    b = Identity(given_name="Abd el Karim", family_name="Aroun")
    assert score(a, b).score >= MATCH_THRESHOLD


def test_estimated_birth_date_within_three_years_is_close():
    estimated = Identity(
        given_name="Achta",
        family_name="Mahamat",
        birth_date=date(1986, 1, 1),
        birth_date_estimated=True,
    )
    result = score(ACHTA, estimated)
    assert "close_birth_date" in result.reasons
    assert result.score >= MATCH_THRESHOLD


def test_missing_birth_date_and_phone_are_neutral():
    bare = Identity(given_name="Achta", family_name="Mahamat")
    result = score(ACHTA, bare)
    assert result.score >= MATCH_THRESHOLD
    assert not {"birth_date_conflict", "close_birth_date", "same_phone"} & set(result.reasons)


def test_phone_in_another_format_is_the_same_phone():
    other = Identity(given_name="Achta", family_name="Mahamat", phone="00235 66 12 34 56")
    assert "same_phone" in score(ACHTA, other).reasons


def test_other_name_used_as_given_name_is_found():
    registered = Identity(given_name="Achta", family_name="Mahamat", other_names="Hawa")
    again = Identity(given_name="Haoua", family_name="Mahamat", birth_date=date(1988, 3, 14))
    result = score(registered, again)
    assert result.score >= MATCH_THRESHOLD
    assert "other_name_match" in result.reasons


names = st.text(alphabet=st.sampled_from("aábcdeéhijklmnoóstuwyç -'.H"), max_size=20)
identities = st.builds(
    Identity,
    given_name=names,
    family_name=names,
    other_names=names,
    sex=st.sampled_from(["", "female", "male", "other", "undisclosed"]),
    birth_date=st.none() | st.dates(date(1920, 1, 1), date(2025, 1, 1)),
    birth_date_estimated=st.booleans(),
    phone=st.text(alphabet="+0123456789 -", max_size=16),
)


@given(identities, identities)
@settings(max_examples=300, deadline=None)
def test_any_pair_scores_between_zero_and_one_the_same_both_ways(a, b):
    result = score(a, b)
    assert 0.0 <= result.score <= 1.0
    assert set(result.reasons) <= set(REASONS)
    assert result == score(b, a)
    assert all(len(k) <= 40 for k in match_keys(a))


def test_compare_is_symmetric():
    other = Identity(
        given_name="Mahamat",
        family_name="Acheta",
        other_names="Hawa",
        birth_date=date(1987, 1, 1),
        birth_date_estimated=True,
    )
    assert score(ACHTA, other) == score(other, ACHTA)


# --- scoring: different people ----------------------------------------------------------------


def test_distinct_people_with_same_family_name_score_below_threshold():
    sister = Identity(
        given_name="Zenaba", family_name="Mahamat", sex="female", birth_date=date(1992, 7, 30)
    )
    assert score(ACHTA, sister).score < MATCH_THRESHOLD


def test_distinct_people_with_same_given_name_score_below_threshold():
    other = Identity(
        given_name="Achta",
        family_name="Ngarta",
        sex="female",
        birth_date=date(1988, 1, 1),
        birth_date_estimated=True,
    )
    assert score(ACHTA, other).score < MATCH_THRESHOLD


def test_siblings_sharing_the_household_phone_score_below_threshold():
    brother = Identity(
        given_name="Abakar",
        family_name="Mahamat",
        sex="male",
        birth_date=date(1994, 2, 1),
        phone="66 12 34 56",
    )
    result = score(ACHTA, brother)
    assert result.score < MATCH_THRESHOLD
    assert "same_phone" in result.reasons


def test_twins_score_below_threshold():
    twin = Identity(
        given_name="Halimé",
        family_name="Mahamat",
        sex="female",
        birth_date=ACHTA.birth_date,
        phone=ACHTA.phone,
    )
    assert score(ACHTA, twin).score < MATCH_THRESHOLD


def test_namesakes_born_far_apart_conflict():
    namesake = Identity(
        given_name="Achta", family_name="Mahamat", sex="female", birth_date=date(1961, 3, 14)
    )
    result = score(ACHTA, namesake)
    assert result.score < MATCH_THRESHOLD
    assert "birth_date_conflict" in result.reasons


def test_sex_conflict_lowers_the_score():
    man = Identity(given_name="Achta", family_name="Mahamat", sex="male")
    same_sex = Identity(given_name="Achta", family_name="Mahamat", sex="female")
    result = score(ACHTA, man)
    assert "sex_conflict" in result.reasons
    assert result.score < score(ACHTA, same_sex).score
    assert result.score < MATCH_THRESHOLD


def test_father_and_son_with_reversed_names_score_below_threshold():
    son = Identity(
        given_name="Abakar",
        family_name="Mahamat",
        sex="male",
        birth_date=date(2001, 1, 1),
        birth_date_estimated=True,
    )
    father = Identity(
        given_name="Mahamat",
        family_name="Abakar",
        sex="male",
        birth_date=date(1970, 1, 1),
        birth_date_estimated=True,
    )
    assert score(son, father).score < MATCH_THRESHOLD


# --- ranking ----------------------------------------------------------------------------------


def test_rank_sorts_filters_and_limits():
    candidates = [
        ("sister", Identity(given_name="Zenaba", family_name="Mahamat")),
        ("typo", Identity(given_name="Achta", family_name="Mahamar")),
        ("same", ACHTA),
        ("spelling", Identity(given_name="Acheta", family_name="Mohamed")),
    ]
    ranked = rank(ACHTA, candidates, today=TODAY)
    assert [key for key, _ in ranked][0] == "same"
    assert "sister" not in {key for key, _ in ranked}
    scores = [r.score for _, r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(rank(ACHTA, candidates, today=TODAY, limit=1)) == 1
    assert rank(ACHTA, candidates, today=TODAY, threshold=1.01) == []


# --- labelled set -----------------------------------------------------------------------------


def test_make_pairs_is_deterministic_and_sized():
    pairs = make_pairs(seed=7, n_variant=20, n_distinct=30)
    assert pairs == make_pairs(seed=7, n_variant=20, n_distinct=30)
    assert sum(same for *_, same in pairs) == 20
    assert len(pairs) == 50


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_labelled_set_recall_and_precision(seed):
    """The bar holds on the reference draw and on other draws the scorer was not tuned on."""
    pairs = make_pairs() if seed is None else make_pairs(seed=seed)
    variants = [(a, b) for a, b, same in pairs if same]
    distinct = [(a, b) for a, b, same in pairs if not same]
    assert len(variants) >= 200 and len(distinct) >= 200

    assert all(match_keys(a) & match_keys(b) for a, b in variants), "blocking missed a variant"

    found = sum(score(a, b).score >= MATCH_THRESHOLD for a, b in variants)
    wrong = sum(score(a, b).score >= MATCH_THRESHOLD for a, b in distinct)
    recall = found / len(variants)
    precision = found / (found + wrong)
    assert recall >= 0.95, recall
    assert precision >= 0.90, precision


def test_reasons_are_known_codes():
    for a, b, _ in make_pairs(seed=3, n_variant=60, n_distinct=60):
        assert set(score(a, b).reasons) <= set(REASONS)
