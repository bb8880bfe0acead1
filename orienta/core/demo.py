"""The demonstration data set: what `make run` shows.

Three countries, two BIOSP sites each, their staff, partner organisations and public services,
about 300 registered persons in households and six months of visits ending today. Everything
goes through the services (`person_register`, `household_create`, `household_add_member`,
`visit_record`) acting as the site's own agents, so the demo obeys the same rules as real work.

The services stamp what they write with the current time. Once a household (or a visit) is
written, `_backdate_*` moves those stamps back to the day it happened (creation time, consent
date, date joined, audit event time), so registrations and indicators read as six lived months.
That is the one place writing without a service: it runs once, in demo mode, in the load's
transaction.

Deterministic: one `random.Random(2026)` drives every choice (dates are relative to today).
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from orienta.core.models import Area, Country, Event, Organisation, Role, Site, User
from orienta.frontdesk.models import AgeBand, Theme, Visit
from orienta.frontdesk.services import visit_record
from orienta.lib.phones import to_e164
from orienta.people.models import (
    CivilDocument,
    Household,
    HouseholdMember,
    MatchDecision,
    Person,
    Relationship,
)
from orienta.people.services import household_add_member, household_create, person_register

PASSWORD = "orienta-demo"
SENTINEL_USERNAME = "agent-td"
SEED = 2026
HISTORY_DAYS = 182
EMAIL_DOMAIN = "demo.orienta.example"

# ---------------------------------------------------------------------------------------------
# Places: administrative areas (level 1 with their level 2), ISO 3166-2 codes for level 1.
# ---------------------------------------------------------------------------------------------

AREAS = {
    "TD": [
        ("TD-ND", "N'Djamena", [
            ("TD-ND-01", "1er arrondissement"), ("TD-ND-02", "2e arrondissement"),
            ("TD-ND-03", "3e arrondissement"), ("TD-ND-04", "4e arrondissement"),
            ("TD-ND-05", "5e arrondissement"), ("TD-ND-06", "6e arrondissement"),
            ("TD-ND-07", "7e arrondissement"), ("TD-ND-08", "8e arrondissement"),
            ("TD-ND-09", "9e arrondissement"), ("TD-ND-10", "10e arrondissement")]),
        ("TD-LO", "Logone Occidental", [
            ("TD-LO-LW", "Lac Wey (Moundou)"), ("TD-LO-DO", "Dodjé"), ("TD-LO-GU", "Guéni"),
            ("TD-LO-NG", "Ngourkosso")]),
        ("TD-LR", "Logone Oriental", [
            ("TD-LR-ML", "Monts de Lam"), ("TD-LR-NP", "Nya Pendé"), ("TD-LR-PE", "La Pendé")]),
        ("TD-OD", "Ouaddaï", [
            ("TD-OD-OU", "Ouara (Abéché)"), ("TD-OD-AS", "Assoungha (Adré)"),
            ("TD-OD-AB", "Abdi")]),
        ("TD-LC", "Lac", [("TD-LC-MA", "Mamdi (Bol)"), ("TD-LC-KA", "Kaya"),
                          ("TD-LC-FO", "Fouli")]),
    ],
    "MZ": [
        ("MZ-MPM", "Maputo Cidade", [
            ("MZ-MPM-KF", "KaMpfumo"), ("MZ-MPM-NL", "Nlhamankulu"),
            ("MZ-MPM-KX", "KaMaxaquene"), ("MZ-MPM-KV", "KaMavota"),
            ("MZ-MPM-KB", "KaMubukwana"), ("MZ-MPM-KT", "KaTembe"), ("MZ-MPM-KN", "KaNyaka")]),
        ("MZ-L", "Maputo Província", [("MZ-L-MT", "Matola"), ("MZ-L-BO", "Boane"),
                                      ("MZ-L-MR", "Marracuene")]),
        ("MZ-S", "Sofala", [
            ("MZ-S-BE", "Beira"), ("MZ-S-DO", "Dondo"), ("MZ-S-NH", "Nhamatanda"),
            ("MZ-S-BU", "Búzi"), ("MZ-S-GO", "Gorongosa")]),
        ("MZ-P", "Cabo Delgado", [
            ("MZ-P-PE", "Pemba"), ("MZ-P-MT", "Montepuez"), ("MZ-P-MP", "Mocímboa da Praia"),
            ("MZ-P-PA", "Palma"), ("MZ-P-MC", "Macomia")]),
    ],
    "GW": [
        ("GW-BS", "Setor Autónomo de Bissau", [
            ("GW-BS-BD", "Bandim"), ("GW-BS-CU", "Cuntum"), ("GW-BS-BM", "Bairro Militar"),
            ("GW-BS-BE", "Belém"), ("GW-BS-MI", "Mindará"), ("GW-BS-AN", "Antula"),
            ("GW-BS-PL", "Plack"), ("GW-BS-RE", "Reino"), ("GW-BS-MS", "Missirá"),
            ("GW-BS-CP", "Chão de Papel")]),
        ("GW-BA", "Bafatá", [("GW-BA-BA", "Bafatá"), ("GW-BA-BB", "Bambadinca"),
                             ("GW-BA-CO", "Contuboel"), ("GW-BA-GA", "Galomaro")]),
        ("GW-GA", "Gabú", [("GW-GA-GA", "Gabú"), ("GW-GA-PI", "Pirada"), ("GW-GA-PT", "Pitche"),
                           ("GW-GA-SO", "Sonaco"), ("GW-GA-BO", "Boé")]),
        ("GW-CA", "Cacheu", [("GW-CA-CN", "Canchungo"), ("GW-CA-CA", "Cacheu"),
                             ("GW-CA-SD", "São Domingos")]),
    ],
}

# ---------------------------------------------------------------------------------------------
# Organisations: key, kind, name, area code, contact person, phone, e-mail (.example), address.
# ---------------------------------------------------------------------------------------------

ORGANISATIONS = {
    "TD": [
        ("essor-td", "ngo", "ESSOR Tchad", "TD-ND-03", "Clarisse Nodjimbaye", "+23522521840",
         "tchad", "Quartier Kabalaye, N'Djamena"),
        ("ats", "cso", "Association Tchad Solidarité", "TD-ND-07", "Abdelkerim Hissein",
         "+23566317520", "tchad-solidarite", "Quartier Chagoua, N'Djamena"),
        ("aefl", "cso", "Association Espoir des Femmes du Logone", "TD-LO-LW", "Rémadji Ngaba",
         "+23599284163", "espoir-femmes-logone", "Quartier Doumbeur, Moundou"),
        ("rjdc", "cso", "Réseau des Jeunes pour le Développement de Chagoua", "TD-ND-07",
         "Djasrabé Mbaïdoum", "+23563905517", "rjdc", "Quartier Dembé, N'Djamena"),
        ("ec-7e", "public", "Centre d'état civil du 7e arrondissement", "TD-ND-07",
         "Mahamat Saleh Adoum", "+23522527314", "etatcivil-7e", "Mairie du 7e arrondissement"),
        ("cs-chagoua", "public", "Centre de santé de Chagoua", "TD-ND-07", "Achta Brahim",
         "+23566485092", "cs-chagoua", "Quartier Chagoua, N'Djamena"),
        ("onape-ndj", "public", "ONAPE — Agence de N'Djamena", "TD-ND-03", "Moussa Idriss",
         "+23522514477", "onape-ndjamena", "Avenue Charles de Gaulle, N'Djamena"),
        ("ec-moundou", "public", "Centre d'état civil de la mairie de Moundou", "TD-LO-LW",
         "Ngarmbaye Djimadoum", "+23522691208", "etatcivil-moundou", "Mairie de Moundou"),
        ("cs-doumbeur", "public", "Centre de santé de Doumbeur", "TD-LO-LW", "Esther Néloumta",
         "+23599637041", "cs-doumbeur", "Quartier Doumbeur, Moundou"),
        ("cftp-moundou", "public", "Centre de formation technique et professionnelle de Moundou",
         "TD-LO-LW", "Daniel Naïmbaye", "+23566720394", "cftp-moundou",
         "Route de Koutou, Moundou"),
        ("afjt", "provider", "Clinique juridique des femmes juristes", "TD-ND-03",
         "Halimé Oumar", "+23563148825", "clinique-juridique", "Quartier Sabangali, N'Djamena"),
    ],
    "MZ": [
        ("essor-mz", "ngo", "ESSOR Moçambique", "MZ-MPM-KF", "Graça Mondlane", "+25821305174",
         "mocambique", "Avenida Julius Nyerere, Maputo"),
        ("kuvumbana", "cso", "Associação Kuvumbana", "MZ-MPM-NL", "Armando Machava",
         "+258843507126", "kuvumbana", "Bairro Chamanculo C, Maputo"),
        ("amum", "cso", "Associação Mulheres Unidas da Munhava", "MZ-S-BE", "Felismina Zimba",
         "+258825163490", "mulheres-munhava", "Bairro da Munhava, Beira"),
        ("rc-maputo", "public", "1.ª Conservatória do Registo Civil de Maputo", "MZ-MPM-KF",
         "Lurdes Matsinhe", "+25821326401", "registocivil-maputo", "Baixa, Maputo"),
        ("cs-chamanculo", "public", "Centro de Saúde de Chamanculo", "MZ-MPM-NL",
         "Samuel Cumbe", "+258824937105", "cs-chamanculo", "Bairro Chamanculo B, Maputo"),
        ("inas-mpm", "public", "INAS — Delegação de Maputo Cidade", "MZ-MPM-KF",
         "Cristina Massingue", "+25821321776", "inas-maputo", "Avenida Eduardo Mondlane"),
        ("cfp-maputo", "public", "Centro de Formação Profissional de Maputo", "MZ-MPM-KB",
         "Jorge Chaúque", "+258845102387", "cfp-maputo", "Bairro do Jardim, Maputo"),
        ("rc-beira", "public", "Conservatória do Registo Civil da Beira", "MZ-S-BE",
         "Tomás Bande", "+25823324190", "registocivil-beira", "Baixa da Beira"),
        ("cs-munhava", "public", "Centro de Saúde da Munhava", "MZ-S-BE", "Amélia Sengo",
         "+258827604319", "cs-munhava", "Bairro da Munhava, Beira"),
        ("gaf-beira", "public", "Gabinete de Atendimento à Família e Menores Vítimas de Violência",
         "MZ-S-BE", "Helena Nhamirre", "+258866045213", "gabinete-familia-beira",
         "Esquadra da Munhava, Beira"),
    ],
    "GW": [
        ("essor-gw", "ngo", "ESSOR Guiné-Bissau", "GW-BS-BE", "Domingas Mendes",
         "+245955108432", "guine-bissau", "Bairro de Belém, Bissau"),
        ("bandim-sol", "cso", "Associação Bandim Solidário", "GW-BS-BD", "Nelson Nhaga",
         "+245966204871", "bandim-solidario", "Bairro de Bandim, Bissau"),
        ("djunta-mon", "cso", "Associação Djunta Mon de Gabú", "GW-GA-GA", "Mariama Seidi",
         "+245955730264", "djunta-mon-gabu", "Gabú, junto ao mercado"),
        ("rc-bissau", "public", "Conservatória do Registo Civil de Bissau", "GW-BS-MS",
         "Augusto Correia", "+245443201547", "registocivil-bissau", "Avenida Amílcar Cabral"),
        ("cs-bandim", "public", "Centro de Saúde de Bandim", "GW-BS-BD", "Filomena Có",
         "+245966871302", "cs-bandim", "Bairro de Bandim, Bissau"),
        ("cfp-bissau", "public", "Centro de Formação Profissional de Bissau", "GW-BS-AN",
         "Quintino Sanhá", "+245955427916", "cfp-bissau", "Bairro de Antula, Bissau"),
        ("rc-gabu", "public", "Conservatória do Registo Civil de Gabú", "GW-GA-GA",
         "Ussumane Djaló", "+245955061738", "registocivil-gabu", "Gabú, Avenida principal"),
        ("hr-gabu", "public", "Hospital Regional de Gabú", "GW-GA-GA", "Kadiatu Embaló",
         "+245966350827", "hospital-gabu", "Gabú"),
    ],
}

# ---------------------------------------------------------------------------------------------
# Sites. `hours`: weekday (0 = Monday) -> opening and closing, local time.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    area: str
    organisation: str
    address: str
    opening_hours: str
    hours: dict[int, tuple[str, str]]
    persons: int
    localities: tuple[tuple[str, str], ...]  # (neighbourhood, area code)
    pools: tuple[tuple[str, int], ...]  # (name pool, weight)
    # (migration status, nationality, weight, name pool or "" for the site's, origin in ORIGINS)
    statuses: tuple[tuple[str, str, int, str, str], ...]


def _week(days: Iterable[int], start: str, end: str) -> dict[int, tuple[str, str]]:
    return {d: (start, end) for d in days}


SITES = {
    "TD": [
        SiteSpec(
            "TD-NDJ1", "BIOSP Chagoua", "TD-ND-07", "ats",
            "Quartier Chagoua, près du marché, 7e arrondissement, N'Djamena",
            "Du lundi au jeudi de 7 h 30 à 15 h 30, le vendredi de 7 h 30 à 12 h",
            _week(range(4), "07:30", "15:30") | {4: ("07:30", "12:00")}, 60,
            (("Chagoua", "TD-ND-07"), ("Dembé", "TD-ND-07"), ("Habbena", "TD-ND-07"),
             ("Abena", "TD-ND-07"), ("Atrone", "TD-ND-07"), ("Kilwiti", "TD-ND-07"),
             ("Boutalbagara", "TD-ND-07"), ("Diguel", "TD-ND-08"), ("Ndjari", "TD-ND-08"),
             ("Walia", "TD-ND-09"), ("Moursal", "TD-ND-06"), ("Paris-Congo", "TD-ND-06")),
            (("td_north", 6), ("td_south", 4)),
            (("national", "TD", 74, "", ""), ("refugee", "SD", 10, "td_north", "sudan"),
             ("idp", "TD", 8, "td_north", "lac"), ("returnee", "TD", 8, "", "car_return")),
        ),
        SiteSpec(
            "TD-MOU1", "BIOSP Doumbeur", "TD-LO-LW", "aefl",
            "Quartier Doumbeur, près de la mairie d'arrondissement, Moundou",
            "Du lundi au vendredi de 7 h à 14 h 30",
            _week(range(5), "07:00", "14:30"), 45,
            (("Doumbeur", "TD-LO-LW"), ("Quartier Haoussa", "TD-LO-LW"),
             ("Guelbé", "TD-LO-LW"), ("Dombao", "TD-LO-LW"), ("Mbombaya", "TD-LO-LW"),
             ("Koutou", "TD-LO-LW"), ("Djarabé", "TD-LO-LW"), ("Quinze Ans", "TD-LO-LW"),
             ("Bébalem", "TD-LO-DO")),
            (("td_south", 9), ("td_north", 1)),
            (("national", "TD", 78, "", ""), ("refugee", "CF", 12, "car", "car"),
             ("returnee", "TD", 10, "td_south", "car_return")),
        ),
    ],
    "MZ": [
        SiteSpec(
            "MZ-MPM1", "BIOSP Chamanculo", "MZ-MPM-NL", "kuvumbana",
            "Bairro Chamanculo C, quarteirão 12, casa n.º 45, Maputo",
            "Segunda a sexta-feira, das 7h30 às 15h30; sábado, das 8h às 12h",
            _week(range(5), "07:30", "15:30") | {5: ("08:00", "12:00")}, 60,
            (("Chamanculo A", "MZ-MPM-NL"), ("Chamanculo B", "MZ-MPM-NL"),
             ("Chamanculo C", "MZ-MPM-NL"), ("Chamanculo D", "MZ-MPM-NL"),
             ("Xipamanine", "MZ-MPM-NL"), ("Aeroporto A", "MZ-MPM-NL"),
             ("Minkadjuíne", "MZ-MPM-NL"), ("Malanga", "MZ-MPM-NL"),
             ("Mafalala", "MZ-MPM-KX"), ("Maxaquene", "MZ-MPM-KX"),
             ("Polana Caniço", "MZ-MPM-KX"), ("Alto Maé", "MZ-MPM-KF"),
             ("Zimpeto", "MZ-MPM-KB"), ("Magoanine", "MZ-MPM-KB")),
            (("mz_south", 1),),
            (("national", "MZ", 94, "", ""), ("idp", "MZ", 6, "mz_north", "cabo_delgado")),
        ),
        SiteSpec(
            "MZ-BEI1", "BIOSP Munhava", "MZ-S-BE", "amum",
            "Bairro da Munhava, junto ao mercado, Beira",
            "Segunda a sexta-feira, das 8h às 15h30",
            _week(range(5), "08:00", "15:30"), 45,
            (("Munhava", "MZ-S-BE"), ("Manga", "MZ-S-BE"), ("Chaimite", "MZ-S-BE"),
             ("Esturro", "MZ-S-BE"), ("Goto", "MZ-S-BE"), ("Chipangara", "MZ-S-BE"),
             ("Matacuane", "MZ-S-BE"), ("Ndunda", "MZ-S-BE"), ("Inhamízua", "MZ-S-BE"),
             ("Mafarinha", "MZ-S-DO")),
            (("mz_centre", 1),),
            (("national", "MZ", 82, "", ""), ("idp", "MZ", 10, "mz_north", "cabo_delgado"),
             ("idp", "MZ", 8, "", "cyclone")),
        ),
    ],
    "GW": [
        SiteSpec(
            "GW-BIS1", "BIOSP Bandim", "GW-BS-BD", "bandim-sol",
            "Bairro de Bandim, Estrada de Bandim, junto ao mercado, Bissau",
            "Segunda a sexta-feira, das 8h às 15h",
            _week(range(5), "08:00", "15:00"), 55,
            (("Bandim", "GW-BS-BD"), ("Cuntum", "GW-BS-CU"), ("Bairro Militar", "GW-BS-BM"),
             ("Belém", "GW-BS-BE"), ("Mindará", "GW-BS-MI"), ("Antula", "GW-BS-AN"),
             ("Plack", "GW-BS-PL"), ("Reino", "GW-BS-RE"), ("Missirá", "GW-BS-MS"),
             ("Chão de Papel", "GW-BS-CP")),
            (("gw_coast", 11), ("gw_east", 9)),
            (("national", "GW", 92, "", ""), ("migrant", "GN", 5, "gw_east", "guinea"),
             ("migrant", "SN", 3, "gw_east", "senegal")),
        ),
        SiteSpec(
            "GW-GAB1", "BIOSP Gabú Centro", "GW-GA-GA", "djunta-mon",
            "Gabú, Avenida principal, perto do mercado central",
            "Segunda a sexta-feira, das 8h30 às 14h30; sábado, das 9h às 12h",
            _week(range(5), "08:30", "14:30") | {5: ("09:00", "12:00")}, 35,
            (("Gabú", "GW-GA-GA"), ("Pirada", "GW-GA-PI"), ("Pitche", "GW-GA-PT"),
             ("Sonaco", "GW-GA-SO"), ("Canquelifá", "GW-GA-PT"), ("Contuboel", "GW-BA-CO"),
             ("Bafatá", "GW-BA-BA")),
            (("gw_east", 9), ("gw_coast", 1)),
            (("national", "GW", 90, "", ""), ("migrant", "GN", 7, "gw_east", "guinea"),
             ("returnee", "GW", 3, "", "return")),
        ),
    ],
}

# ---------------------------------------------------------------------------------------------
# Names. Chadian family names are the father's given name (patronymic).
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...] = ()  # empty: patronymic, taken from `male`


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


POOLS = {
    "td_north": NamePool(
        _names("Mahamat, Abakar, Ahmat, Moussa, Oumar, Hassan, Hissein, Youssouf, Idriss, Adoum,"
               "Brahim, Saleh, Abdelkerim, Djibrine, Souleymane, Haroun, Ousmane, Ali, Issa,"
               "Abdallah, Yacoub, Hamid, Mahamoud, Ramadan, Adam, Ismaël"),
        _names("Achta, Fatimé, Halimé, Kaltouma, Zara, Hawa, Khadidja, Zenaba, Mariam, Aché,"
               "Amina, Hadjé, Asia, Djamila, Hapsita, Mahadié, Aïcha, Haoua, Nafissa, Rakié")),
    "td_south": NamePool(
        _names("Ngarta, Djimadoum, Ndoubabé, Nadjingar, Mbaïdoum, Allarassem, Djasrabé,"
               "Naïmbaye, Ngarmbaye, Laoukoura, Ngaba, Dingamadji, Ngartoïdé, Ngardoum,"
               "Djimasngar, Ndilbé, Jean, Emmanuel, Daniel, Samuel"),
        _names("Rémadji, Néloumta, Mbaïrassem, Nodjitar, Ngarmadji, Marie, Esther, Rachel,"
               "Solange, Béatrice, Clarisse, Odile, Prisca, Josiane, Madeleine, Ruth, Déborah,"
               "Rebecca, Élise, Monique")),
    "car": NamePool(
        _names("Jean-Baptiste, Serge, Thierry, Rodrigue, Firmin, Olivier, Aimé, Gervais,"
               "Didier, Crépin"),
        _names("Rosine, Odette, Clarisse, Sylvie, Pélagie, Laure, Albertine, Chantal, Edith,"
               "Nadège"),
        _names("Ngaïkoua, Yakoma, Ndomanda, Gbadora, Koyassé, Sélémbi, Yangoumalé, Zoumaldé,"
               "Kossingou, Mbolio")),
    "mz_south": NamePool(
        _names("João, Joaquim, Alberto, Armando, Ernesto, Fernando, Jorge, Lucas, Manuel,"
               "Paulo, Samuel, Tomás, Zacarias, Hélder, Arsénio, Celso, Dércio, Edson,"
               "Américo, Osvaldo"),
        _names("Ana, Maria, Celeste, Amélia, Argentina, Cristina, Esperança, Felismina, Graça,"
               "Helena, Isabel, Joana, Lurdes, Marta, Rosa, Sónia, Teresa, Glória, Luísa,"
               "Albertina, Atália, Cacilda"),
        _names("Macuácua, Nhantumbo, Cossa, Sitoe, Langa, Tembe, Muianga, Chissano, Mabunda,"
               "Machava, Mondlane, Matsinhe, Chaúque, Mucavele, Bila, Cumbe, Massingue,"
               "Zandamela, Novela, Manhiça, Mahumane, Nhaca, Chambal, Uamusse")),
    "mz_centre": NamePool(
        _names("João, Joaquim, Alberto, Armando, Ernesto, Fernando, Jorge, Manuel, Paulo,"
               "Tomás, Zacarias, Jossias, Filipe, Rafael, Chico, Baptista, Luís, Castigo"),
        _names("Ana, Maria, Celeste, Amélia, Cristina, Esperança, Felismina, Helena, Isabel,"
               "Joana, Marta, Rosa, Teresa, Luísa, Ilda, Virgínia, Fátima, Regina"),
        _names("Simango, Zimba, Bande, Nhamirre, Chiponda, Sengo, Jasse, Mussa, Chemane,"
               "Nhampossa, Semente, Gimo, Chirindza, Manuel, Sixpence, Tivane")),
    "mz_north": NamePool(
        _names("Assane, Momade, Rachide, Sumail, Abdul, Amisse, Cassimo, Issa, Saide, Buanar"),
        _names("Fátima, Anifa, Amina, Zainabo, Muaziza, Rehema, Mariamo, Sumaia, Halima,"
               "Nurdine"),
        _names("Assane, Momade, Abdala, Buanar, Saide, Bacar, Issufo, Atumane, Cassimo,"
               "Sualehe")),
    "gw_east": NamePool(
        _names("Mamadú, Braima, Bubacar, Aliu, Umaro, Sadjo, Samba, Ussumane, Abdulai, Mussa,"
               "Seco, Saliu, Alfa, Lamine, Tcherno, Demba, Iaia, Sulemane"),
        _names("Aissatu, Fatumata, Mariama, Cadi, Binta, Kadiatu, Djenabu, Ramatulai, Sirá,"
               "Mariatu, Nené, Umu, Hawa, Tenem, Assanatu, Cumba"),
        _names("Djaló, Baldé, Embaló, Sané, Mané, Camará, Seidi, Turé, Sissé, Candé, Jau,"
               "Bari, Sow, Djassi, Dabó, Cassamá")),
    "gw_coast": NamePool(
        _names("João, Domingos, Armando, Carlos, Nelson, Fernando, Augusto, Tomás, Quintino,"
               "Júlio, Albino, Mário, Adriano, Ivo, Malam, Nhaga"),
        _names("Maria, Joana, Isabel, Filomena, Esperança, Rosa, Luísa, Domingas, Helena,"
               "Fátima, Cátia, Nhima, Sábado, Teresa, Adelina, Marcelina"),
        _names("Sanhá, Có, Nhaga, Mendes, Gomes, Cá, Indjai, Na Bitchita, Nanque, Iala, Té,"
               "Correia, Vaz, Pereira, Lopes, Tavares, Nhanca, Biague, Dju, Quadé")),
}

# ---------------------------------------------------------------------------------------------
# What people do, and what they come for, per country.
# ---------------------------------------------------------------------------------------------

OCCUPATIONS = {
    "fr": {
        "female": _names("Commerçante, Ménagère, Vendeuse de beignets, Couturière, Cultivatrice,"
                         "Coiffeuse, Sans emploi, Restauratrice, Vendeuse au marché,"
                         "Aide-ménagère, Enseignante communautaire"),
        "male": _names("Cultivateur, Commerçant, Mécanicien, Maçon, Tailleur, Sans emploi,"
                       "Conducteur de moto-taxi, Manœuvre, Éleveur, Menuisier, Gardien,"
                       "Soudeur"),
        "youth_female": _names("Élève, Étudiante, Apprentie couturière, Sans emploi,"
                               "Vendeuse de beignets, Apprentie coiffeuse"),
        "youth_male": _names("Élève, Étudiant, Apprenti mécanicien, Sans emploi,"
                             "Vendeur ambulant, Apprenti maçon"),
        "child": ("Élève",),
    },
    "pt": {
        "female": _names("Vendedeira no mercado, Doméstica, Costureira, Camponesa,"
                         "Cabeleireira, Desempregada, Empregada doméstica, Vendedeira de peixe,"
                         "Quitandeira, Activista comunitária"),
        "male": _names("Pedreiro, Mecânico, Pescador, Camponês, Desempregado, Carpinteiro,"
                       "Motorista, Guarda, Vendedor ambulante, Electricista, Serralheiro,"
                       "Estivador"),
        "youth_female": _names("Estudante, Aprendiz de costura, Desempregada,"
                               "Vendedeira ambulante, Aprendiz de cabeleireira"),
        "youth_male": _names("Estudante, Aprendiz de mecânica, Desempregado, Vendedor ambulante,"
                             "Ajudante de pedreiro"),
        "child": ("Estudante",),
    },
}

# Weights of the themes of a visit (codes of frontdesk.Theme).
THEME_WEIGHTS = {
    "TD": {"civil_registration": 30, "vocational_training": 12, "employment": 12, "health": 10,
           "rights": 8, "social_protection": 8, "education": 7, "gbv": 5, "child_protection": 4,
           "disability": 2, "housing": 1, "other": 1},
    "MZ": {"civil_registration": 20, "employment": 16, "health": 14, "social_protection": 14,
           "vocational_training": 10, "education": 8, "gbv": 6, "child_protection": 4,
           "housing": 4, "disability": 2, "rights": 1, "other": 1},
    "GW": {"civil_registration": 26, "health": 14, "education": 12, "vocational_training": 12,
           "employment": 12, "social_protection": 6, "gbv": 6, "child_protection": 5,
           "rights": 3, "disability": 2, "housing": 1, "other": 1},
}

NOTES = {
    "fr": {
        "civil_registration": "Demande d'acte de naissance ; pièces à réunir expliquées "
                              "(jugement supplétif, témoins).",
        "vocational_training": "Intéressé(e) par une formation en couture ou en mécanique ; "
                               "calendrier des inscriptions remis.",
        "employment": "Recherche d'emploi ; inscription à l'ONAPE expliquée.",
        "health": "Besoin de consultation ; horaires et tarifs du centre de santé donnés.",
        "rights": "Questions sur ses droits ; permanences de la clinique juridique indiquées.",
        "social_protection": "Famille en grande difficulté ; évaluation de vulnérabilité à faire.",
        "education": "Enfant non scolarisé ; démarches d'inscription expliquées.",
        "gbv": "Écoute confidentielle ; possibilités d'accompagnement expliquées.",
        "child_protection": "Situation d'enfant à risque signalée ; suivi à organiser.",
        "disability": "Demande de carte d'invalidité ; démarches expliquées.",
    },
    "pt": {
        "civil_registration": "Pedido de registo de nascimento; documentos necessários "
                              "explicados.",
        "vocational_training": "Interessado(a) num curso de costura ou mecânica; datas de "
                               "inscrição entregues.",
        "employment": "Procura de emprego; explicada a inscrição no centro de emprego.",
        "health": "Precisa de consulta; dados horários e custos do centro de saúde.",
        "rights": "Dúvidas sobre os seus direitos; indicado o atendimento jurídico.",
        "social_protection": "Família em grande dificuldade; avaliação de vulnerabilidade a "
                             "fazer.",
        "education": "Criança fora da escola; explicados os passos da matrícula.",
        "gbv": "Escuta confidencial; explicadas as possibilidades de acompanhamento.",
        "child_protection": "Criança em situação de risco sinalizada; acompanhamento a organizar.",
        "disability": "Pedido de cartão de deficiência; explicados os passos a seguir.",
    },
}

# What a displaced or migrant person tells at their first visit (origin key of SiteSpec.statuses).
ORIGINS = {
    "sudan": "Réfugié(e) soudanais(e) arrivé(e) par Adré ; vit chez des proches, sans document.",
    "car": "Réfugié(e) centrafricain(e) venu(e) des camps de Goré ; cherche une activité.",
    "lac": "Déplacé(e) de la province du Lac (Bol) après les attaques ; hébergé(e) par des "
           "proches.",
    "car_return": "Retourné(e) tchadien(ne) de Centrafrique ; aucun acte de naissance tchadien.",
    "cabo_delgado": "Deslocado(a) de Cabo Delgado (Macomia) por causa do conflito; chegou sem "
                    "documentos.",
    "cyclone": "Família deslocada pelo ciclone no Búzi; vive num bairro de reassentamento.",
    "guinea": "Migrante vindo(a) da Guiné-Conacri; procura trabalho e documentos.",
    "senegal": "Migrante vindo(a) do Senegal (Casamança); procura trabalho.",
    "return": "Regressou do Senegal após anos de trabalho; precisa de documentos.",
}

# Share of persons holding a document: (adults, children).
DOCUMENT_RATES = {
    "TD": {"birth_certificate": (0.25, 0.2), "national_id": (0.35, 0.0),
           "voter_card": (0.4, 0.0), "family_book": (0.08, 0.0)},
    "MZ": {"birth_certificate": (0.55, 0.5), "national_id": (0.5, 0.05),
           "voter_card": (0.45, 0.0)},
    "GW": {"birth_certificate": (0.35, 0.3), "national_id": (0.3, 0.0),
           "voter_card": (0.35, 0.0)},
}
SCHOOLING = {"TD": 0.8, "MZ": 1.25, "GW": 1.0}  # >1: more schooling than the weights below
ESTIMATED_BIRTH = {"TD": 0.45, "MZ": 0.2, "GW": 0.35}
MOBILE_PREFIXES = {"TD": ("60", "63", "65", "66", "68", "90", "91", "92", "93", "95", "99"),
                   "MZ": ("82", "83", "84", "85", "86", "87"),
                   "GW": ("955", "956", "957", "966", "969")}
NATIONAL_LENGTH = {"TD": 8, "MZ": 9, "GW": 9}

# Near-duplicate registrations, so the duplicate check and the merge can be shown. The first
# record heads a household; the second is registered later, alone, with a variant spelling.
DUPLICATES = {
    "TD-NDJ1": [
        (dict(given_name="Mahamat", family_name="Abakar", sex="male",
              birth_date=date(1984, 3, 12), phone="+23566214387"),
         dict(given_name="Mohamed", family_name="Abakar", birth_date=date(1984, 1, 1),
              birth_date_estimated=True)),
        (dict(given_name="Fatimé", family_name="Haroun", sex="female",
              birth_date=date(1995, 8, 20), phone="+23599730516"),
         dict(given_name="Fatima", family_name="Harun", phone="")),
    ],
    "MZ-MPM1": [
        (dict(given_name="Celeste", family_name="Nhantumbo", sex="female",
              birth_date=date(1991, 11, 4), phone="+258843126705"),
         dict(family_name="Nhantumbu", birth_date=None)),
    ],
    "GW-BIS1": [
        (dict(given_name="Aissatu", family_name="Djaló", sex="female",
              birth_date=date(1988, 6, 15), phone="+245955316842"),
         dict(given_name="Aissatou", family_name="Diallo")),
    ],
    "GW-GAB1": [
        (dict(given_name="Braima", family_name="Baldé", sex="male",
              birth_date=date(1979, 1, 1), birth_date_estimated=True, phone="+245966512093"),
         dict(given_name="Ibrahima", phone="")),
    ],
}

# ---------------------------------------------------------------------------------------------
# Accounts: username, role, first name, last name, site code (agents, managers) or country.
# ---------------------------------------------------------------------------------------------

ACCOUNTS = [
    ("agent-td", Role.AGENT, "Zara", "Ousmane", "TD-NDJ1", "TD"),
    ("manager-td", Role.MANAGER, "Nadjingar", "Mbaïdoum", "TD-NDJ1", "TD"),
    ("agent-td2", Role.AGENT, "Rémadji", "Ndoubabé", "TD-MOU1", "TD"),
    ("coordinator-td", Role.COORDINATOR, "Hawa", "Abdelkerim", "", "TD"),
    ("agent-mz", Role.AGENT, "Lurdes", "Sitoe", "MZ-MPM1", "MZ"),
    ("agent-mz2", Role.AGENT, "Ernesto", "Simango", "MZ-BEI1", "MZ"),
    ("coordinator-mz", Role.COORDINATOR, "Alberto", "Mabunda", "", "MZ"),
    ("agent-gw", Role.AGENT, "Fatumata", "Embaló", "GW-BIS1", "GW"),
    ("agent-gw2", Role.AGENT, "Sadjo", "Baldé", "GW-GAB1", "GW"),
    ("me-hq", Role.ME, "Claire", "Morel", "", ""),
    ("admin", Role.ADMIN, "Julien", "Fabre", "", ""),
]


# =============================================================================================
# Building
# =============================================================================================


@dataclass
class Context:
    """What the builders share while loading: the random stream, the clock, looked-up rows."""

    rng: random.Random
    now: datetime
    themes: dict[str, Theme]
    countries: dict[str, Country] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    phones: set[str] = field(default_factory=set)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def already_loaded() -> bool:
    return User.objects.filter(username=SENTINEL_USERNAME).exists()


def load(*, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Load the whole demo in one transaction; returns counts per site."""
    ctx = Context(rng=random.Random(SEED), now=now or timezone.now(),
                  themes=Theme.objects.in_bulk())
    ctx.phones.update(orig["phone"] for dups in DUPLICATES.values() for orig, _v in dups)
    with transaction.atomic():
        for code, country in Country.objects.in_bulk(field_name="code").items():
            if code in SITES:
                ctx.countries[code] = country
        build_areas(ctx)
        build_organisations(ctx)
        build_sites(ctx)
        build_accounts(ctx)
        for country_code, specs in SITES.items():
            for spec in specs:
                build_site_history(ctx, spec, country_code)
    return ctx.counts


def build_areas(ctx: Context) -> None:
    for country_code, regions in AREAS.items():
        country = ctx.countries[country_code]
        for code, name, districts in regions:
            region, _ = Area.objects.get_or_create(
                code=code, defaults=dict(country=country, level=1, name=name))
            ctx.areas[code] = region
            for sub_code, sub_name in districts:
                ctx.areas[sub_code], _ = Area.objects.get_or_create(
                    code=sub_code,
                    defaults=dict(country=country, level=2, parent=region, name=sub_name))


def build_organisations(ctx: Context) -> None:
    for country_code, rows in ORGANISATIONS.items():
        country = ctx.countries[country_code]
        for key, kind, name, area, contact, phone, mailbox, address in rows:
            ctx.organisations[key], _ = Organisation.objects.get_or_create(
                name=name, country=country,
                defaults=dict(kind=kind, area=ctx.areas[area], contact_name=contact,
                              phone=to_e164(phone, country_code),
                              email=f"contact@{mailbox}.example", address=address))


def build_sites(ctx: Context) -> None:
    for country_code, specs in SITES.items():
        country = ctx.countries[country_code]
        for spec in specs:
            ctx.sites[spec.code], _ = Site.objects.get_or_create(
                code=spec.code,
                defaults=dict(name=spec.name, country=country, area=ctx.areas[spec.area],
                              organisation=ctx.organisations[spec.organisation],
                              address=spec.address, opening_hours=spec.opening_hours,
                              timezone=country.timezone))


def build_accounts(ctx: Context) -> None:
    """The demo accounts; one password hash shared by all (hashing is deliberately slow)."""
    hashed = make_password(PASSWORD)
    essor = {"TD": "essor-td", "MZ": "essor-mz", "GW": "essor-gw"}
    for username, role, first, last, site_code, country_code in ACCOUNTS:
        is_admin = role == Role.ADMIN
        user = User.objects.create(
            username=username, password=hashed, role=role, first_name=first, last_name=last,
            email=f"{username}@{EMAIL_DOMAIN}", is_staff=is_admin, is_superuser=is_admin,
            country=ctx.countries.get(country_code),
            organisation=(ctx.organisations[essor[country_code]]
                          if role == Role.COORDINATOR else None),
        )
        if site_code:
            user.sites.set([ctx.sites[site_code]])
        ctx.users[username] = user


def site_agents(ctx: Context, site: Site) -> list[User]:
    """The site's staff, its first agent first (they record most of the work)."""
    return [ctx.users[name] for name, _role, _f, _l, code, _c in ACCOUNTS if code == site.code]


# ---------------------------------------------------------------------------------------------
# One site's six months
# ---------------------------------------------------------------------------------------------


@dataclass
class Member:
    relationship: str
    sex: str
    age: int
    given_name: str
    family_name: str
    identity: dict = field(default_factory=dict)  # fixed identity (near-duplicate pairs)


@dataclass
class HouseholdPlan:
    when: datetime
    status: tuple[str, str]  # migration status, nationality
    locality: tuple[str, str]
    members: list[Member]
    origin: str = ""


@dataclass(frozen=True)
class Registration:
    person: Person
    when: datetime
    age: int
    origin: str


@dataclass
class SiteRun:
    """One site being built: its spec, its staff and what was registered so far."""

    ctx: Context
    spec: SiteSpec
    country: str
    site: Site
    agents: list[User]
    tz: ZoneInfo
    start: date
    end: date  # yesterday, local time
    registered: list[Registration] = field(default_factory=list)

    @property
    def rng(self) -> random.Random:
        return self.ctx.rng

    @property
    def language(self) -> str:
        return self.site.country.language

    def agent(self) -> User:
        return self.rng.choices(self.agents, weights=[4] + [1] * (len(self.agents) - 1))[0]


def build_site_history(ctx: Context, spec: SiteSpec, country_code: str) -> None:
    site = ctx.sites[spec.code]
    tz = ZoneInfo(site.timezone)
    today = ctx.now.astimezone(tz).date()
    run = SiteRun(ctx, spec, country_code, site, site_agents(ctx, site), tz,
                  start=today - timedelta(days=HISTORY_DAYS), end=today - timedelta(days=1))
    dups = DUPLICATES.get(spec.code, [])
    plans = plan_households(run, spec.persons - len(dups), [orig for orig, _v in dups])
    plans += [plan_duplicate(run, orig, variant) for orig, variant in dups]
    for plan in sorted(plans, key=lambda p: p.when):
        register_household(run, plan)
    record_person_visits(run)
    record_anonymous_visits(run, count=round(spec.persons * 0.6))
    record_todays_visits(run)
    _backdate_visits(site)
    ctx.counts[spec.code] = {
        "persons": Person.objects.filter(site=site).count(),
        "households": Household.objects.filter(site=site).count(),
        "visits": Visit.objects.filter(site=site).count(),
        "anonymous": Visit.objects.filter(site=site, person__isnull=True).count(),
    }


# ---------------------------------------------------------------------------------------------
# Time: open days and hours of a site
# ---------------------------------------------------------------------------------------------


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _at(run: SiteRun, day: date, minute: int) -> datetime:
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=run.tz)
    return local.astimezone(UTC)


def open_day(run: SiteRun, first: date, last: date, skew: float = 1.0) -> date | None:
    """A random day the site is open between two days (None if there is none).

    A `skew` above 1 favours the first days, so more people have a history to show.
    """
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [day for day in days if day.weekday() in run.spec.hours]
    if not days:
        return None
    return days[int(len(days) * run.rng.random() ** skew)]


def history_day(run: SiteRun, first: date, last: date, skew: float = 1.0) -> date:
    """An open day in a span of weeks of the history (every site opens every week)."""
    day = open_day(run, first, last, skew)
    if day is None:
        raise ValueError(f"{run.spec.code} is never open from {first} to {last}")
    return day


def visit_time(run: SiteRun, day: date) -> datetime:
    """A time within the site's opening hours that day (busier in the morning)."""
    opening, closing = (_minutes(t) for t in run.spec.hours[day.weekday()])
    minute = int(run.rng.triangular(opening, closing - 15, opening + 60))
    return _at(run, day, minute)


# ---------------------------------------------------------------------------------------------
# Households: who lives together, with plausible names and ages
# ---------------------------------------------------------------------------------------------

HOUSEHOLD_SIZES = {1: 16, 2: 11, 3: 14, 4: 16, 5: 14, 6: 12, 7: 9, 8: 8}


def plan_households(run: SiteRun, quota: int, heads: list[dict]) -> list[HouseholdPlan]:
    """Households up to `quota` persons: first those headed by the `heads` given (nationals),
    then one of each displaced or migrant group of the site, then at random."""
    statuses = run.spec.statuses
    first_rows = [statuses[0]] * len(heads) + list(statuses[1:])
    plans: list[HouseholdPlan] = []
    total = 0
    while total < quota:
        size = run.rng.choices(list(HOUSEHOLD_SIZES), weights=list(HOUSEHOLD_SIZES.values()))[0]
        size = min(size, quota - total)
        index = len(plans)
        head = heads[index] if index < len(heads) else None
        if head and size == 1:
            size = min(3, quota - total)
        row = first_rows[index] if index < len(first_rows) else None
        plans.append(plan_household(run, size, head, row))
        total += size
    return plans


def _pick_status(run: SiteRun, row: tuple | None) -> tuple[str, str, str, str]:
    rows = run.spec.statuses
    row = row or run.rng.choices(rows, weights=[r[2] for r in rows])[0]
    status, nationality, _w, pool, origin = row
    if not pool:
        pool = run.rng.choices([p for p, _w in run.spec.pools],
                               weights=[w for _p, w in run.spec.pools])[0]
    return status, nationality, pool, origin


def plan_household(run: SiteRun, size: int, head_identity: dict | None,
                   status_row: tuple | None = None) -> HouseholdPlan:
    rng = run.rng
    status, nationality, pool_key, origin = _pick_status(run, status_row)
    names = Namer(run, POOLS[pool_key])
    head = _plan_head(run, names, size, head_identity)
    members = [head]
    spouse = None
    if size > 1 and rng.random() < (0.85 if head.sex == "male" else 0.25):
        spouse = _plan_spouse(run, names, head)
        members.append(spouse)
    while len(members) < size:
        members.append(_plan_relative(run, names, head, spouse, members))
    when = visit_time(run, history_day(run, run.start, run.end, skew=1.3))
    return HouseholdPlan(when=when, status=(status, nationality),
                         locality=rng.choice(run.spec.localities), members=members, origin=origin)


def _plan_head(run: SiteRun, names: "Namer", size: int, identity: dict | None) -> Member:
    rng = run.rng
    if identity:
        age = _age_in_years(identity["birth_date"], run.end)
        return Member(Relationship.HEAD, identity["sex"], age, identity["given_name"],
                      identity["family_name"], identity=identity)
    sex = "female" if rng.random() < 0.55 else "male"
    if size == 1:
        age = rng.randint(17, 24) if rng.random() < 0.55 else rng.randint(25, 72)
    else:
        age = rng.randint(22, 60) if rng.random() < 0.88 else rng.randint(61, 78)
    return Member(Relationship.HEAD, sex, age, names.given(sex), names.family_of_own())


def _plan_spouse(run: SiteRun, names: "Namer", head: Member) -> Member:
    if head.sex == "male":
        age = max(17, head.age - run.rng.randint(0, 12))
        return Member(Relationship.SPOUSE, "female", age, names.given("female"),
                      names.family_of_own())
    age = head.age + run.rng.randint(0, 10)
    return Member(Relationship.SPOUSE, "male", age, names.given("male"), names.family_of_own())


def _plan_relative(run: SiteRun, names: "Namer", head: Member, spouse: Member | None,
                   members: list[Member]) -> Member:
    rng = run.rng
    sex = "female" if rng.random() < 0.56 else "male"
    roll = rng.random()
    if roll < 0.08 and head.age < 45:
        return names.parent_of(head, sex, head.age + rng.randint(18, 30), members)
    if roll < 0.16:
        return Member(Relationship.SIBLING, sex, max(8, head.age + rng.randint(-12, 8)),
                      names.given(sex, avoid=members), head.family_name)
    if roll < 0.26 and head.age >= 42:
        return Member(Relationship.GRANDCHILD, sex, rng.randint(0, 9),
                      names.given(sex, avoid=members), names.family_of_grandchild(head))
    if roll < 0.30:
        return Member(Relationship.OTHER_RELATIVE, sex, rng.randint(6, 30),
                      names.given(sex, avoid=members), names.family_of_own())
    mother_age = next((m.age for m in (head, spouse) if m and m.sex == "female"), head.age - 3)
    age = rng.randint(0, max(0, min(mother_age - 16, 24)))
    return Member(Relationship.CHILD, sex, age, names.given(sex, avoid=members),
                  names.family_of_child(head, spouse))


class Namer:
    """Names from one pool; Chadian pools are patronymic (family name = father's given name)."""

    def __init__(self, run: SiteRun, pool: NamePool):
        self.rng, self.pool = run.rng, pool
        self.absent_father = self.rng.choice(pool.family or pool.male)

    def given(self, sex: str, avoid: Iterable[Member] = ()) -> str:
        choices = self.pool.female if sex == "female" else self.pool.male
        taken = {m.given_name for m in avoid}
        return self.rng.choice([n for n in choices if n not in taken] or choices)

    def family_of_own(self) -> str:
        return self.rng.choice(self.pool.family or self.pool.male)

    def family_of_child(self, head: Member, spouse: Member | None) -> str:
        father = next((m for m in (head, spouse) if m and m.sex == "male"), None)
        if not self.pool.family:  # patronymic
            return father.given_name.split()[0] if father else self.absent_father
        if father:
            return father.family_name
        return self.absent_father if self.rng.random() < 0.5 else head.family_name

    def family_of_grandchild(self, head: Member) -> str:
        if self.pool.family and self.rng.random() < 0.6:
            return head.family_name
        return self.family_of_own()

    def parent_of(self, head: Member, sex: str, age: int, members: list[Member]) -> Member:
        """The head's father gave the head their (patronymic) family name."""
        given, family = self.given(sex, avoid=members), self.family_of_own()
        if sex == "male":
            if self.pool.family:
                family = head.family_name
            else:
                given = head.family_name
        return Member(Relationship.PARENT, sex, age, given, family)


def _age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def plan_duplicate(run: SiteRun, original: dict, variant: dict) -> HouseholdPlan:
    """The second record of a person: same phone or birth date, a variant spelling."""
    identity = original | variant
    first = run.start + timedelta(days=HISTORY_DAYS // 2)
    when = visit_time(run, history_day(run, first, run.end - timedelta(days=3)))
    born = identity["birth_date"] or original["birth_date"]
    member = Member("", identity["sex"], _age_in_years(born, run.end),
                    identity["given_name"], identity["family_name"], identity=identity)
    status = run.spec.statuses[0]  # nationals
    return HouseholdPlan(when=when, status=(status[0], status[1]),
                         locality=run.spec.localities[0], members=[member])


# ---------------------------------------------------------------------------------------------
# A person's data
# ---------------------------------------------------------------------------------------------


def person_data(run: SiteRun, plan: HouseholdPlan, member: Member) -> dict:
    rng = run.rng
    status, nationality = plan.status
    born, estimated = birth_date(run, member, status)
    data = {
        "given_name": member.given_name, "family_name": member.family_name,
        "sex": member.sex, "birth_date": born, "birth_date_estimated": estimated,
        "phone": phone_for(run, member), "locality": plan.locality[0],
        "area": run.ctx.areas[plan.locality[1]], "nationality": nationality,
        "migration_status": status,
        "documents": documents_for(run, member.age, status),
        "education": education_for(run, member.age),
        "occupation": occupation_for(run, member),
        "consent_processing": rng.random() < 0.97,
    }
    data["consent_sharing"] = data["consent_processing"] and rng.random() < 0.8
    if data["phone"] and rng.random() < 0.08:
        data["phone_alt"] = new_phone(run)
    if member.age >= 18 and rng.random() < 0.45:
        data |= washington_group(run, member.age)
    if member.identity:
        data |= {"birth_date_estimated": False} | member.identity
    return data


def birth_date(run: SiteRun, member: Member, status: str) -> tuple[date, bool]:
    rng = run.rng
    share = ESTIMATED_BIRTH[run.country] + (0.25 if status in ("refugee", "idp") else 0.0)
    share += 0.3 if member.age >= 55 else 0.0
    share = share / 3 if member.age < 15 else share
    year = run.end.year - member.age
    if rng.random() < share:  # "born about 1985", written 1 January 1985
        return date(year, 1, 1), True
    born = date(year, 1, 1) - timedelta(days=rng.randint(0, 364))
    return min(born, run.end - timedelta(days=30)), False


def new_phone(run: SiteRun) -> str:
    """A valid, unused mobile number of the country, in E.164."""
    prefixes, length = MOBILE_PREFIXES[run.country], NATIONAL_LENGTH[run.country]
    code = run.site.country.phone_prefix
    while True:
        prefix = run.rng.choice(prefixes)
        rest = "".join(str(run.rng.randint(0, 9)) for _ in range(length - len(prefix)))
        number = to_e164(f"{code}{prefix}{rest}", run.country)
        if number not in run.ctx.phones:
            run.ctx.phones.add(number)
            return number


def phone_for(run: SiteRun, member: Member) -> str:
    if member.identity:
        return member.identity.get("phone", "")
    share = {Relationship.HEAD: 0.85, Relationship.SPOUSE: 0.6}.get(member.relationship, 0.5)
    if member.age < 15:
        share = 0.0
    elif member.age < 18:
        share = 0.35
    return new_phone(run) if run.rng.random() < share else ""


def documents_for(run: SiteRun, age: int, status: str) -> list[str]:
    rng = run.rng
    held = []
    factor = 0.5 if status in ("idp", "refugee", "returnee") else 1.0
    for document, (adult, child) in DOCUMENT_RATES[run.country].items():
        if status == "refugee" and document in ("national_id", "voter_card", "family_book"):
            continue
        if rng.random() < (adult if age >= 18 else child) * factor:
            held.append(document)
    if status == "refugee" and rng.random() < 0.8:
        held.append(CivilDocument.REFUGEE_ID)
    if age < 5 and rng.random() < 0.6:
        held.append(CivilDocument.HEALTH_CARD)
    if age >= 18 and rng.random() < 0.03:
        held.append(CivilDocument.PASSPORT)
    return held


EDUCATION_WEIGHTS = {"none": 40, "primary": 28, "lower_secondary": 14, "upper_secondary": 9,
                     "vocational": 5, "higher": 4}


def education_for(run: SiteRun, age: int) -> str:
    rng = run.rng
    if age < 6:
        return ""
    if age < 12:
        return "primary" if rng.random() < 0.6 * SCHOOLING[run.country] else "none"
    if age < 15:
        return rng.choice(("primary", "lower_secondary", "lower_secondary", "none"))
    weights = dict(EDUCATION_WEIGHTS)
    weights["none"] = round(weights["none"] / SCHOOLING[run.country] * (0.6 if age < 25 else 1))
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def occupation_for(run: SiteRun, member: Member) -> str:
    pools = OCCUPATIONS[run.language]
    if member.age < 6:
        return ""
    if member.age < 15:
        return pools["child"][0] if run.rng.random() < 0.7 else ""
    if member.age < 18 or (member.age < 25 and run.rng.random() < 0.6):
        return run.rng.choice(pools[f"youth_{member.sex}"])
    return run.rng.choice(pools[member.sex])


WG_FIELDS = ("wg_seeing", "wg_hearing", "wg_walking", "wg_cognition", "wg_selfcare",
             "wg_communication")


def washington_group(run: SiteRun, age: int) -> dict:
    """Answers to the short set: mostly no difficulty, more with age, a few disabilities."""
    rng = run.rng
    frailty = 0.05 + (0.2 if age >= 60 else 0.0)
    answers = {}
    for name in WG_FIELDS:
        roll = rng.random()
        answers[name] = 4 if roll < frailty / 8 else 3 if roll < frailty / 3 \
            else 2 if roll < frailty else 1
    return answers


# ---------------------------------------------------------------------------------------------
# Registering and backdating
# ---------------------------------------------------------------------------------------------


def register_household(run: SiteRun, plan: HouseholdPlan) -> None:
    agent = run.agent()
    persons = []
    for member in plan.members:
        person = person_register(site=run.site, data=person_data(run, plan, member), by=agent)
        persons.append(person)
        run.registered.append(Registration(person, plan.when, member.age, plan.origin))
    if plan.members[0].relationship != Relationship.HEAD:  # a duplicate, registered alone
        _backdate_registration(persons, None, plan.when)
        return
    household = household_create(head=persons[0], by=agent, locality=plan.locality[0])
    for member, person in zip(plan.members[1:], persons[1:], strict=True):
        household_add_member(household=household, person=person,
                             relationship=member.relationship, by=agent)
    _backdate_registration(persons, household, plan.when)


def _backdate_registration(persons: list[Person], household: Household | None,
                           when: datetime) -> None:
    ids = [p.pk for p in persons]
    Person.objects.filter(pk__in=ids).update(created_at=when, updated_at=when)
    Person.objects.filter(pk__in=ids, consent_date__isnull=False).update(
        consent_date=when.date())
    MatchDecision.objects.filter(person_id__in=ids).update(decided_at=when)
    touched = list(ids)
    if household is not None:
        touched.append(household.pk)
        Household.objects.filter(pk=household.pk).update(created_at=when, updated_at=when)
        HouseholdMember.objects.filter(household=household).update(
            joined_on=when.date(), created_at=when, updated_at=when)
    Event.objects.filter(object_id__in=touched).update(at=when)


def _backdate_visits(site: Site) -> None:
    visits = Visit.objects.filter(site=site)
    visits.update(created_at=F("occurred_at"), updated_at=F("occurred_at"))
    occurred = Visit.objects.filter(pk=OuterRef("object_id")).values("occurred_at")[:1]
    Event.objects.filter(site=site, object_type="frontdesk.visit").update(
        at=Subquery(occurred))


# ---------------------------------------------------------------------------------------------
# Visits
# ---------------------------------------------------------------------------------------------

FOLLOW_UP_DAYS = 12
FIRST_CHANNELS = {"walk_in": 60, "outreach": 18, "partner": 14, "fair": 8}
LATER_CHANNELS = {"walk_in": 55, "phone": 20, "home_visit": 8, "outreach": 7, "partner": 5,
                  "fair": 5}
OUTCOMES = {"informed": 45, "oriented": 40, "case": 15}


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def needs_of(run: SiteRun, person: Person, age: int) -> list[str]:
    """The themes a person keeps coming back for."""
    rng = run.rng
    weights = dict(THEME_WEIGHTS[run.country])
    if age < 15:
        weights |= {"civil_registration": 50, "education": 25, "child_protection": 10,
                    "vocational_training": 0, "employment": 0, "gbv": 0}
    elif age < 25:
        weights |= {"vocational_training": 30, "employment": 25, "education": 12}
    if person.migration_status in ("refugee", "idp", "returnee"):
        weights |= {"rights": 20, "social_protection": 20, "civil_registration": 35}
    if person.sex == "male":
        weights["gbv"] = weights["gbv"] // 3
    if person.disability_status == "disability":
        weights["disability"] = 40
    needs = [_weighted(rng, weights)]
    if rng.random() < 0.4:
        needs.append(_weighted(rng, weights))
    return list(dict.fromkeys(needs))


def visit_count(run: SiteRun, age: int) -> int:
    if age < 15:
        return run.rng.choice((1, 1, 2, 2, 3))
    return run.rng.choices(range(1, 11), weights=(4, 8, 12, 15, 15, 13, 11, 9, 7, 6))[0]


def record_person_visits(run: SiteRun) -> None:
    """Each person's visits, the first on the day they were registered."""
    for reg in run.registered:
        needs = needs_of(run, reg.person, reg.age)
        count = visit_count(run, reg.age)
        times = [reg.when] if count else []
        day = reg.when.astimezone(run.tz).date()
        for _n in range(count - 1):
            # Follow-ups come a few weeks apart, until yesterday.
            start = day + timedelta(days=1 + int(run.rng.expovariate(1 / FOLLOW_UP_DAYS)))
            day = open_day(run, start, min(start + timedelta(days=6), run.end))
            if day is None:
                break
            times.append(visit_time(run, day))
        story = ORIGINS.get(reg.origin, "") if reg.age >= 15 else ""
        for number, at in enumerate(times):
            record_visit(run, at, needs, first=number == 0, person=reg.person,
                         notes=story if number == 0 and story else None)


def record_visit(run: SiteRun, at: datetime, needs: list[str], *, first: bool,
                 person: Person | None = None, anonymous: dict | None = None,
                 channel: str = "", notes: str | None = None) -> Visit:
    rng = run.rng
    themes = list(needs) if rng.random() < 0.8 else [_weighted(rng, THEME_WEIGHTS[run.country])]
    if rng.random() < 0.15:
        themes.append(_weighted(rng, THEME_WEIGHTS[run.country]))
    themes = list(dict.fromkeys(themes))
    outcome = _weighted(rng, OUTCOMES)
    if {"gbv", "child_protection"} & set(themes) and rng.random() < 0.5:
        outcome = "case"
    if notes is None:
        notes = NOTES[run.language].get(themes[0], "") if person and rng.random() < 0.35 else ""
    data = {"occurred_at": at, "themes": [run.ctx.themes[t] for t in themes],
            "channel": channel or _weighted(rng, FIRST_CHANNELS if first else LATER_CHANNELS),
            "outcome": outcome, "notes": notes} | (anonymous or {})
    return visit_record(site=run.site, by=run.agent(), data=data, person=person)


ANONYMOUS_BANDS = {AgeBand.UNDER_15: 6, AgeBand.YOUTH: 38, AgeBand.ADULT: 44, AgeBand.ELDER: 8,
                   AgeBand.UNKNOWN: 4}


def _anonymous(run: SiteRun) -> dict:
    return {"anonymous_sex": "female" if run.rng.random() < 0.58 else "male",
            "anonymous_age_band": _weighted(run.rng, ANONYMOUS_BANDS)}


def record_anonymous_visits(run: SiteRun, count: int) -> None:
    """People who wanted information only: counted by sex and age band, nothing else."""
    for _n in range(count):
        at = visit_time(run, history_day(run, run.start, run.end))
        theme = _weighted(run.rng, THEME_WEIGHTS[run.country])
        channel = _weighted(run.rng, {"walk_in": 60, "outreach": 20, "fair": 12, "phone": 8})
        record_visit(run, at, [theme], first=True, anonymous=_anonymous(run), channel=channel)


def todays_window(run: SiteRun) -> tuple[int, int, str]:
    """Minutes of today (local) when visits may have happened so far, and their channel.

    Within opening hours on an open day; on a closed day an outreach session in the morning;
    before either has begun, calls in the last hour and a half (by phone).
    """
    local_now = run.ctx.now.astimezone(run.tz)
    now_minute = local_now.hour * 60 + local_now.minute
    hours = run.spec.hours.get(local_now.weekday())
    opening, closing, channel = (
        (_minutes(hours[0]), _minutes(hours[1]), "") if hours else (9 * 60, 13 * 60, "outreach"))
    closing = min(closing, now_minute)
    if closing - opening >= 15:
        return opening, closing, channel
    return max(0, now_minute - 90), now_minute, "phone"


def record_todays_visits(run: SiteRun) -> None:
    """A few visits today, so the front desk's day is not empty."""
    opening, closing, channel = todays_window(run)
    today = run.ctx.now.astimezone(run.tz).date()
    adults = [(reg.person, reg.age) for reg in run.registered if reg.age >= 15]
    for person, age in run.rng.sample(adults, k=min(4, len(adults))):
        at = _at(run, today, run.rng.randint(opening, closing))
        record_visit(run, at, needs_of(run, person, age), first=False, person=person,
                     channel=channel)
    for _n in range(2):
        at = _at(run, today, run.rng.randint(opening, closing))
        theme = _weighted(run.rng, THEME_WEIGHTS[run.country])
        record_visit(run, at, [theme], first=True, anonymous=_anonymous(run),
                     channel=channel or "walk_in")
