"""The request log describes any body without raising: it also runs for bodies that made a listener fail."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.request_log import describe, ids

ODD_BODIES = [
    {}, {"command": None, "text": 5}, {"command": "/crisp", "text": ["a"]},
    {"type": "block_actions", "actions": [{"action_id": None}, None, "x", {"action_id": 5}]},
    {"type": "block_actions", "actions": "abc"}, {"type": "block_actions", "actions": None},
    {"type": "view_submission", "view": "x"}, {"type": "view_closed", "view": {"callback_id": None}},
    {"type": "event_callback", "event": "app_home_opened"}, {"type": "event_callback", "event": {"type": 5}},
    {"type": ["x"]}, {"team": "T0CRISP", "user": "U0BOB", "channel": "C0CHURN"},
    {"team": ["T"], "user": 5, "channel": {"id": None}, "event": {"user": {"id": "U1"}, "channel": 3}},
    {"team_id": 7, "user_id": None, "channel_id": {"id": "C1"}},
]


def test_odd_bodies_are_described_without_raising():
    assert describe({"type": "block_actions", "actions": [{"action_id": None}, {"action_id": "a"}]}) == \
        ("action", "?,a")
    assert ids({"team": "T0CRISP", "user": {"id": "U0BOB"}, "event": {"channel": "C0X"}}) == \
        {"team": "T0CRISP", "user": "U0BOB", "channel": "C0X"}
    for body in ODD_BODIES + [None, "payload", [], 5]:
        kind, detail = describe(body)
        assert isinstance(kind, str) and isinstance(detail, str)
        assert all(isinstance(value, str) for value in ids(body).values())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.sampled_from(["command", "type", "block_actions", "event_callback", "view_submission", "actions"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["command", "text", "type", "event", "actions", "action_id", "view",
                                       "callback_id", "team", "team_id", "user", "user_id", "channel", "channel_id",
                                       "id"]) | st.text(max_size=4), children, max_size=5),
    max_leaves=20)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(json_values)
def test_any_json_value_is_described_without_raising(body):
    kind, detail = describe(body)
    assert isinstance(kind, str) and isinstance(detail, str)
    assert all(isinstance(value, str) for value in ids(body).values())
