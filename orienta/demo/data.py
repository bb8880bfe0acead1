"""The demo's data pools: places, organisations, sites, names, rates, accounts."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from orienta.core.models import Role

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
        (
            "TD-ND",
            "N'Djamena",
            [
                ("TD-ND-01", "1er arrondissement"),
                ("TD-ND-02", "2e arrondissement"),
                ("TD-ND-03", "3e arrondissement"),
                ("TD-ND-04", "4e arrondissement"),
                ("TD-ND-05", "5e arrondissement"),
                ("TD-ND-06", "6e arrondissement"),
                ("TD-ND-07", "7e arrondissement"),
                ("TD-ND-08", "8e arrondissement"),
                ("TD-ND-09", "9e arrondissement"),
                ("TD-ND-10", "10e arrondissement"),
            ],
        ),
        (
            "TD-LO",
            "Logone Occidental",
            [
                ("TD-LO-LW", "Lac Wey (Moundou)"),
                ("TD-LO-DO", "Dodjé"),
                ("TD-LO-GU", "Guéni"),
                ("TD-LO-NG", "Ngourkosso"),
            ],
        ),
        (
            "TD-LR",
            "Logone Oriental",
            [("TD-LR-ML", "Monts de Lam"), ("TD-LR-NP", "Nya Pendé"), ("TD-LR-PE", "La Pendé")],
        ),
        (
            "TD-OD",
            "Ouaddaï",
            [
                ("TD-OD-OU", "Ouara (Abéché)"),
                ("TD-OD-AS", "Assoungha (Adré)"),
                ("TD-OD-AB", "Abdi"),
            ],
        ),
        (
            "TD-LC",
            "Lac",
            [("TD-LC-MA", "Mamdi (Bol)"), ("TD-LC-KA", "Kaya"), ("TD-LC-FO", "Fouli")],
        ),
    ],
    "MZ": [
        (
            "MZ-MPM",
            "Maputo Cidade",
            [
                ("MZ-MPM-KF", "KaMpfumo"),
                ("MZ-MPM-NL", "Nlhamankulu"),
                ("MZ-MPM-KX", "KaMaxaquene"),
                ("MZ-MPM-KV", "KaMavota"),
                ("MZ-MPM-KB", "KaMubukwana"),
                ("MZ-MPM-KT", "KaTembe"),
                ("MZ-MPM-KN", "KaNyaka"),
            ],
        ),
        (
            "MZ-L",
            "Maputo Província",
            [("MZ-L-MT", "Matola"), ("MZ-L-BO", "Boane"), ("MZ-L-MR", "Marracuene")],
        ),
        (
            "MZ-S",
            "Sofala",
            [
                ("MZ-S-BE", "Beira"),
                ("MZ-S-DO", "Dondo"),
                ("MZ-S-NH", "Nhamatanda"),
                ("MZ-S-BU", "Búzi"),
                ("MZ-S-GO", "Gorongosa"),
            ],
        ),
        (
            "MZ-P",
            "Cabo Delgado",
            [
                ("MZ-P-PE", "Pemba"),
                ("MZ-P-MT", "Montepuez"),
                ("MZ-P-MP", "Mocímboa da Praia"),
                ("MZ-P-PA", "Palma"),
                ("MZ-P-MC", "Macomia"),
            ],
        ),
    ],
    "GW": [
        (
            "GW-BS",
            "Setor Autónomo de Bissau",
            [
                ("GW-BS-BD", "Bandim"),
                ("GW-BS-CU", "Cuntum"),
                ("GW-BS-BM", "Bairro Militar"),
                ("GW-BS-BE", "Belém"),
                ("GW-BS-MI", "Mindará"),
                ("GW-BS-AN", "Antula"),
                ("GW-BS-PL", "Plack"),
                ("GW-BS-RE", "Reino"),
                ("GW-BS-MS", "Missirá"),
                ("GW-BS-CP", "Chão de Papel"),
            ],
        ),
        (
            "GW-BA",
            "Bafatá",
            [
                ("GW-BA-BA", "Bafatá"),
                ("GW-BA-BB", "Bambadinca"),
                ("GW-BA-CO", "Contuboel"),
                ("GW-BA-GA", "Galomaro"),
            ],
        ),
        (
            "GW-GA",
            "Gabú",
            [
                ("GW-GA-GA", "Gabú"),
                ("GW-GA-PI", "Pirada"),
                ("GW-GA-PT", "Pitche"),
                ("GW-GA-SO", "Sonaco"),
                ("GW-GA-BO", "Boé"),
            ],
        ),
        (
            "GW-CA",
            "Cacheu",
            [("GW-CA-CN", "Canchungo"), ("GW-CA-CA", "Cacheu"), ("GW-CA-SD", "São Domingos")],
        ),
    ],
}

# ---------------------------------------------------------------------------------------------
# Organisations: key, kind, name, area code, contact person, phone, e-mail (.example), address.
# ---------------------------------------------------------------------------------------------

ORGANISATIONS = {
    "TD": [
        (
            "essor-td",
            "ngo",
            "ESSOR Tchad",
            "TD-ND-03",
            "Clarisse Nodjimbaye",
            "+23522521840",
            "tchad",
            "Quartier Kabalaye, N'Djamena",
        ),
        (
            "ats",
            "cso",
            "Association Tchad Solidarité",
            "TD-ND-07",
            "Abdelkerim Hissein",
            "+23566317520",
            "tchad-solidarite",
            "Quartier Chagoua, N'Djamena",
        ),
        (
            "aefl",
            "cso",
            "Association Espoir des Femmes du Logone",
            "TD-LO-LW",
            "Rémadji Ngaba",
            "+23599284163",
            "espoir-femmes-logone",
            "Quartier Doumbeur, Moundou",
        ),
        (
            "rjdc",
            "cso",
            "Réseau des Jeunes pour le Développement de Chagoua",
            "TD-ND-07",
            "Djasrabé Mbaïdoum",
            "+23563905517",
            "rjdc",
            "Quartier Dembé, N'Djamena",
        ),
        (
            "ec-7e",
            "public",
            "Centre d'état civil du 7e arrondissement",
            "TD-ND-07",
            "Mahamat Saleh Adoum",
            "+23522527314",
            "etatcivil-7e",
            "Mairie du 7e arrondissement",
        ),
        (
            "cs-chagoua",
            "public",
            "Centre de santé de Chagoua",
            "TD-ND-07",
            "Achta Brahim",
            "+23566485092",
            "cs-chagoua",
            "Quartier Chagoua, N'Djamena",
        ),
        (
            "onape-ndj",
            "public",
            "ONAPE — Agence de N'Djamena",
            "TD-ND-03",
            "Moussa Idriss",
            "+23522514477",
            "onape-ndjamena",
            "Avenue Charles de Gaulle, N'Djamena",
        ),
        (
            "ec-moundou",
            "public",
            "Centre d'état civil de la mairie de Moundou",
            "TD-LO-LW",
            "Ngarmbaye Djimadoum",
            "+23522691208",
            "etatcivil-moundou",
            "Mairie de Moundou",
        ),
        (
            "cs-doumbeur",
            "public",
            "Centre de santé de Doumbeur",
            "TD-LO-LW",
            "Esther Néloumta",
            "+23599637041",
            "cs-doumbeur",
            "Quartier Doumbeur, Moundou",
        ),
        (
            "cftp-moundou",
            "public",
            "Centre de formation technique et professionnelle de Moundou",
            "TD-LO-LW",
            "Daniel Naïmbaye",
            "+23566720394",
            "cftp-moundou",
            "Route de Koutou, Moundou",
        ),
        (
            "afjt",
            "provider",
            "Clinique juridique des femmes juristes",
            "TD-ND-03",
            "Halimé Oumar",
            "+23563148825",
            "clinique-juridique",
            "Quartier Sabangali, N'Djamena",
        ),
    ],
    "MZ": [
        (
            "essor-mz",
            "ngo",
            "ESSOR Moçambique",
            "MZ-MPM-KF",
            "Graça Mondlane",
            "+25821305174",
            "mocambique",
            "Avenida Julius Nyerere, Maputo",
        ),
        (
            "kuvumbana",
            "cso",
            "Associação Kuvumbana",
            "MZ-MPM-NL",
            "Armando Machava",
            "+258843507126",
            "kuvumbana",
            "Bairro Chamanculo C, Maputo",
        ),
        (
            "amum",
            "cso",
            "Associação Mulheres Unidas da Munhava",
            "MZ-S-BE",
            "Felismina Zimba",
            "+258825163490",
            "mulheres-munhava",
            "Bairro da Munhava, Beira",
        ),
        (
            "rc-maputo",
            "public",
            "1.ª Conservatória do Registo Civil de Maputo",
            "MZ-MPM-KF",
            "Lurdes Matsinhe",
            "+25821326401",
            "registocivil-maputo",
            "Baixa, Maputo",
        ),
        (
            "cs-chamanculo",
            "public",
            "Centro de Saúde de Chamanculo",
            "MZ-MPM-NL",
            "Samuel Cumbe",
            "+258824937105",
            "cs-chamanculo",
            "Bairro Chamanculo B, Maputo",
        ),
        (
            "inas-mpm",
            "public",
            "INAS — Delegação de Maputo Cidade",
            "MZ-MPM-KF",
            "Cristina Massingue",
            "+25821321776",
            "inas-maputo",
            "Avenida Eduardo Mondlane",
        ),
        (
            "cfp-maputo",
            "public",
            "Centro de Formação Profissional de Maputo",
            "MZ-MPM-KB",
            "Jorge Chaúque",
            "+258845102387",
            "cfp-maputo",
            "Bairro do Jardim, Maputo",
        ),
        (
            "rc-beira",
            "public",
            "Conservatória do Registo Civil da Beira",
            "MZ-S-BE",
            "Tomás Bande",
            "+25823324190",
            "registocivil-beira",
            "Baixa da Beira",
        ),
        (
            "cs-munhava",
            "public",
            "Centro de Saúde da Munhava",
            "MZ-S-BE",
            "Amélia Sengo",
            "+258827604319",
            "cs-munhava",
            "Bairro da Munhava, Beira",
        ),
        (
            "gaf-beira",
            "public",
            "Gabinete de Atendimento à Família e Menores Vítimas de Violência",
            "MZ-S-BE",
            "Helena Nhamirre",
            "+258866045213",
            "gabinete-familia-beira",
            "Esquadra da Munhava, Beira",
        ),
    ],
    "GW": [
        (
            "essor-gw",
            "ngo",
            "ESSOR Guiné-Bissau",
            "GW-BS-BE",
            "Domingas Mendes",
            "+245955108432",
            "guine-bissau",
            "Bairro de Belém, Bissau",
        ),
        (
            "bandim-sol",
            "cso",
            "Associação Bandim Solidário",
            "GW-BS-BD",
            "Nelson Nhaga",
            "+245966204871",
            "bandim-solidario",
            "Bairro de Bandim, Bissau",
        ),
        (
            "djunta-mon",
            "cso",
            "Associação Djunta Mon de Gabú",
            "GW-GA-GA",
            "Mariama Seidi",
            "+245955730264",
            "djunta-mon-gabu",
            "Gabú, junto ao mercado",
        ),
        (
            "rc-bissau",
            "public",
            "Conservatória do Registo Civil de Bissau",
            "GW-BS-MS",
            "Augusto Correia",
            "+245443201547",
            "registocivil-bissau",
            "Avenida Amílcar Cabral",
        ),
        (
            "cs-bandim",
            "public",
            "Centro de Saúde de Bandim",
            "GW-BS-BD",
            "Filomena Có",
            "+245966871302",
            "cs-bandim",
            "Bairro de Bandim, Bissau",
        ),
        (
            "cfp-bissau",
            "public",
            "Centro de Formação Profissional de Bissau",
            "GW-BS-AN",
            "Quintino Sanhá",
            "+245955427916",
            "cfp-bissau",
            "Bairro de Antula, Bissau",
        ),
        (
            "rc-gabu",
            "public",
            "Conservatória do Registo Civil de Gabú",
            "GW-GA-GA",
            "Ussumane Djaló",
            "+245955061738",
            "registocivil-gabu",
            "Gabú, Avenida principal",
        ),
        (
            "hr-gabu",
            "public",
            "Hospital Regional de Gabú",
            "GW-GA-GA",
            "Kadiatu Embaló",
            "+245966350827",
            "hospital-gabu",
            "Gabú",
        ),
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
            "TD-NDJ1",
            "BIOSP Chagoua",
            "TD-ND-07",
            "ats",
            "Quartier Chagoua, près du marché, 7e arrondissement, N'Djamena",
            "Du lundi au jeudi de 7 h 30 à 15 h 30, le vendredi de 7 h 30 à 12 h",
            _week(range(4), "07:30", "15:30") | {4: ("07:30", "12:00")},
            60,
            (
                ("Chagoua", "TD-ND-07"),
                ("Dembé", "TD-ND-07"),
                ("Habbena", "TD-ND-07"),
                ("Abena", "TD-ND-07"),
                ("Atrone", "TD-ND-07"),
                ("Kilwiti", "TD-ND-07"),
                ("Boutalbagara", "TD-ND-07"),
                ("Diguel", "TD-ND-08"),
                ("Ndjari", "TD-ND-08"),
                ("Walia", "TD-ND-09"),
                ("Moursal", "TD-ND-06"),
                ("Paris-Congo", "TD-ND-06"),
            ),
            (("td_north", 6), ("td_south", 4)),
            (
                ("national", "TD", 74, "", ""),
                ("refugee", "SD", 10, "td_north", "sudan"),
                ("idp", "TD", 8, "td_north", "lac"),
                ("returnee", "TD", 8, "", "car_return"),
            ),
        ),
        SiteSpec(
            "TD-MOU1",
            "BIOSP Doumbeur",
            "TD-LO-LW",
            "aefl",
            "Quartier Doumbeur, près de la mairie d'arrondissement, Moundou",
            "Du lundi au vendredi de 7 h à 14 h 30",
            _week(range(5), "07:00", "14:30"),
            45,
            (
                ("Doumbeur", "TD-LO-LW"),
                ("Quartier Haoussa", "TD-LO-LW"),
                ("Guelbé", "TD-LO-LW"),
                ("Dombao", "TD-LO-LW"),
                ("Mbombaya", "TD-LO-LW"),
                ("Koutou", "TD-LO-LW"),
                ("Djarabé", "TD-LO-LW"),
                ("Quinze Ans", "TD-LO-LW"),
                ("Bébalem", "TD-LO-DO"),
            ),
            (("td_south", 9), ("td_north", 1)),
            (
                ("national", "TD", 78, "", ""),
                ("refugee", "CF", 12, "car", "car"),
                ("returnee", "TD", 10, "td_south", "car_return"),
            ),
        ),
    ],
    "MZ": [
        SiteSpec(
            "MZ-MPM1",
            "BIOSP Chamanculo",
            "MZ-MPM-NL",
            "kuvumbana",
            "Bairro Chamanculo C, quarteirão 12, casa n.º 45, Maputo",
            "Segunda a sexta-feira, das 7h30 às 15h30; sábado, das 8h às 12h",
            _week(range(5), "07:30", "15:30") | {5: ("08:00", "12:00")},
            60,
            (
                ("Chamanculo A", "MZ-MPM-NL"),
                ("Chamanculo B", "MZ-MPM-NL"),
                ("Chamanculo C", "MZ-MPM-NL"),
                ("Chamanculo D", "MZ-MPM-NL"),
                ("Xipamanine", "MZ-MPM-NL"),
                ("Aeroporto A", "MZ-MPM-NL"),
                ("Minkadjuíne", "MZ-MPM-NL"),
                ("Malanga", "MZ-MPM-NL"),
                ("Mafalala", "MZ-MPM-KX"),
                ("Maxaquene", "MZ-MPM-KX"),
                ("Polana Caniço", "MZ-MPM-KX"),
                ("Alto Maé", "MZ-MPM-KF"),
                ("Zimpeto", "MZ-MPM-KB"),
                ("Magoanine", "MZ-MPM-KB"),
            ),
            (("mz_south", 1),),
            (("national", "MZ", 94, "", ""), ("idp", "MZ", 6, "mz_north", "cabo_delgado")),
        ),
        SiteSpec(
            "MZ-BEI1",
            "BIOSP Munhava",
            "MZ-S-BE",
            "amum",
            "Bairro da Munhava, junto ao mercado, Beira",
            "Segunda a sexta-feira, das 8h às 15h30",
            _week(range(5), "08:00", "15:30"),
            45,
            (
                ("Munhava", "MZ-S-BE"),
                ("Manga", "MZ-S-BE"),
                ("Chaimite", "MZ-S-BE"),
                ("Esturro", "MZ-S-BE"),
                ("Goto", "MZ-S-BE"),
                ("Chipangara", "MZ-S-BE"),
                ("Matacuane", "MZ-S-BE"),
                ("Ndunda", "MZ-S-BE"),
                ("Inhamízua", "MZ-S-BE"),
                ("Mafarinha", "MZ-S-DO"),
            ),
            (("mz_centre", 1),),
            (
                ("national", "MZ", 82, "", ""),
                ("idp", "MZ", 10, "mz_north", "cabo_delgado"),
                ("idp", "MZ", 8, "", "cyclone"),
            ),
        ),
    ],
    "GW": [
        SiteSpec(
            "GW-BIS1",
            "BIOSP Bandim",
            "GW-BS-BD",
            "bandim-sol",
            "Bairro de Bandim, Estrada de Bandim, junto ao mercado, Bissau",
            "Segunda a sexta-feira, das 8h às 15h",
            _week(range(5), "08:00", "15:00"),
            55,
            (
                ("Bandim", "GW-BS-BD"),
                ("Cuntum", "GW-BS-CU"),
                ("Bairro Militar", "GW-BS-BM"),
                ("Belém", "GW-BS-BE"),
                ("Mindará", "GW-BS-MI"),
                ("Antula", "GW-BS-AN"),
                ("Plack", "GW-BS-PL"),
                ("Reino", "GW-BS-RE"),
                ("Missirá", "GW-BS-MS"),
                ("Chão de Papel", "GW-BS-CP"),
            ),
            (("gw_coast", 11), ("gw_east", 9)),
            (
                ("national", "GW", 92, "", ""),
                ("migrant", "GN", 5, "gw_east", "guinea"),
                ("migrant", "SN", 3, "gw_east", "senegal"),
            ),
        ),
        SiteSpec(
            "GW-GAB1",
            "BIOSP Gabú Centro",
            "GW-GA-GA",
            "djunta-mon",
            "Gabú, Avenida principal, perto do mercado central",
            "Segunda a sexta-feira, das 8h30 às 14h30; sábado, das 9h às 12h",
            _week(range(5), "08:30", "14:30") | {5: ("09:00", "12:00")},
            35,
            (
                ("Gabú", "GW-GA-GA"),
                ("Pirada", "GW-GA-PI"),
                ("Pitche", "GW-GA-PT"),
                ("Sonaco", "GW-GA-SO"),
                ("Canquelifá", "GW-GA-PT"),
                ("Contuboel", "GW-BA-CO"),
                ("Bafatá", "GW-BA-BA"),
            ),
            (("gw_east", 9), ("gw_coast", 1)),
            (
                ("national", "GW", 90, "", ""),
                ("migrant", "GN", 7, "gw_east", "guinea"),
                ("returnee", "GW", 3, "", "return"),
            ),
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
        _names(
            "Mahamat, Abakar, Ahmat, Moussa, Oumar, Hassan, Hissein, Youssouf, Idriss, Adoum,"
            "Brahim, Saleh, Abdelkerim, Djibrine, Souleymane, Haroun, Ousmane, Ali, Issa,"
            "Abdallah, Yacoub, Hamid, Mahamoud, Ramadan, Adam, Ismaël"
        ),
        _names(
            "Achta, Fatimé, Halimé, Kaltouma, Zara, Hawa, Khadidja, Zenaba, Mariam, Aché,"
            "Amina, Hadjé, Asia, Djamila, Hapsita, Mahadié, Aïcha, Haoua, Nafissa, Rakié"
        ),
    ),
    "td_south": NamePool(
        _names(
            "Ngarta, Djimadoum, Ndoubabé, Nadjingar, Mbaïdoum, Allarassem, Djasrabé,"
            "Naïmbaye, Ngarmbaye, Laoukoura, Ngaba, Dingamadji, Ngartoïdé, Ngardoum,"
            "Djimasngar, Ndilbé, Jean, Emmanuel, Daniel, Samuel"
        ),
        _names(
            "Rémadji, Néloumta, Mbaïrassem, Nodjitar, Ngarmadji, Marie, Esther, Rachel,"
            "Solange, Béatrice, Clarisse, Odile, Prisca, Josiane, Madeleine, Ruth, Déborah,"
            "Rebecca, Élise, Monique"
        ),
    ),
    "car": NamePool(
        _names(
            "Jean-Baptiste, Serge, Thierry, Rodrigue, Firmin, Olivier, Aimé, Gervais,Didier, Crépin"
        ),
        _names(
            "Rosine, Odette, Clarisse, Sylvie, Pélagie, Laure, Albertine, Chantal, Edith,Nadège"
        ),
        _names(
            "Ngaïkoua, Yakoma, Ndomanda, Gbadora, Koyassé, Sélémbi, Yangoumalé, Zoumaldé,"
            "Kossingou, Mbolio"
        ),
    ),
    "mz_south": NamePool(
        _names(
            "João, Joaquim, Alberto, Armando, Ernesto, Fernando, Jorge, Lucas, Manuel,"
            "Paulo, Samuel, Tomás, Zacarias, Hélder, Arsénio, Celso, Dércio, Edson,"
            "Américo, Osvaldo"
        ),
        _names(
            "Ana, Maria, Celeste, Amélia, Argentina, Cristina, Esperança, Felismina, Graça,"
            "Helena, Isabel, Joana, Lurdes, Marta, Rosa, Sónia, Teresa, Glória, Luísa,"
            "Albertina, Atália, Cacilda"
        ),
        _names(
            "Macuácua, Nhantumbo, Cossa, Sitoe, Langa, Tembe, Muianga, Chissano, Mabunda,"
            "Machava, Mondlane, Matsinhe, Chaúque, Mucavele, Bila, Cumbe, Massingue,"
            "Zandamela, Novela, Manhiça, Mahumane, Nhaca, Chambal, Uamusse"
        ),
    ),
    "mz_centre": NamePool(
        _names(
            "João, Joaquim, Alberto, Armando, Ernesto, Fernando, Jorge, Manuel, Paulo,"
            "Tomás, Zacarias, Jossias, Filipe, Rafael, Chico, Baptista, Luís, Castigo"
        ),
        _names(
            "Ana, Maria, Celeste, Amélia, Cristina, Esperança, Felismina, Helena, Isabel,"
            "Joana, Marta, Rosa, Teresa, Luísa, Ilda, Virgínia, Fátima, Regina"
        ),
        _names(
            "Simango, Zimba, Bande, Nhamirre, Chiponda, Sengo, Jasse, Mussa, Chemane,"
            "Nhampossa, Semente, Gimo, Chirindza, Manuel, Sixpence, Tivane"
        ),
    ),
    "mz_north": NamePool(
        _names("Assane, Momade, Rachide, Sumail, Abdul, Amisse, Cassimo, Issa, Saide, Buanar"),
        _names("Fátima, Anifa, Amina, Zainabo, Muaziza, Rehema, Mariamo, Sumaia, Halima,Nurdine"),
        _names("Assane, Momade, Abdala, Buanar, Saide, Bacar, Issufo, Atumane, Cassimo,Sualehe"),
    ),
    "gw_east": NamePool(
        _names(
            "Mamadú, Braima, Bubacar, Aliu, Umaro, Sadjo, Samba, Ussumane, Abdulai, Mussa,"
            "Seco, Saliu, Alfa, Lamine, Tcherno, Demba, Iaia, Sulemane"
        ),
        _names(
            "Aissatu, Fatumata, Mariama, Cadi, Binta, Kadiatu, Djenabu, Ramatulai, Sirá,"
            "Mariatu, Nené, Umu, Hawa, Tenem, Assanatu, Cumba"
        ),
        _names(
            "Djaló, Baldé, Embaló, Sané, Mané, Camará, Seidi, Turé, Sissé, Candé, Jau,"
            "Bari, Sow, Djassi, Dabó, Cassamá"
        ),
    ),
    "gw_coast": NamePool(
        _names(
            "João, Domingos, Armando, Carlos, Nelson, Fernando, Augusto, Tomás, Quintino,"
            "Júlio, Albino, Mário, Adriano, Ivo, Malam, Nhaga"
        ),
        _names(
            "Maria, Joana, Isabel, Filomena, Esperança, Rosa, Luísa, Domingas, Helena,"
            "Fátima, Cátia, Nhima, Sábado, Teresa, Adelina, Marcelina"
        ),
        _names(
            "Sanhá, Có, Nhaga, Mendes, Gomes, Cá, Indjai, Na Bitchita, Nanque, Iala, Té,"
            "Correia, Vaz, Pereira, Lopes, Tavares, Nhanca, Biague, Dju, Quadé"
        ),
    ),
}

# ---------------------------------------------------------------------------------------------
# What people do, and what they come for, per country.
# ---------------------------------------------------------------------------------------------

OCCUPATIONS = {
    "fr": {
        "female": _names(
            "Commerçante, Ménagère, Vendeuse de beignets, Couturière, Cultivatrice,"
            "Coiffeuse, Sans emploi, Restauratrice, Vendeuse au marché,"
            "Aide-ménagère, Enseignante communautaire"
        ),
        "male": _names(
            "Cultivateur, Commerçant, Mécanicien, Maçon, Tailleur, Sans emploi,"
            "Conducteur de moto-taxi, Manœuvre, Éleveur, Menuisier, Gardien,"
            "Soudeur"
        ),
        "youth_female": _names(
            "Élève, Étudiante, Apprentie couturière, Sans emploi,"
            "Vendeuse de beignets, Apprentie coiffeuse"
        ),
        "youth_male": _names(
            "Élève, Étudiant, Apprenti mécanicien, Sans emploi,Vendeur ambulant, Apprenti maçon"
        ),
        "child": ("Élève",),
    },
    "pt": {
        "female": _names(
            "Vendedeira no mercado, Doméstica, Costureira, Camponesa,"
            "Cabeleireira, Desempregada, Empregada doméstica, Vendedeira de peixe,"
            "Quitandeira, Activista comunitária"
        ),
        "male": _names(
            "Pedreiro, Mecânico, Pescador, Camponês, Desempregado, Carpinteiro,"
            "Motorista, Guarda, Vendedor ambulante, Electricista, Serralheiro,"
            "Estivador"
        ),
        "youth_female": _names(
            "Estudante, Aprendiz de costura, Desempregada,"
            "Vendedeira ambulante, Aprendiz de cabeleireira"
        ),
        "youth_male": _names(
            "Estudante, Aprendiz de mecânica, Desempregado, Vendedor ambulante,Ajudante de pedreiro"
        ),
        "child": ("Estudante",),
    },
}

# Weights of the themes of a visit (codes of core.Theme).
THEME_WEIGHTS = {
    "TD": {
        "civil_registration": 30,
        "vocational_training": 12,
        "employment": 12,
        "health": 10,
        "rights": 8,
        "social_protection": 8,
        "education": 7,
        "gbv": 5,
        "child_protection": 4,
        "disability": 2,
        "housing": 1,
        "other": 1,
    },
    "MZ": {
        "civil_registration": 20,
        "employment": 16,
        "health": 14,
        "social_protection": 14,
        "vocational_training": 10,
        "education": 8,
        "gbv": 6,
        "child_protection": 4,
        "housing": 4,
        "disability": 2,
        "rights": 1,
        "other": 1,
    },
    "GW": {
        "civil_registration": 26,
        "health": 14,
        "education": 12,
        "vocational_training": 12,
        "employment": 12,
        "social_protection": 6,
        "gbv": 6,
        "child_protection": 5,
        "rights": 3,
        "disability": 2,
        "housing": 1,
        "other": 1,
    },
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
        "civil_registration": "Pedido de registo de nascimento; documentos necessários explicados.",
        "vocational_training": "Interessado(a) num curso de costura ou mecânica; datas de "
        "inscrição entregues.",
        "employment": "Procura de emprego; explicada a inscrição no centro de emprego.",
        "health": "Precisa de consulta; dados horários e custos do centro de saúde.",
        "rights": "Dúvidas sobre os seus direitos; indicado o atendimento jurídico.",
        "social_protection": "Família em grande dificuldade; avaliação de vulnerabilidade a fazer.",
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
    "TD": {
        "birth_certificate": (0.25, 0.2),
        "national_id": (0.35, 0.0),
        "voter_card": (0.4, 0.0),
        "family_book": (0.08, 0.0),
    },
    "MZ": {"birth_certificate": (0.55, 0.5), "national_id": (0.5, 0.05), "voter_card": (0.45, 0.0)},
    "GW": {"birth_certificate": (0.35, 0.3), "national_id": (0.3, 0.0), "voter_card": (0.35, 0.0)},
}
SCHOOLING = {"TD": 0.8, "MZ": 1.25, "GW": 1.0}  # >1: more schooling than the weights below
ESTIMATED_BIRTH = {"TD": 0.45, "MZ": 0.2, "GW": 0.35}
MOBILE_PREFIXES = {
    "TD": ("60", "63", "65", "66", "68", "90", "91", "92", "93", "95", "99"),
    "MZ": ("82", "83", "84", "85", "86", "87"),
    "GW": ("955", "956", "957", "966", "969"),
}
NATIONAL_LENGTH = {"TD": 8, "MZ": 9, "GW": 9}

# Near-duplicate registrations, so the duplicate check and the merge can be shown. The first
# record heads a household; the second is registered later, alone, with a variant spelling.
DUPLICATES: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {
    "TD-NDJ1": [
        (
            dict(
                given_name="Mahamat",
                family_name="Abakar",
                sex="male",
                birth_date=date(1984, 3, 12),
                phone="+23566214387",
            ),
            dict(
                given_name="Mohamed",
                family_name="Abakar",
                birth_date=date(1984, 1, 1),
                birth_date_estimated=True,
            ),
        ),
        (
            dict(
                given_name="Fatimé",
                family_name="Haroun",
                sex="female",
                birth_date=date(1995, 8, 20),
                phone="+23599730516",
            ),
            dict(given_name="Fatima", family_name="Harun", phone=""),
        ),
    ],
    "MZ-MPM1": [
        (
            dict(
                given_name="Celeste",
                family_name="Nhantumbo",
                sex="female",
                birth_date=date(1991, 11, 4),
                phone="+258843126705",
            ),
            dict(family_name="Nhantumbu", birth_date=None),
        ),
    ],
    "GW-BIS1": [
        (
            dict(
                given_name="Aissatu",
                family_name="Djaló",
                sex="female",
                birth_date=date(1988, 6, 15),
                phone="+245955316842",
            ),
            dict(given_name="Aissatou", family_name="Diallo"),
        ),
    ],
    "GW-GAB1": [
        (
            dict(
                given_name="Braima",
                family_name="Baldé",
                sex="male",
                birth_date=date(1979, 1, 1),
                birth_date_estimated=True,
                phone="+245966512093",
            ),
            dict(given_name="Ibrahima", phone=""),
        ),
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
    ("provider-td", Role.PROVIDER, "Mariam", "Djibrine", "", "TD"),
    ("cso-td", Role.CSO, "Khadidja", "Hissein", "", "TD"),
    ("me-hq", Role.ME, "Claire", "Morel", "", ""),
    ("admin", Role.ADMIN, "Julien", "Fabre", "", ""),
]


# A provider's account sees only the referrals addressed to its organisation's services.
PROVIDER_ORGANISATIONS = {"provider-td": "cs-chagoua"}

# A partner CSO's staff account works on its own organisation: Association Tchad Solidarité,
# which runs the BIOSP Chagoua (TD-NDJ1).
CSO_ORGANISATIONS = {"cso-td": "ats"}


# =============================================================================================
