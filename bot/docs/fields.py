"""What each phase's record holds (issue 9), and which roles are asked for it."""

from __future__ import annotations

from typing import NamedTuple

from bot.crisp_dm import Phase, Role


class DocField(NamedTuple):
    key: str           # stored in doc_record.fields
    label: str         # the form's label and the record's heading
    hint: str          # the form's placeholder
    required: bool


def _field(key: str, label: str, hint: str, required: bool = False) -> DocField:
    return DocField(key, label, hint, required)


FIELDS: dict[Phase, tuple[DocField, ...]] = {
    Phase.BUSINESS_UNDERSTANDING: (
        _field("objective", "Business objective", "What the model is for, in the business's words", True),
        _field("success_metric", "Success metric", "e.g. Cut churn by 5 points within a quarter", True),
        _field("constraints", "Constraints", "Budget, deadlines, legal or technical limits"),
    ),
    Phase.DATA_UNDERSTANDING: (
        _field("sources", "Data sources", "Tables, files, APIs, and who owns them", True),
        _field("volume", "Volume", "Rows, columns, time span"),
        _field("quality_issues", "Quality issues", "Missing values, duplicates, errors found", True),
        _field("known_biases", "Known biases", "Groups under- or over-represented, sampling issues"),
    ),
    Phase.DATA_PREPARATION: (
        _field("cleaning", "Cleaning", "What was removed, imputed or corrected", True),
        _field("encoding", "Encoding", "How categories and text were encoded"),
        _field("scaling", "Scaling", "Normalisation or standardisation applied"),
        _field("feature_list", "Feature list", "The features produced", True),
        _field("splits", "Splits", "Train / validation / test, and how they were drawn", True),
    ),
    Phase.MODELING: (
        _field("algorithm", "Algorithm and why", "e.g. Gradient boosting: tabular data, non-linear effects", True),
        _field("features_used", "Features used", "The features the model takes"),
        _field("hyperparameters", "Hyperparameters", "The values chosen, and how"),
        _field("cross_validation", "Cross-validation scheme", "e.g. 5-fold, stratified by month"),
        _field("metrics", "Metrics", "The scores on validation", True),
    ),
    Phase.EVALUATION: (
        _field("holdout_metrics", "Holdout metrics vs the success metric", "Scores on the holdout set, against "
               "the business's target", True),
        _field("error_analysis", "Error analysis", "Where the model fails, and for whom"),
        _field("user_tests", "User tests", "What users said when trying it"),
        _field("go_no_go", "Go / no-go", "The decision, and who took it", True),
    ),
    Phase.DEPLOYMENT: (
        _field("integration", "Integration", "Where the model runs and what calls it", True),
        _field("scalability_security", "Scalability and security notes", "Load, latency, access, secrets"),
        _field("monitoring_plan", "Monitoring plan", "What is watched, and who is alerted", True),
        _field("retraining_trigger", "Retraining trigger", "When the model is retrained"),
        _field("rollback", "Rollback", "How to go back to the previous model"),
    ),
}

# Who is asked for each phase's record; the product owner stands in for a role nobody holds.
RESPONSIBLE: dict[Phase, tuple[Role, ...]] = {
    Phase.BUSINESS_UNDERSTANDING: (Role.PRODUCT_OWNER, Role.PRODUCT_MANAGER),
    Phase.DATA_UNDERSTANDING: (Role.DATA_ENGINEER, Role.DATA_SCIENTIST),
    Phase.DATA_PREPARATION: (Role.DATA_ENGINEER, Role.DATA_SCIENTIST),
    Phase.MODELING: (Role.DATA_SCIENTIST,),
    Phase.EVALUATION: (Role.DATA_SCIENTIST,),
    Phase.DEPLOYMENT: (Role.ML_ENGINEER, Role.DEVOPS),
}
FALLBACK = Role.PRODUCT_OWNER

# Characters per field, and for the link.
FIELD_LIMIT = 3000
LINK_LIMIT = 500


def field_of(phase: Phase, key: str) -> DocField | None:
    return next((field for field in FIELDS[phase] if field.key == key), None)
