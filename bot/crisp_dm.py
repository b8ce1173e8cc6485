"""CRISP-DM's phases: canonical names, display names and the aliases people type."""

from __future__ import annotations

import enum
import re
from typing import NamedTuple


class Phase(enum.StrEnum):
    BUSINESS_UNDERSTANDING = "business-understanding"
    DATA_UNDERSTANDING = "data-understanding"
    DATA_PREPARATION = "data-preparation"
    MODELING = "modeling"
    EVALUATION = "evaluation"
    DEPLOYMENT = "deployment"

    @property
    def title(self) -> str:
        return PHASE_TITLES[self]

    @property
    def number(self) -> int:
        return PHASE_ORDER.index(self) + 1

    def following(self) -> Phase | None:
        index = PHASE_ORDER.index(self)
        return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


PHASE_ORDER = tuple(Phase)
FIRST_PHASE = Phase.BUSINESS_UNDERSTANDING

PHASE_TITLES = {
    Phase.BUSINESS_UNDERSTANDING: "Business understanding",
    Phase.DATA_UNDERSTANDING: "Data understanding",
    Phase.DATA_PREPARATION: "Data preparation",
    Phase.MODELING: "Modeling",
    Phase.EVALUATION: "Evaluation",
    Phase.DEPLOYMENT: "Deployment",
}

PHASE_ALIASES = {
    Phase.BUSINESS_UNDERSTANDING: ("business", "bu"),
    Phase.DATA_UNDERSTANDING: ("data", "du"),
    Phase.DATA_PREPARATION: ("prep", "dp", "data-prep"),
    Phase.MODELING: ("modelling", "model"),
    Phase.EVALUATION: ("eval",),
    Phase.DEPLOYMENT: ("deploy",),
}


def normalise_word(text: str) -> str:
    """'Data Preparation', 'data_preparation' and 'DATA-preparation' all become 'data-preparation'."""
    return re.sub(r"[\s_\-]+", "-", text.strip().lower())


PHASE_LOOKUP: dict[str, Phase] = {}
for _phase in Phase:
    PHASE_LOOKUP[_phase.value] = _phase
    for _alias in PHASE_ALIASES[_phase]:
        PHASE_LOOKUP[_alias] = _phase


def parse_phase(text: str) -> Phase | None:
    return PHASE_LOOKUP.get(normalise_word(text))


class GenericTask(NamedTuple):
    """One of CRISP-DM 1.0's 24 generic tasks: an item of its phase's exit checklist."""

    key: str            # stable, stored with ticks: "bu.objectives"
    phase: Phase
    title: str
    outputs: tuple[str, ...]


def _tasks(phase: Phase, prefix: str, *rows: tuple[str, str, tuple[str, ...]]) -> tuple[GenericTask, ...]:
    return tuple(GenericTask(f"{prefix}.{slug}", phase, title, outputs) for slug, title, outputs in rows)


GENERIC_TASKS: dict[Phase, tuple[GenericTask, ...]] = {
    Phase.BUSINESS_UNDERSTANDING: _tasks(
        Phase.BUSINESS_UNDERSTANDING, "bu",
        ("objectives", "Determine business objectives",
         ("background", "business objectives", "business success criteria")),
        ("situation", "Assess situation",
         ("inventory of resources", "requirements, assumptions and constraints", "risks and contingencies",
          "terminology", "costs and benefits")),
        ("ml-goals", "Determine data-mining (ML) goals", ("ML goals", "ML success criteria")),
        ("plan", "Produce project plan", ("project plan", "initial assessment of tools and techniques")),
    ),
    Phase.DATA_UNDERSTANDING: _tasks(
        Phase.DATA_UNDERSTANDING, "du",
        ("collect", "Collect initial data", ("initial data collection report",)),
        ("describe", "Describe data", ("data description report",)),
        ("explore", "Explore data", ("data exploration report",)),
        ("quality", "Verify data quality", ("data quality report",)),
    ),
    Phase.DATA_PREPARATION: _tasks(
        Phase.DATA_PREPARATION, "dp",
        ("select", "Select data", ("rationale for inclusion / exclusion",)),
        ("clean", "Clean data", ("data cleaning report",)),
        ("construct", "Construct data", ("derived attributes", "generated records")),
        ("integrate", "Integrate data", ("merged data",)),
        ("format", "Format data", ("reformatted data", "dataset", "dataset description")),
    ),
    Phase.MODELING: _tasks(
        Phase.MODELING, "mo",
        ("technique", "Select modeling technique", ("modeling technique", "modeling assumptions")),
        ("test-design", "Generate test design", ("test design (splits, cross-validation, metrics)",)),
        ("build", "Build model", ("parameter settings", "models", "model description")),
        ("assess", "Assess model", ("model assessment", "revised parameter settings")),
    ),
    Phase.EVALUATION: _tasks(
        Phase.EVALUATION, "ev",
        ("results", "Evaluate results",
         ("assessment against the business success criteria", "approved models")),
        ("review", "Review process", ("review of process",)),
        ("next-steps", "Determine next steps", ("list of possible actions", "decision (deploy, iterate, stop)")),
    ),
    Phase.DEPLOYMENT: _tasks(
        Phase.DEPLOYMENT, "de",
        ("plan", "Plan deployment", ("deployment plan",)),
        ("monitoring", "Plan monitoring and maintenance",
         ("monitoring and maintenance plan (drift, retraining triggers)",)),
        ("report", "Produce final report", ("final report", "final presentation")),
        ("review", "Review project", ("experience documentation",)),
    ),
}

TASKS_BY_KEY: dict[str, GenericTask] = {task.key: task for tasks in GENERIC_TASKS.values() for task in tasks}


class Role(enum.StrEnum):
    PRODUCT_OWNER = "product-owner"
    PRODUCT_MANAGER = "product-manager"
    DATA_SCIENTIST = "data-scientist"
    DATA_ENGINEER = "data-engineer"
    ML_ENGINEER = "ml-engineer"
    SOFTWARE_ENGINEER = "software-engineer"
    QA = "qa"
    DEVOPS = "devops"
    SPONSOR = "sponsor"
    DOMAIN_EXPERT = "domain-expert"
    ANALYST = "analyst"

    @property
    def title(self) -> str:
        return ROLE_TITLES[self]


ROLE_TITLES = {
    Role.PRODUCT_OWNER: "Product owner",
    Role.PRODUCT_MANAGER: "Product manager",
    Role.DATA_SCIENTIST: "Data scientist",
    Role.DATA_ENGINEER: "Data engineer",
    Role.ML_ENGINEER: "ML engineer",
    Role.SOFTWARE_ENGINEER: "Software engineer",
    Role.QA: "QA",
    Role.DEVOPS: "DevOps",
    Role.SPONSOR: "Sponsor",
    Role.DOMAIN_EXPERT: "Domain expert",
    Role.ANALYST: "Analyst",
}

# Besides the canonical names, the words and abbreviations people use.
ROLE_ALIASES = {
    Role.PRODUCT_OWNER: ("po", "owner"),
    Role.PRODUCT_MANAGER: ("pm", "manager"),
    Role.DATA_SCIENTIST: ("ds", "scientist"),
    Role.DATA_ENGINEER: ("de",),
    Role.ML_ENGINEER: ("mle", "mlops", "machine-learning-engineer"),
    Role.SOFTWARE_ENGINEER: ("swe", "developer", "dev"),
    Role.QA: ("tester", "quality-assurance"),
    Role.DEVOPS: ("ops", "sre"),
    Role.SPONSOR: ("business-sponsor", "executive-sponsor"),
    Role.DOMAIN_EXPERT: ("expert", "sme", "subject-matter-expert"),
    Role.ANALYST: ("business-analyst", "ba"),
}

ROLE_LOOKUP: dict[str, Role] = {}
for _role in Role:
    ROLE_LOOKUP[_role.value] = _role
    for _alias in ROLE_ALIASES[_role]:
        ROLE_LOOKUP[_alias] = _role


def parse_role(text: str) -> Role | None:
    return ROLE_LOOKUP.get(normalise_word(text))


# Who each phase needs ("Who is involved when" in CRISP-DM practice). Product owner and sponsor are
# expected throughout; a product manager may stand in for the product owner.
THROUGHOUT = (Role.PRODUCT_OWNER, Role.SPONSOR)
EXPECTED_ROLES: dict[Phase, tuple[Role, ...]] = {
    Phase.BUSINESS_UNDERSTANDING: THROUGHOUT,
    Phase.DATA_UNDERSTANDING: (*THROUGHOUT, Role.DATA_ENGINEER, Role.DATA_SCIENTIST),
    Phase.DATA_PREPARATION: (*THROUGHOUT, Role.DATA_ENGINEER),
    Phase.MODELING: (*THROUGHOUT, Role.DATA_SCIENTIST),
    Phase.EVALUATION: (*THROUGHOUT, Role.DATA_SCIENTIST),
    Phase.DEPLOYMENT: (*THROUGHOUT, Role.ML_ENGINEER, Role.SOFTWARE_ENGINEER, Role.DEVOPS),
}
STANDS_IN_FOR = {Role.PRODUCT_OWNER: Role.PRODUCT_MANAGER}


def missing_roles(phase: Phase, held: set[str] | frozenset[str]) -> tuple[Role, ...]:
    """The roles `phase` expects that nobody holds, in the order the phase lists them."""
    return tuple(role for role in EXPECTED_ROLES[phase]
                 if role not in held and STANDS_IN_FOR.get(role) not in held)
