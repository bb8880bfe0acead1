"""Demo logframe: the objectives and results of the Particip'Action programme as its text states
them (`seed/programme-particip-action.fr.txt`), with the indicators the system computes where a
result is about its records, and indicators entered by hand for the activities it does not
record (awareness sessions, fairs, trainings of agents).

The programme text gives no figure, so the demo sets no baseline, no target and no value: they
are entered on `/results/logframe/` by the coordinators and M&E. The structure is configuration
(written as the admin writes it).
"""

from typing import Any

from orienta.reporting.models import LogframeIndicator, Objective, Result

# (code, level, fr, pt, en)
OBJECTIVES = [
    (
        "OG",
        Objective.Level.GENERAL,
        "Contribuer à l’amélioration de la qualité de vie des communautés en situation de "
        "vulnérabilité grâce à la création d’opportunités durables et inclusives et au "
        "renforcement des acteurs de la société civile et institutionnelles, consolidant ainsi "
        "le secteur de la Protection Sociale.",
        "Contribuir para a melhoria da qualidade de vida das comunidades em situação de "
        "vulnerabilidade através da criação de oportunidades duradouras e inclusivas e do "
        "reforço dos atores da sociedade civil e institucionais, consolidando assim o setor da "
        "Proteção Social.",
        "Contribute to a better quality of life for vulnerable communities by creating lasting "
        "and inclusive opportunities and by strengthening civil-society and institutional "
        "actors, so consolidating the social protection sector.",
    ),
    (
        "OS1",
        Objective.Level.SPECIFIC,
        "Promouvoir une participation inclusive à la vie en communauté et un accès de qualité "
        "aux services sociaux de base, à l’éducation, à une orientation professionnelle.",
        "Promover uma participação inclusiva na vida em comunidade e um acesso de qualidade aos "
        "serviços sociais básicos, à educação e a uma orientação profissional.",
        "Promote inclusive participation in community life and quality access to basic social "
        "services, education and vocational guidance.",
    ),
    (
        "OS2",
        Objective.Level.SPECIFIC,
        "Renforcer la capacité et les moyens d’intervention de la société civile, améliorant "
        "leur autonomie et contribution au développement local.",
        "Reforçar a capacidade e os meios de intervenção da sociedade civil, melhorando a sua "
        "autonomia e contribuição para o desenvolvimento local.",
        "Strengthen the capacity and means of action of civil society, improving its autonomy "
        "and its contribution to local development.",
    ),
    (
        "OS3",
        Objective.Level.SPECIFIC,
        "Renforcer les acteurs institutionnels publics et privés par la dynamisation et la "
        "pérennisation des réseaux techniques sur la Protection Sociale, contribuant à "
        "l’implémentation de stratégies publiques locales.",
        "Reforçar os atores institucionais públicos e privados através da dinamização e da "
        "sustentabilidade das redes técnicas de Proteção Social, contribuindo para a "
        "implementação de estratégias públicas locais.",
        "Strengthen public and private institutional actors by energising and sustaining the "
        "technical networks on social protection, contributing to local public strategies.",
    ),
]

# (objective, code, fr, pt, en): the activities of "Le projet en action", as outputs.
RESULTS = [
    (
        "OS1",
        "R1.1",
        "Les Agents d’Orientation Sociale et Professionnelle sont formés à la méthodologie des "
        "BIOSP, aux thématiques de sensibilisation et à l’informatique.",
        "Os Agentes de Orientação Social e Profissional são formados na metodologia dos BIOSP, "
        "nos temas de sensibilização e em informática.",
        "The social and vocational guidance agents are trained in the BIOSP method, the "
        "awareness topics and computing.",
    ),
    (
        "OS1",
        "R1.2",
        "Les populations vulnérables sont accueillies, écoutées activement, orientées, prises "
        "en charge et suivies.",
        "As populações vulneráveis são acolhidas, ouvidas ativamente, orientadas, apoiadas e "
        "acompanhadas.",
        "Vulnerable people are welcomed, actively listened to, referred, taken in charge and "
        "followed up.",
    ),
    (
        "OS1",
        "R1.3",
        "Les familles en situation de vulnérabilité élevée sont identifiées et accompagnées.",
        "As famílias em situação de elevada vulnerabilidade são identificadas e acompanhadas.",
        "Families in high vulnerability are identified and accompanied.",
    ),
    (
        "OS1",
        "R1.4",
        "Des sensibilisations participatives sont organisées dans les communautés (égalité "
        "femmes/hommes, droits humains, santé, changement climatique…).",
        "São organizadas sensibilizações participativas nas comunidades (igualdade entre "
        "mulheres e homens, direitos humanos, saúde, alterações climáticas…).",
        "Participatory awareness sessions are held in the communities (gender equality, human "
        "rights, health, climate change…).",
    ),
    (
        "OS1",
        "R1.5",
        "Des foires sociales et de l’employabilité sont organisées.",
        "São organizadas feiras sociais e de empregabilidade.",
        "Social and employability fairs are held.",
    ),
    (
        "OS1",
        "R1.6",
        "Le fonds d’appui prend en charge les frais des services pour les familles qui ne "
        "peuvent pas les payer.",
        "O fundo de apoio assume os custos dos serviços para as famílias que não os podem pagar.",
        "The support fund pays the services' fees for the families who cannot pay them.",
    ),
    (
        "OS2",
        "R2.1",
        "Les capacités techniques et financières des associations partenaires et des "
        "organisations de la société civile sont renforcées.",
        "As capacidades técnicas e financeiras das associações parceiras e das organizações da "
        "sociedade civil são reforçadas.",
        "The technical and financial capacities of partner associations and civil-society "
        "organisations are strengthened.",
    ),
    (
        "OS3",
        "R3.1",
        "Un diagnostic socioéconomique est mis en œuvre avec les membres des Groupes Techniques "
        "de la Protection Sociale et les universités locales.",
        "É realizado um diagnóstico socioeconómico com os membros dos Grupos Técnicos de "
        "Proteção Social e as universidades locais.",
        "A socio-economic diagnostic is carried out with the members of the social protection "
        "technical groups and local universities.",
    ),
    (
        "OS3",
        "R3.2",
        "Les plans d’action des GTPS contribuent aux politiques de Protection Sociale.",
        "Os planos de ação dos GTPS contribuem para as políticas de Proteção Social.",
        "The action plans of the technical groups contribute to social protection policies.",
    ),
]

# Computed indicators: (result, logframe code, registry code).
COMPUTED = [
    ("R1.2", "IND-1.2-1", "PERSONS_WELCOMED"),
    ("R1.2", "IND-1.2-2", "WOMEN_SHARE"),
    ("R1.2", "IND-1.2-3", "YOUTH_SHARE"),
    ("R1.2", "IND-1.2-4", "VISITS"),
    ("R1.2", "IND-1.2-5", "REFERRALS_SENT"),
    ("R1.2", "IND-1.2-6", "REFERRALS_SERVED_RATE"),
    ("R1.2", "IND-1.2-7", "CASES_OPENED"),
    ("R1.6", "IND-1.6-1", "FUND_PERSONS_PAID"),
    ("R1.6", "IND-1.6-2", "FUND_AMOUNT_PAID_EUR"),
]
# Entered by hand: (result, code, unit, fr, pt, en).
BY_HAND = [
    (
        "R1.1",
        "IND-1.1-1",
        "persons",
        "Agents d’orientation formés à la méthodologie des BIOSP",
        "Agentes de orientação formados na metodologia dos BIOSP",
        "Guidance agents trained in the BIOSP method",
    ),
    (
        "R1.4",
        "IND-1.4-1",
        "events",
        "Sensibilisations participatives organisées",
        "Sensibilizações participativas organizadas",
        "Participatory awareness sessions held",
    ),
    (
        "R1.5",
        "IND-1.5-1",
        "events",
        "Foires sociales et de l’employabilité organisées",
        "Feiras sociais e de empregabilidade organizadas",
        "Social and employability fairs held",
    ),
]


def build(ctx: Any) -> None:
    admin = ctx.users.get("admin")
    authored = {"created_by": admin, "updated_by": admin}
    objectives = {}
    for position, (code, level, fr, pt, en) in enumerate(OBJECTIVES):
        objectives[code], _ = Objective.objects.get_or_create(
            code=code,
            defaults=dict(
                level=level,
                statement_fr=fr,
                statement_pt=pt,
                statement_en=en,
                position=position,
                **authored,
            ),
        )
    results = {}
    for position, (objective, code, fr, pt, en) in enumerate(RESULTS):
        results[code], _ = Result.objects.get_or_create(
            code=code,
            defaults=dict(
                objective=objectives[objective],
                kind=Result.Kind.OUTPUT,
                statement_fr=fr,
                statement_pt=pt,
                statement_en=en,
                position=position,
                **authored,
            ),
        )
    for position, (result, code, registry_code) in enumerate(COMPUTED):
        LogframeIndicator.objects.get_or_create(
            code=code,
            defaults=dict(
                result=results[result], indicator_code=registry_code, position=position, **authored
            ),
        )
    for position, (result, code, unit, fr, pt, en) in enumerate(BY_HAND):
        LogframeIndicator.objects.get_or_create(
            code=code,
            defaults=dict(
                result=results[result],
                unit=unit,
                name_fr=fr,
                name_pt=pt,
                name_en=en,
                position=position,
                **authored,
            ),
        )
