"""CRISP-DM's phases: canonical names, display names and the aliases people type."""

from __future__ import annotations

import enum
import re


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
    Phase.DATA_PREPARATION: ("prep", "dp"),
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
