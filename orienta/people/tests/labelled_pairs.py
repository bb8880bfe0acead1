"""Deterministic labelled pairs for measuring duplicate matching.

``make_pairs`` returns ``(a, b, same_person)`` triples:

* VARIANT pairs (True): one person registered twice, the second record carrying 1-3 realistic
  perturbations (accents, case, spelling variants, Abd-el splits, swapped names, missing or
  estimated birth date, a typo, another phone format or no phone, other names...).
* DISTINCT pairs (False): different people who look alike: siblings and twins sharing a family
  name and a household phone, namesakes born years apart, same names but other sex, Chadian
  father/son pairs whose names are each other's reversed, look-alike given or family names.

Name pools come from Chad, Mozambique and Guinea-Bissau.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from orienta.people.matching import Identity

# --------------------------------------------------------------------------------------------
# Name pools
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    code: str
    national_digits: int
    mobile_prefixes: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    double_given_rate: float = 0.0
    double_family_rate: float = 0.0


def _split(names: str) -> tuple[str, ...]:
    """``"Mahamat, Abakar"`` -> ``("Mahamat", "Abakar")`` (a name may contain spaces)."""
    return tuple(n.strip() for n in names.split(","))


def _pairs(pairs: str) -> tuple[tuple[str, str], ...]:
    """``"Amina/Aminata, Ali/Alifa"`` -> ``(("Amina", "Aminata"), ("Ali", "Alifa"))``."""
    return tuple((first, second) for first, second in (p.split("/") for p in _split(pairs)))


CHAD = Country(
    code="235",
    national_digits=8,
    mobile_prefixes=("66", "63", "65", "99", "90", "95"),
    male=_split(
        "Mahamat, Abakar, Moussa, Abdelkérim, Haroun, Adoum, Oumar, Ousmane, Ibrahim, Ahmat, "
        "Hassan, Hissein, Youssouf, Souleymane, Djibrine, Idriss, Issa, Yacoub, Saleh, Hamid, "
        "Abdallah, Abderamane, Ali, Ngarta, Ndoubabé, Nadjingar, Djimadoum, Allarassem, Béchir, "
        "Mahamoud, Abdelaziz, Brahim, Zakaria, Nassour, Ramadane, Goukouni, Ngaba"
    ),
    female=_split(
        "Achta, Fatimé, Halimé, Haoua, Zenaba, Khadidja, Mariam, Amina, Kaltouma, Hadjé, Zara, "
        "Remadji, Néloumta, Aché, Mariama, Aminata, Fatoumata, Nodjiguem, Ramatou, Hawaou, "
        "Djénom, Saadié, Asnengar"
    ),
    family=_split(
        "Mahamat, Abakar, Moussa, Haroun, Adoum, Oumar, Ahmat, Hassane, Abdoulaye, Brahim, Issa, "
        "Ngarta, Ndoubabé, Djimadoum, Nadjingar, Allarassem, Ngaba, Kladoum, Masra, Béchir, "
        "Youssouf, Hissein, Abdelkérim, Saleh, Idriss, Déby, Ngarlejy, Nodjitoloum, Mbaïlassem, "
        "Djibrine, Yacoub, Ali, Hamid, Ousmane"
    ),
)

MOZAMBIQUE = Country(
    code="258",
    national_digits=9,
    mobile_prefixes=("82", "84", "85", "86", "87"),
    male=_split(
        "João, Joaquim, José, Manuel, António, Armando, Fernando, Carlos, Alberto, Samuel, "
        "Ernesto, Celestino, Zacarias, Luís, Sebastião, Domingos, Felisberto, Américo, Inácio, "
        "Tomás, Moisés, Abílio, Lucas, Paulo, Jorge, Alfredo, Francisco"
    ),
    female=_split(
        "Maria, Ana, Luísa, Graça, Joana, Rosa, Isabel, Teresa, Fátima, Célia, Argentina, Lurdes, "
        "Esperança, Felismina, Albertina, Helena, Amélia, Rosalina, Marta, Fernanda, Carla, "
        "Lúcia, Cristina, Sónia"
    ),
    family=_split(
        "Macuácua, Nhantumbo, Cossa, Sitoe, Langa, Tembe, Muianga, Mondlane, Chissano, Machel, "
        "Mabunda, Matsinhe, Cumbe, Chambal, Mucavele, Guambe, Mahumane, Mussa, Bila, Ubisse, "
        "Zandamela, Chaúque, Massingue, Uamusse, Machava, Manhiça, Mandlate, Cuna, Nhaca, "
        "Macamo, Mabote, Chambule, Novela"
    ),
    double_given_rate=0.2,
    double_family_rate=0.15,
)

GUINEA_BISSAU = Country(
    code="245",
    national_digits=9,
    mobile_prefixes=("955", "966", "956", "969"),
    male=_split(
        "Mamadú, Braima, Aladje, Sadjo, Umaro, Abdulai, Bubacar, Malam, Seco, Quintino, Domingos, "
        "Tomás, Carlos, Armando, João, Augusto, Iaia, Samba, Suleimane, Lamine, Cherno, Alfa, "
        "Ansumane, Bacar, Dauda, Fodé, Baciro, Sambu, Mussa, Idrissa"
    ),
    female=_split(
        "Fatumata, Aminata, Mariama, Cadi, Adama, Binta, Maimuna, Aissatu, Sali, Djenabu, Nené, "
        "Isabel, Maria, Joana, Fatú, Quinta, Ramata, Mariatu, Awa, Kadiatu, Sira, Satú, Tenem"
    ),
    family=_split(
        "Djaló, Baldé, Embaló, Sanhá, Có, Nhaga, Mendes, Gomes, Cassamá, Indjai, Mané, Sané, "
        "Seidi, Camará, Turé, Cande, Nanque, Sambu, Biai, Cabi, Dabó, Fati, Sá, Té, Iala, Sanca, "
        "Djassi, Na Tchuto, Correia, Pereira, Silva, Dos Santos"
    ),
)

COUNTRIES = (CHAD, MOZAMBIQUE, GUINEA_BISSAU)

# Spellings of one name that registrations really produce.
SPELLINGS: tuple[tuple[str, ...], ...] = (
    _split("Mahamat, Mahamad, Mohamed, Mouhamat, Mohammed, Muhammad, Mahammat"),
    _split("Abakar, Aboubakar, Abbakar, Abubakar, Aboubacar"),
    _split("Moussa, Moussah, Musa, Mussa"),
    _split("Abdelkérim, Abdoulkarim, Abdelkarim, Abdel-Kérim, Abdelkerim, Abdoulkérim"),
    _split("Haroun, Aroun, Harun, Haroune"),
    _split("Adoum, Adam, Adum"),
    _split("Oumar, Omar, Umar, Oumarou"),
    _split("Ousmane, Osmane, Usman, Ousman"),
    _split("Ibrahim, Brahim, Ibrahima, Braima"),
    _split("Ahmat, Ahmed, Ahmad, Ahamat"),
    _split("Hassan, Hassane, Hasan"),
    _split("Hissein, Hissène, Hussein, Housseine"),
    _split("Youssouf, Yousouf, Yusuf, Youssef"),
    _split("Souleymane, Souleyman, Soulemane, Suleimane, Sulemane"),
    _split("Djibrine, Djibril, Jibrine, Djibrin"),
    _split("Idriss, Idris, Idrissa"),
    _split("Issa, Isa, Issah"),
    _split("Yacoub, Yakoub, Yacouba, Yakub"),
    _split("Saleh, Salah, Salé, Saley"),
    _split("Hamid, Hamit, Hamide"),
    _split("Abdallah, Abdoulaye, Abdulai, Abdalla"),
    _split("Abderamane, Abdourahmane, Abdramane, Abderrahmane"),
    _split("Ali, Aly, Alli"),
    _split("Béchir, Bechir, Bachir, Béchire"),
    _split("Mahamoud, Mahmoud, Mahmout"),
    _split("Ramadane, Ramadan, Ramadhane"),
    _split("Ndoubabé, Ndoubabe, Doubabé, Ndubabé"),
    _split("Djimadoum, Jimadoum, Djimadoume"),
    _split("Allarassem, Alarassem, Allarasem"),
    _split("Achta, Acheta, Ashta"),
    _split("Fatimé, Fatime, Fatima, Fatouma, Fatmé"),
    _split("Halimé, Halime, Halima, Alimé"),
    _split("Haoua, Hawa, Awa"),
    _split("Zenaba, Zénaba, Zeinab, Zeinaba, Zainab"),
    _split("Khadidja, Kadidja, Hadidja, Khadija"),
    _split("Mariam, Maryam, Mariame"),
    _split("Kaltouma, Kaltoumé, Kaltuma, Kaltoum"),
    _split("Hadjé, Hadje, Hadjè"),
    _split("Zara, Zahra, Zarah"),
    _split("Aché, Ache, Achè"),
    _split("João, Joao, Joâo"),
    _split("José, Jose, Josè"),
    _split("António, Antonio, Antônio"),
    _split("Luís, Luis, Luiz"),
    _split("Manuel, Manoel"),
    _split("Tomás, Tomaz, Thomás"),
    _split("Moisés, Moises, Moyses"),
    _split("Graça, Graca, Grassa"),
    _split("Lurdes, Lourdes"),
    _split("Esperança, Esperanca"),
    _split("Felismina, Felizmina"),
    _split("Sónia, Sonia, Sônia"),
    _split("Macuácua, Macuacua, Makwakwa, Macuácuá"),
    _split("Nhantumbo, Nyantumbo, Nhatumbo"),
    _split("Cossa, Kossa, Khosa, Cosa"),
    _split("Sitoe, Sitoé, Sithoe"),
    _split("Muianga, Muyanga, Muhianga"),
    _split("Matsinhe, Matsinye, Matsinhi"),
    _split("Mondlane, Mondhlane, Mondlani"),
    _split("Chaúque, Chauque, Txauque, Xauque"),
    _split("Chissano, Xissano"),
    _split("Chambal, Xambal"),
    _split("Mucavele, Mukavele"),
    _split("Manhiça, Manhica, Manhissa"),
    _split("Djaló, Jaló, Djalo, Diallo, Jalo"),
    _split("Baldé, Balde, Baldeh"),
    _split("Embaló, Embalo, Mbaló"),
    _split("Sanhá, Sanha, Sania"),
    _split("Có, Co"),
    _split("Mamadú, Mamadou, Mamadu"),
    _split("Braima, Ibrahima, Brahima"),
    _split("Umaro, Oumarou, Umaru"),
    _split("Bubacar, Boubacar, Aboubacar"),
    _split("Fatumata, Fatoumata, Fatumatá"),
    _split("Aissatu, Aïssatou, Aissatou"),
    _split("Djenabu, Djénabou, Jenabu"),
    _split("Suleimane, Souleymane, Suleiman"),
    _split("Ansumane, Ansoumane, Ansumani"),
    _split("Cadi, Kadi, Cady"),
    _split("Sadjo, Sajo, Saadjo"),
    _split("Aladje, Aladji, Aladjé"),
    _split("Cherno, Tcherno, Tchernó"),
    _split("Indjai, Injai, Indjay"),
    _split("Camará, Camara, Kamara"),
    _split("Turé, Ture, Touré"),
    _split("Cassamá, Cassama, Kassama"),
    _split("Mariatu, Mariatou, Mariato"),
    _split("Kadiatu, Kadiatou, Cadiatu"),
    _split("Maimuna, Maimouna, Maïmouna"),
    _split("Seidi, Seydi, Seïdi"),
    _split("Na Tchuto, Natchuto, Na Tchutu"),
    _split("Dos Santos, Santos, dos Santos"),
)

# Pairs of genuinely different names that look alike, by country.
LOOKALIKE_GIVEN: dict[str, tuple[tuple[str, str], ...]] = {
    CHAD.code: _pairs(
        "Amina/Aminata, Mariam/Mariama, Fatimé/Fatoumata, Ali/Alifa, Hassan/Hassaballah, "
        "Moussa/Moustapha, Mahamat/Mahamadou, Saleh/Salim, Hamid/Hamidou, Djibrine/Djimet, "
        "Issa/Ismaël, Adoum/Adji, Abakar/Abba, Haroun/Harouna, Ahmat/Ahmadou, Oumar/Ousmane, "
        "Abdallah/Abdelaziz, Haoua/Hawaou, Zenaba/Zara, Achta/Aché, Halimé/Hadjé, "
        "Kaltouma/Kadidja"
    ),
    MOZAMBIQUE.code: _pairs(
        "João/Joaquim, Alberto/Albino, Jorge/José, Armando/Arlindo, Ernesto/Ernestino, "
        "Celestino/Constantino, Fernando/Fernanda, Marta/Maria, Rosa/Rosalina, Ana/Anabela, "
        "Luísa/Lúcia, Cristina/Celestina, Albertina/Argentina, Felismina/Felisberta, "
        "Paulo/Paulino, Samuel/Salomão"
    ),
    GUINEA_BISSAU.code: _pairs(
        "Mamadú/Mamudo, Braima/Bacar, Sadjo/Samba, Umaro/Usmane, Aminata/Aissatu, Fatumata/Fatú, "
        "Mariama/Mariatu, Binta/Bintu, Cadi/Candida, Sali/Salimata, Lamine/Lamarana, "
        "Maria/Marta, Samba/Sambu"
    ),
}

LOOKALIKE_FAMILY: dict[str, tuple[tuple[str, str], ...]] = {
    CHAD.code: _pairs(
        "Ngarta/Ngartoloum, Nadjingar/Nadjiam, Djimadoum/Djimadingar, Allarassem/Allamaye, "
        "Ngaba/Ngabo, Kladoum/Kladingar, Abakar/Abba, Hassane/Hassaballah, Brahim/Brahimi, "
        "Moussa/Moustapha, Ahmat/Ahmadou, Oumar/Ousmane, Mahamat/Mahamadou, Hissein/Hassane, "
        "Saleh/Salim"
    ),
    MOZAMBIQUE.code: _pairs(
        "Mondlane/Mandlate, Machava/Machel, Mabunda/Mabote, Chambal/Chambule, Cossa/Cuna, "
        "Langa/Lange, Tembe/Timbe, Muianga/Mulanga, Macamo/Macuácua, Nhantumbo/Nhamuave, "
        "Mussa/Massa, Matsinhe/Matsimbe, Cumbe/Guambe, Ubisse/Uamusse"
    ),
    GUINEA_BISSAU.code: _pairs(
        "Mané/Sané, Sanhá/Sanca, Cande/Cabi, Embaló/Baldé, Indjai/Indjassi, Djaló/Djassi, "
        "Nhaga/Nhaca, Mendes/Mendonça, Gomes/Gomis, Camará/Cassamá, Sambu/Samba, Turé/Touray, "
        "Có/Cá"
    ),
}

OTHER_NAME_POOL = _split(
    "Hawa, Achta, Nene, Zé, Tonito, Mana, Baba, Dodo, Djiddi, Nadia, Kaka, Binta, Tchiquinho, "
    "Mimi, Abba, Bichara"
)

# --------------------------------------------------------------------------------------------
# Base people
# --------------------------------------------------------------------------------------------

REFERENCE_DAY = date(2025, 6, 1)


def _random_date(rng: random.Random, first_year: int = 1945, last_year: int = 2022) -> date:
    start = date(first_year, 1, 1)
    span = (date(last_year, 12, 31) - start).days
    return start + timedelta(days=rng.randrange(span))


def _random_phone(rng: random.Random, country: Country) -> str:
    prefix = rng.choice(country.mobile_prefixes)
    rest = "".join(rng.choice("0123456789") for _ in range(country.national_digits - len(prefix)))
    return f"+{country.code}{prefix}{rest}"


def _birth(rng: random.Random, around: date | None = None) -> tuple[date | None, bool]:
    day = around or _random_date(rng)
    roll = rng.random()
    if roll < 0.55:
        return day, False
    if roll < 0.88:
        return date(day.year, 1, 1), True
    return None, False


def _names(rng: random.Random, pool: tuple[str, ...], rate: float) -> str:
    first = rng.choice(pool)
    if rng.random() < rate:
        second = rng.choice([n for n in pool if n != first])
        return f"{first} {second}"
    return first


def _person(rng: random.Random, country: Country, sex: str | None = None) -> Identity:
    sex = sex or rng.choice(("female", "male"))
    pool = country.female if sex == "female" else country.male
    birth_date, estimated = _birth(rng)
    return Identity(
        given_name=_names(rng, pool, country.double_given_rate),
        family_name=_names(rng, country.family, country.double_family_rate),
        other_names=rng.choice(OTHER_NAME_POOL) if rng.random() < 0.15 else "",
        sex=sex if rng.random() < 0.95 else "",
        birth_date=birth_date,
        birth_date_estimated=estimated,
        phone=_random_phone(rng, country) if rng.random() < 0.7 else "",
    )


# --------------------------------------------------------------------------------------------
# Perturbations (one registration of the same person differs from another)
# --------------------------------------------------------------------------------------------

Perturbation = Callable[[random.Random, Identity], Identity]
NAME_FIELDS = ("given_name", "family_name")


def _strip_accents(s: str) -> str:
    decomposed = unicodedata.normalize("NFKD", s)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain)


_ACCENTED = {"e": "é", "a": "á", "o": "ó", "u": "ú", "i": "í"}


def _add_accent(rng: random.Random, s: str) -> str:
    spots = [i for i, c in enumerate(s) if c in _ACCENTED]
    if not spots:
        return s
    i = rng.choice(spots)
    return s[:i] + _ACCENTED[s[i]] + s[i + 1 :]


def accents(rng: random.Random, p: Identity) -> Identity:
    name = rng.choice(NAME_FIELDS)
    value = getattr(p, name)
    changed = _strip_accents(value)
    if changed == value:
        changed = _add_accent(rng, value)
    return replace(p, **{name: changed})


def case(rng: random.Random, p: Identity) -> Identity:
    style = rng.choice((str.upper, str.lower))
    if rng.random() < 0.5:
        return replace(p, family_name=style(p.family_name))
    return replace(p, given_name=style(p.given_name), family_name=style(p.family_name))


def _spelling_of(word: str, rng: random.Random) -> str | None:
    for group in SPELLINGS:
        if word in group:
            return rng.choice([w for w in group if w != word])
    return None


_RULES = (
    ("ou", "u"),
    ("u", "ou"),
    ("dj", "j"),
    ("ss", "s"),
    ("s", "ss"),
    ("ll", "l"),
    ("l", "ll"),
    ("mm", "m"),
    ("m", "mm"),
    ("k", "c"),
    ("c", "k"),
    ("y", "i"),
    ("i", "y"),
    ("ch", "sh"),
    ("é", "e"),
    ("e", "é"),
    ("ph", "f"),
    ("tt", "t"),
    ("t", "tt"),
)


def _rule_spelling(word: str, rng: random.Random) -> str:
    options = [(a, b) for a, b in _RULES if a in word[1:]]
    if not options:
        return word + "e" if not word.endswith("e") else word[:-1]
    a, b = rng.choice(options)
    i = word.index(a, 1)
    return word[:i] + b + word[i + len(a) :]


def spelling(rng: random.Random, p: Identity) -> Identity:
    """Another spelling of one name: a known variant, else a rule (ou/u, doubled letter...)."""
    name = rng.choice(NAME_FIELDS)
    value = getattr(p, name)
    changed = _spelling_of(value, rng)
    if changed is None:
        words = value.split(" ")
        k = rng.randrange(len(words))
        words[k] = _spelling_of(words[k], rng) or _rule_spelling(words[k], rng)
        changed = " ".join(words)
    return replace(p, **{name: changed})


_ABD_FORMS = ("Abdel {}", "Abd-el-{}", "Abd el {}", "Abdel-{}", "Abdoul {}", "Abd-al-{}")


def abdel_split(rng: random.Random, p: Identity) -> Identity:
    for name in NAME_FIELDS:
        value = getattr(p, name)
        plain = _strip_accents(value)
        for head in ("Abdel", "Abdoul", "Abdul"):
            if plain.startswith(head) and len(plain) > len(head) + 2:
                rest = value[len(head) :]
                rest = rest[0].upper() + rest[1:]
                return replace(p, **{name: rng.choice(_ABD_FORMS).format(rest)})
    return spelling(rng, p)


def swap(rng: random.Random, p: Identity) -> Identity:
    return replace(p, given_name=p.family_name, family_name=p.given_name)


def birth_date(rng: random.Random, p: Identity) -> Identity:
    if p.birth_date is None or rng.random() < 0.4:
        return replace(p, birth_date=None, birth_date_estimated=False)
    year = p.birth_date.year + rng.randint(-2, 2)
    return replace(p, birth_date=date(year, 1, 1), birth_date_estimated=True)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word)) if rng.random() < 0.85 else 0
    kind = rng.choice(("substitute", "delete", "insert", "transpose"))
    if kind == "substitute":
        return word[:i] + rng.choice(_LETTERS) + word[i + 1 :]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + rng.choice(_LETTERS) + word[i:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def typo(rng: random.Random, p: Identity) -> Identity:
    """One wrong, missing, extra or swapped letter in one name of 4+ letters."""
    fields = [f for f in NAME_FIELDS if any(len(w) >= 4 for w in getattr(p, f).split())]
    if not fields:
        return accents(rng, p)
    name = rng.choice(fields)
    words = getattr(p, name).split(" ")
    k = rng.choice([i for i, w in enumerate(words) if len(w) >= 4])
    words[k] = _typo(words[k], rng)
    return replace(p, **{name: " ".join(words)})


def _reformat_phone(rng: random.Random, phone: str) -> str:
    digits = phone.lstrip("+")
    code, national = digits[:3], digits[3:]
    pairs = " ".join(national[i : i + 2] for i in range(0, len(national), 2))
    return rng.choice(
        (
            f"+{code} {pairs}",
            f"00{code}{national}",
            f"00{code} {pairs}",
            national,
            pairs,
            f"({code}) {national}",
            "-".join(pairs.split()),
            f"+{code}-{national}",
        )
    )


def phone(rng: random.Random, p: Identity) -> Identity:
    if not p.phone or rng.random() < 0.35:
        return replace(p, phone="")
    return replace(p, phone=_reformat_phone(rng, p.phone))


def other_names(rng: random.Random, p: Identity) -> Identity:
    """Registered under another known name, or the other names are left out."""
    if p.other_names and rng.random() < 0.6:
        return replace(p, given_name=p.other_names, other_names=p.given_name)
    if p.other_names:
        return replace(p, other_names="")
    words = p.given_name.split(" ")
    if len(words) > 1:
        return replace(p, given_name=words[0])
    return replace(p, sex="") if rng.random() < 0.5 else case(rng, p)


PERTURBATIONS: tuple[Perturbation, ...] = (
    accents,
    case,
    spelling,
    spelling,
    abdel_split,
    swap,
    birth_date,
    birth_date,
    typo,
    typo,
    phone,
    phone,
    other_names,
)


def _variant_pair(rng: random.Random) -> tuple[Identity, Identity, bool]:
    a = _person(rng, rng.choice(COUNTRIES))
    b = a
    chosen: list[Perturbation] = []
    while len(chosen) < rng.choice((1, 2, 2, 3)):
        perturb = rng.choice(PERTURBATIONS)
        if perturb not in chosen:
            chosen.append(perturb)
    for perturb in chosen:
        b = perturb(rng, b)
    return (a, b, True) if rng.random() < 0.5 else (b, a, True)


# --------------------------------------------------------------------------------------------
# Distinct look-alikes
# --------------------------------------------------------------------------------------------


def _other(rng: random.Random, pool: tuple[str, ...], *avoid: str) -> str:
    """A name of ``pool`` sharing no word or known spelling with the ``avoid`` names."""
    words = {w for name in avoid for w in name.split()}
    banned = words.union(*(g for g in SPELLINGS if words & set(g)))
    return rng.choice([n for n in pool if not banned & set(n.split())])


def _pool(country: Country, sex: str) -> tuple[str, ...]:
    return country.female if sex == "female" else country.male


def _years_apart(rng: random.Random, day: date | None, low: int, high: int) -> date:
    base = day or _random_date(rng, 1960, 2005)
    shift = rng.randint(low, high) * rng.choice((-1, 1))
    return base.replace(year=base.year + shift, day=min(base.day, 28))


def _cosmetic(rng: random.Random, p: Identity) -> Identity:
    """Format noise that says nothing about identity (so distinct pairs are not trivially so)."""
    perturb = rng.choice((accents, case, phone, lambda r, x: x))
    return perturb(rng, p)


def siblings(rng: random.Random, country: Country) -> tuple[Identity, Identity]:
    a = _person(rng, country)
    sex = rng.choice(("female", "male"))
    born, estimated = _birth(rng, _years_apart(rng, a.birth_date, 1, 15))
    b = replace(
        a,
        given_name=_other(rng, _pool(country, sex), a.given_name),
        sex=sex,
        birth_date=born,
        birth_date_estimated=estimated,
        other_names="",
        phone=a.phone if rng.random() < 0.5 else _random_phone(rng, country),
    )
    return a, b


def twins(rng: random.Random, country: Country) -> tuple[Identity, Identity]:
    a = _person(rng, country)
    if a.birth_date is None:
        a = replace(a, birth_date=_random_date(rng, 1980, 2020))
    sex = rng.choice(("female", "male"))
    b = replace(
        a, given_name=_other(rng, _pool(country, sex), a.given_name), sex=sex, other_names=""
    )
    return a, b


def same_given_name(rng: random.Random, country: Country) -> tuple[Identity, Identity]:
    a = _person(rng, country)
    b = _person(rng, country, a.sex or None)
    family = _other(rng, country.family, *a.family_name.split(" "), a.given_name)
    return a, replace(b, given_name=a.given_name, family_name=family)


def namesakes(rng: random.Random, country: Country) -> tuple[Identity, Identity]:
    """Same common names (cousins named after one grandfather, sometimes sharing a phone), born
    more than 5 years apart: both dates exact, or one an estimate well outside its tolerance."""
    a = _person(rng, country)
    a = replace(a, birth_date=_random_date(rng, 1950, 2015), birth_date_estimated=False)
    b = _person(rng, country, a.sex or None)
    if rng.random() < 0.5:
        born, estimated = _years_apart(rng, a.birth_date, 6, 30), False
    else:
        born, estimated = date(_years_apart(rng, a.birth_date, 10, 30).year, 1, 1), True
    return a, replace(
        b,
        given_name=a.given_name,
        family_name=a.family_name,
        birth_date=born,
        birth_date_estimated=estimated,
        phone=a.phone if rng.random() < 0.3 else b.phone,
    )


def other_sex(rng: random.Random, country: Country) -> tuple[Identity, Identity]:
    """Same names (unisex or mistaken) but one is a woman and the other a man."""
    a = replace(_person(rng, country), sex=rng.choice(("female", "male")))
    sex = "male" if a.sex == "female" else "female"
    b = _person(rng, country, sex)
    return a, replace(b, given_name=a.given_name, family_name=a.family_name, sex=sex)


def father_and_son(rng: random.Random, country: Country) -> tuple[Identity, Identity]:
    """Chadian patronymics: Abakar Mahamat's father may well be Mahamat Abakar."""
    son = _person(rng, CHAD, "male")
    father = _person(rng, CHAD, "male")
    if son.birth_date is None:
        son = replace(son, birth_date=_random_date(rng, 1975, 2010))
    born, estimated = _birth(rng, _years_apart(rng, son.birth_date, 20, 40))
    born = born or date(son.birth_date.year - 30, 1, 1)
    father = replace(
        father,
        given_name=son.family_name,
        family_name=son.given_name,
        birth_date=min(born, son.birth_date - timedelta(days=20 * 366)),
        birth_date_estimated=estimated,
    )
    return son, father


_FEMALE = frozenset(n for c in COUNTRIES for n in c.female) | {
    "Anabela",
    "Celestina",
    "Felisberta",
    "Salimata",
    "Bintu",
    "Candida",
}


def _sex_of(given_name: str) -> str:
    return "female" if given_name in _FEMALE else "male"


def lookalike_given(rng: random.Random, country: Country) -> tuple[Identity, Identity]:
    first, second = rng.choice(LOOKALIKE_GIVEN[country.code])
    a = replace(_person(rng, country, _sex_of(first)), given_name=first)
    born, estimated = _birth(rng, _years_apart(rng, a.birth_date, 2, 20))
    b = replace(
        _person(rng, country, _sex_of(second)),
        given_name=second,
        family_name=a.family_name,
        birth_date=born,
        birth_date_estimated=estimated,
    )
    if rng.random() < 0.3:  # brothers or sisters sharing the household phone
        b = replace(b, phone=a.phone)
    return a, b


def lookalike_family(rng: random.Random, country: Country) -> tuple[Identity, Identity]:
    first, second = rng.choice(LOOKALIKE_FAMILY[country.code])
    a = replace(_person(rng, country), family_name=first)
    b = replace(_person(rng, country, a.sex or None), given_name=a.given_name, family_name=second)
    return a, b


DISTINCT_KINDS = (
    (siblings, 20),
    (twins, 8),
    (same_given_name, 14),
    (namesakes, 14),
    (other_sex, 8),
    (father_and_son, 8),
    (lookalike_given, 16),
    (lookalike_family, 12),
)


def _distinct_pair(rng: random.Random) -> tuple[Identity, Identity, bool]:
    kinds, weights = zip(*DISTINCT_KINDS, strict=True)
    kind = rng.choices(kinds, weights=weights)[0]
    a, b = kind(rng, rng.choice(COUNTRIES))
    b = _cosmetic(rng, b)
    return (a, b, False) if rng.random() < 0.5 else (b, a, False)


def make_pairs(
    seed: int = 20250601, n_variant: int = 250, n_distinct: int = 250
) -> list[tuple[Identity, Identity, bool]]:
    """Labelled (a, b, same_person) pairs, deterministic for a given seed."""
    rng = random.Random(seed)
    pairs = [_variant_pair(rng) for _ in range(n_variant)]
    pairs += [_distinct_pair(rng) for _ in range(n_distinct)]
    return pairs
