"""Action, callback and block ids: one place, so listeners and views cannot drift apart."""

from __future__ import annotations


class ActionId:
    OPEN_CREATE_PROJECT = "crisp.project.create.open"
    PHASE_TICK = "crisp.phase.tick"
    PHASE_MOVE_ANYWAY = "crisp.phase.move_anyway"
    PHASE_OPEN_REASON = "crisp.phase.reason.open"
    # Buttons on an alert group's message; their value is {"g": group id}.
    ALERT_ACK = "crisp.alert.ack"
    ALERT_RESOLVE = "crisp.alert.resolve"
    ALERT_SILENCE = "crisp.alert.silence"  # overflow: {"g": id, "for": "1h" | "4h" | "24h" | "resolved"}
    ALERT_UNSILENCE = "crisp.alert.unsilence"
    ALERT_USEFUL = "crisp.alert.useful"
    ALERT_NOISE = "crisp.alert.noise"
    ALERT_STORM_ACK = "crisp.alert.storm.ack"  # value {"s": storm id}: every open group rolled into it
    ALERT_START_ITERATION = "crisp.alert.iteration"  # opens the form; value {"g": group id}
    CHECKIN_OPEN = "crisp.checkin.open"  # opens the check-in form; value {"r": run id}
    # Opens a phase's documentation form (prefilled with its latest version); value {"p", "ph", "i"}.
    DOCS_OPEN = "crisp.docs.open"
    CHECKIN_EARLY = "crisp.checkin.early"  # App Home: opens the form for the next slot; {"s": schedule, "t": slot}


class CallbackId:
    # The message shortcut "Send as model feedback" (the manifest's `shortcuts`): the message's text is stored.
    MODEL_FEEDBACK = "crisp.feedback.message"
    CREATE_PROJECT = "crisp.project.create"
    PHASE_REASON = "crisp.phase.reason"
    SET_OBJECTIVE = "crisp.project.objective"
    ALERT_ITERATION = "crisp.alert.iteration"  # metadata {"g": group id, "c": channel}
    CHECKIN_ANSWER = "crisp.checkin.answer"  # metadata {"r": run id}
    DOCS_RECORD = "crisp.docs.record"  # metadata {"p": project id, "ph": phase, "i": iteration}
    CHECKIN_ANSWER = "crisp.checkin.answer"  # metadata {"r": run id} (or {"s": schedule id}: an early answer)
    CHECKIN_QUESTIONS = "crisp.checkin.questions"  # metadata {"project": project id}


class BlockId:
    PROJECT_NAME = "project_name"
    PHASE_REASON = "phase_reason"
    PHASE_TASK_PREFIX = "phase_task:"  # + the task key: one block per checklist item
    PROJECT_GOAL = "project_goal"
    PROJECT_METRIC = "project_metric"
    ALERT_ACTIONS = "alert_actions"
    ITERATION_PHASE = "iteration_phase"
    CHECKIN_PROGRESS = "checkin_progress"
    CHECKIN_BLOCKERS = "checkin_blockers"
    CHECKIN_CONFIDENCE = "checkin_confidence"
    CHECKIN_HELP = "checkin_help"
    DOC_FIELD_PREFIX = "doc_field:"  # + the field key (bot.docs.fields): one block per field
    DOC_LINK = "doc_link"
    CHECKIN_EXTRA_PREFIX = "checkin_extra:"  # + the question key (q1, q2): a project's added questions
    CHECKIN_QUESTION_PREFIX = "checkin_question:"  # + the question key, in the questions form


class InputId:
    PROJECT_NAME = "name"
    PHASE_REASON = "reason"
    PROJECT_GOAL = "goal"
    PROJECT_METRIC = "metric"
    ITERATION_PHASE = "phase"
    CHECKIN_PROGRESS = "progress"
    CHECKIN_BLOCKERS = "blockers"
    CHECKIN_CONFIDENCE = "confidence"
    CHECKIN_HELP = "help"
    DOC_TEXT = "text"
    DOC_LINK = "link"
    CHECKIN_EXTRA = "extra"
    CHECKIN_QUESTION = "question"
