# ruff: noqa: E501  (the statements are sentences, each on its line)
"""The first version of the OCA tool, written by the migration that creates the tables: nine
areas of three statements each, four development stages. M&E edits it into later versions."""

from typing import Any

CODE = "oca"
NAME = "OCA"


def _l(fr: str, pt: str, en: str) -> dict[str, str]:
    return {"fr": fr, "pt": pt, "en": en}


LABEL = _l(
    "Évaluation des capacités organisationnelles",
    "Avaliação da capacidade organizacional",
    "Organisational capacity assessment",
)
STAGES = [
    {"code": "nascent", "label": _l("Naissante", "Nascente", "Nascent"), "from": 1},
    {"code": "emerging", "label": _l("Émergente", "Emergente", "Emerging"), "from": "1.75"},
    {"code": "expanding", "label": _l("En expansion", "Em expansão", "Expanding"), "from": "2.5"},
    {"code": "mature", "label": _l("Mature", "Madura", "Mature"), "from": "3.25"},
]

AREAS: list[tuple[str, dict[str, str], list[tuple[str, dict[str, str]]]]] = [
    (
        "governance",
        _l(
            "Gouvernance et statut juridique",
            "Governação e estatuto jurídico",
            "Governance and legal",
        ),
        [
            (
                "gov_registered",
                _l(
                    "L’organisation est enregistrée et ses statuts sont à jour.",
                    "A organização está registada e os estatutos estão actualizados.",
                    "The organisation is registered and its statutes are up to date.",
                ),
            ),
            (
                "gov_board",
                _l(
                    "Le conseil d’administration se réunit et rend compte.",
                    "O conselho de direcção reúne-se e presta contas.",
                    "The board meets and holds management to account.",
                ),
            ),
            (
                "gov_plan",
                _l(
                    "Un plan stratégique guide le travail.",
                    "Um plano estratégico orienta o trabalho.",
                    "A strategic plan guides the work.",
                ),
            ),
        ],
    ),
    (
        "finance",
        _l(
            "Finances et contrôle interne",
            "Finanças e controlo interno",
            "Finance and internal control",
        ),
        [
            (
                "fin_books",
                _l(
                    "La comptabilité est tenue et à jour.",
                    "A contabilidade é mantida e está actualizada.",
                    "The books are kept and up to date.",
                ),
            ),
            (
                "fin_controls",
                _l(
                    "Les dépenses sont autorisées par deux personnes.",
                    "As despesas são autorizadas por duas pessoas.",
                    "Spending is authorised by two people.",
                ),
            ),
            (
                "fin_audit",
                _l(
                    "Les comptes sont audités chaque année.",
                    "As contas são auditadas todos os anos.",
                    "The accounts are audited every year.",
                ),
            ),
        ],
    ),
    (
        "administration",
        _l(
            "Administration et achats",
            "Administração e aprovisionamento",
            "Administration and procurement",
        ),
        [
            (
                "adm_procedures",
                _l(
                    "Un manuel de procédures est appliqué.",
                    "Um manual de procedimentos é aplicado.",
                    "A procedures manual is applied.",
                ),
            ),
            (
                "adm_procurement",
                _l(
                    "Les achats suivent une mise en concurrence.",
                    "As compras seguem uma consulta a fornecedores.",
                    "Purchases follow competitive quotes.",
                ),
            ),
            (
                "adm_assets",
                _l(
                    "Les biens sont inventoriés.",
                    "Os bens estão inventariados.",
                    "Assets are inventoried.",
                ),
            ),
        ],
    ),
    (
        "hr",
        _l("Ressources humaines", "Recursos humanos", "Human resources"),
        [
            (
                "hr_contracts",
                _l(
                    "Chaque salarié a un contrat et une description de poste.",
                    "Cada trabalhador tem contrato e descrição de funções.",
                    "Each employee has a contract and a job description.",
                ),
            ),
            (
                "hr_appraisal",
                _l(
                    "Le personnel est évalué et formé.",
                    "O pessoal é avaliado e formado.",
                    "Staff are appraised and trained.",
                ),
            ),
            (
                "hr_volunteers",
                _l(
                    "Les bénévoles sont encadrés.",
                    "Os voluntários são acompanhados.",
                    "Volunteers are supervised.",
                ),
            ),
        ],
    ),
    (
        "programme",
        _l("Gestion de programmes", "Gestão de programas", "Programme management"),
        [
            (
                "prg_design",
                _l(
                    "Les projets sont conçus à partir des besoins.",
                    "Os projectos são concebidos a partir das necessidades.",
                    "Projects are designed from the needs.",
                ),
            ),
            (
                "prg_workplan",
                _l(
                    "Les activités suivent un plan de travail.",
                    "As actividades seguem um plano de trabalho.",
                    "Activities follow a work plan.",
                ),
            ),
            (
                "prg_quality",
                _l(
                    "Les services respectent des normes de qualité.",
                    "Os serviços respeitam normas de qualidade.",
                    "Services meet quality standards.",
                ),
            ),
        ],
    ),
    (
        "me",
        _l("Suivi et évaluation", "Monitoria e avaliação", "Monitoring and evaluation"),
        [
            (
                "me_indicators",
                _l(
                    "Des indicateurs sont suivis.",
                    "São seguidos indicadores.",
                    "Indicators are tracked.",
                ),
            ),
            (
                "me_data",
                _l(
                    "Les données sont collectées et vérifiées.",
                    "Os dados são recolhidos e verificados.",
                    "Data are collected and checked.",
                ),
            ),
            (
                "me_learning",
                _l(
                    "Les leçons apprises changent la pratique.",
                    "As lições aprendidas mudam a prática.",
                    "Lessons learnt change practice.",
                ),
            ),
        ],
    ),
    (
        "resources",
        _l("Mobilisation de ressources", "Mobilização de recursos", "Resource mobilisation"),
        [
            (
                "res_plan",
                _l(
                    "Un plan de mobilisation de ressources existe.",
                    "Existe um plano de mobilização de recursos.",
                    "A resource mobilisation plan exists.",
                ),
            ),
            (
                "res_donors",
                _l(
                    "L’organisation a plusieurs bailleurs.",
                    "A organização tem vários doadores.",
                    "The organisation has several donors.",
                ),
            ),
            (
                "res_proposals",
                _l(
                    "L’organisation rédige ses propres demandes de financement.",
                    "A organização redige as suas propostas de financiamento.",
                    "The organisation writes its own funding proposals.",
                ),
            ),
        ],
    ),
    (
        "networking",
        _l("Réseautage et plaidoyer", "Redes e advocacia", "Networking and advocacy"),
        [
            (
                "net_member",
                _l(
                    "L’organisation est membre de réseaux actifs.",
                    "A organização é membro de redes activas.",
                    "The organisation belongs to active networks.",
                ),
            ),
            (
                "net_authorities",
                _l(
                    "Elle dialogue avec les autorités.",
                    "Dialoga com as autoridades.",
                    "It engages with the authorities.",
                ),
            ),
            (
                "net_advocacy",
                _l(
                    "Elle mène des actions de plaidoyer.",
                    "Realiza acções de advocacia.",
                    "It carries out advocacy.",
                ),
            ),
        ],
    ),
    (
        "gender",
        _l("Genre et inclusion", "Género e inclusão", "Gender and inclusion"),
        [
            (
                "gen_policy",
                _l(
                    "Une politique genre et inclusion est appliquée.",
                    "Uma política de género e inclusão é aplicada.",
                    "A gender and inclusion policy is applied.",
                ),
            ),
            (
                "gen_leadership",
                _l(
                    "Des femmes occupent des postes de direction.",
                    "Há mulheres em cargos de direcção.",
                    "Women hold leadership positions.",
                ),
            ),
            (
                "gen_access",
                _l(
                    "Les services sont accessibles aux personnes handicapées.",
                    "Os serviços são acessíveis a pessoas com deficiência.",
                    "Services are accessible to persons with disabilities.",
                ),
            ),
        ],
    ),
]


def definition() -> dict[str, Any]:
    return {
        "label": LABEL,
        "stages": STAGES,
        "areas": [
            {
                "code": code,
                "label": label,
                "statements": [{"code": s, "label": text} for s, text in statements],
            }
            for code, label, statements in AREAS
        ],
    }
