"""Property: whatever arrives at /slack/events — slash commands, interactions, events, signed or not, with
broken headers, encodings and types — the answer is 2xx or 4xx, nothing is logged at ERROR, and a refused
request (401 or 400) stores nothing and logs exactly one WARNING line.

Bodies start from what Slack sends and are then broken on purpose. Each break knows whether it makes the
body one Slack would never send; a verified body with such a break must get 400, and one without must not.
The app runs once per database; hypothesis drives it from a worker thread over real HTTP."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.console import slack_requests
from bot.console.slack_requests import Person, Place
from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from tests.conftest import SIGNING_SECRET
from tests.handlers.conftest import table_counts

EXAMPLES = 600
FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
SLACK_ID = re.compile(r"[A-Z][A-Z0-9]{1,31}")
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,31}")

MISSING = object()  # a mutation that deletes the field
# Stand-ins for what json.dumps cannot write; replaced by raw JSON text after dumping.
RAW_JSON = {"__HUGE__": "9" * 5000, "__LONG__": "1" * 40, "__DEEP__": "[" * 3000 + "]" * 3000,
            "__NEST__": "[" * 60 + "]" * 60, "__NAN__": "NaN", "__INF__": "-Infinity", "__BIGFLOAT__": "1e999"}

GOOD_IDS = st.sampled_from(["T0CRISP", "C0FUZZ1", "C0FUZZ2", "G0PRIV", "U0ADMIN", "U0ALICE", "W0BOB", "C" + "9" * 31])
GOOD_CHANNELS = st.sampled_from(["C0FUZZ1", "C0FUZZ2", "G0PRIV", "C" + "9" * 31])
BAD_IDS = st.sampled_from(["", "C" * 41, "c0lower", "C0\x00X", "C0 X", "C0-X", "Ｃ0X", "\u202eC0X", "C", "0C0X",
                           "C0X\n", "C0X\r\nX-Injected: 1"])
NO_SURROGATES = st.characters(exclude_categories=("Cs",))
TEXT = st.one_of(
    st.sampled_from(["help", "status", "project list", "project create", "project", "projct lst", "payload",
                     "&lt;!channel&gt;", "<!here>", "\u202eevil", "a\x00b", "\x1b[2J", "x" * 5000]),
    st.builds(lambda name: "project create " + name, st.text(NO_SURROGATES, max_size=90)),
    st.text(NO_SURROGATES, max_size=40),
)
ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(NO_SURROGATES, max_size=10),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                    max_size=3), max_leaves=8)
SENTINELS = st.sampled_from(sorted(RAW_JSON))
# Generation must not depend on the clock or on randomness outside hypothesis: it replays what it drew.
TRIGGER_ID = "1767603600.123456789012.0123456789abcdef"
HOW_MANY_BREAKS = st.sampled_from([0, 0, 0, 0, 1, 1, 2, 3])
WRONG_TYPES = st.sampled_from(["str", None, [], {}, 5, 1.5, True, ["x"], {"id": 5}])


@dataclass
class Case:
    kind: str
    body: bytes = b""
    content_type: str | None = FORM
    headers: dict[str, str] = field(default_factory=dict)
    verified: bool = True
    malformed: bool | None = False  # None: nobody can say (random bytes)
    notes: list[str] = field(default_factory=list)


def put(target: Any, path: tuple, value: Any) -> bool:
    """Set (or, with MISSING, delete) the field at `path`; False when the body no longer has that place."""
    for key in path[:-1]:
        if isinstance(target, dict) and key in target or isinstance(target, list) and isinstance(key, int) \
                and key < len(target):
            target = target[key]
        else:
            return False
    last = path[-1]
    if isinstance(target, dict):
        if value is MISSING:
            target.pop(last, None)
        else:
            target[last] = value
        return True
    if isinstance(target, list) and isinstance(last, int) and last < len(target) and value is not MISSING:
        target[last] = value
        return True
    return False


def dump(data: Any, *, ascii_only: bool = True) -> str:
    text = json.dumps(data, ensure_ascii=ascii_only)
    for sentinel, raw in RAW_JSON.items():
        text = text.replace(f'"{sentinel}"', raw)
    return text


def related(path: tuple, other: tuple) -> bool:
    shorter = min(len(path), len(other))
    return path[:shorter] == other[:shorter]


def apply_breaks(draw, table: list[tuple[tuple, st.SearchStrategy, Any]], body: dict, case: Case, *,
                 strings_only: bool = False) -> None:
    """Apply up to three entries of `table` (path, values, whether such a value is malformed) to distinct,
    unrelated fields, so that each one's verdict still holds for the whole body."""
    touched: list[tuple] = []
    for _ in range(draw(HOW_MANY_BREAKS)):
        path, values, bad = draw(st.sampled_from(table))
        value = draw(values)
        if any(related(path, other) for other in touched):
            continue
        if strings_only and value is not MISSING and not isinstance(value, str):
            continue  # a form only carries strings
        if put(body, path, value):
            touched.append(path)
            case.malformed = case.malformed or (bad(value) if callable(bad) else bad)
            case.notes.append(f"{'.'.join(map(str, path))}={value!r:.40}")


@st.composite
def mutations(draw, table: list[tuple[tuple, st.SearchStrategy, Any]], body: dict, case: Case) -> None:
    apply_breaks(draw, table, body, case)
    if draw(st.integers(0, 9)) == 0:  # a number or nesting Slack never sends, anywhere
        path = draw(st.sampled_from([("x_extra",), ("event_time",), ("team",), ("user", "x"), ("view", "state")]))
        if put(body, path, draw(SENTINELS)):
            case.malformed = True
            case.notes.append(f"{path} raw")


def ids_at(path: tuple) -> tuple[tuple, st.SearchStrategy, Any]:
    return path, GOOD_IDS | BAD_IDS, lambda value: not SLACK_ID.fullmatch(value)


def channel_ids_at(path: tuple) -> tuple[tuple, st.SearchStrategy, Any]:
    """A conversation id: a user or team id there is refused too."""
    return path, GOOD_IDS | BAD_IDS, lambda value: not CHANNEL_ID.fullmatch(value)


def required_ids_at(path: tuple, *, channel: bool = False) -> list[tuple[tuple, st.SearchStrategy, Any]]:
    return [(channel_ids_at if channel else ids_at)(path), (path, st.just(MISSING) | WRONG_TYPES, True)]


BOLT_SHAPE = [  # fields Bolt reads in every body
    (("authorizations",), st.sampled_from(["x", 5, {}, [5], ["x"]]), True),
    (("authorizations",), st.just([{"team_id": "T0CRISP", "user_id": "U0BOT", "is_bot": True}]), False),
    (("response_urls",), st.sampled_from(["x", [5], {}]), True),
    (("enterprise",), st.sampled_from([5, [], {"id": 5}]), True),
    (("enterprise",), st.sampled_from([None, "E0ORG", {"id": "E0ORG"}]), False),
    (("event",), st.sampled_from(["x", 5, [], {"type": 5}]), True),
    (("x_extra",), ANY_JSON, False),
    (("x_extra",), st.just("\ud800 lone"), True),
]


@st.composite
def slash_command(draw) -> Case:
    case = Case("command")
    form = {"token": "t", "team_id": "T0CRISP", "team_domain": "crisp", "channel_id": draw(GOOD_CHANNELS),
            "channel_name": "fuzz", "user_id": draw(st.sampled_from(["U0ADMIN", "U0ALICE"])), "user_name": "u",
            "command": "/crisp", "text": draw(TEXT), "api_app_id": "A0CRISP", "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.invalid/x", "trigger_id": TRIGGER_ID}
    table = [
        *required_ids_at(("team_id",)), *required_ids_at(("channel_id",), channel=True), *required_ids_at(("user_id",)),
        (("command",), st.sampled_from(["/crisp", "/other"]), False),
        (("command",), st.sampled_from(["crisp", "", "/cr isp", "/" + "c" * 40, MISSING]), True),
        (("text",), TEXT | st.just(MISSING), False),
        (("trigger_id",), st.just("t" * 300), True),
        (("trigger_id",), st.just(MISSING), False),
        (("event",), st.just("x"), True), (("authorizations",), st.just("x"), True),
        (("view",), st.just("x"), True), (("response_urls",), st.just("x"), True),
        (("user",), st.just("U0ALICE"), False), (("x_extra",), st.text(NO_SURROGATES, max_size=20), False),
    ]
    apply_breaks(draw, table, form, case, strings_only=True)
    text = urlencode(form)
    tail = draw(st.sampled_from(["", "", "", "&text=twice", "&user_name=%FF", "&user_name=%C3%28", "&=&&x"]))
    duplicate = tail == "&text=twice" and "text" in form
    case.malformed = case.malformed or duplicate or tail in ("&user_name=%FF", "&user_name=%C3%28")
    if tail:
        case.notes.append(f"tail {tail!r}")
    case.body, case.content_type = (text + tail).encode(), FORM
    return case


def _interaction_template(draw) -> dict:
    person, place = Person("U0ADMIN", "admin"), Place(draw(GOOD_CHANNELS), "fuzz")
    kind = draw(st.sampled_from(["block_actions", "view_submission", "view_closed", "shortcut"]))
    if kind == "block_actions":
        action = {"action_id": draw(st.sampled_from([ActionId.OPEN_CREATE_PROJECT, "crisp.unknown"])),
                  "block_id": "b", "type": "button", "value": "v"}
        payload = slack_requests.block_action(person, action, TRIGGER_ID, place=place,
                                              message={"ts": "1.000001", "user": "U0BOT"})
        payload["actions"][0]["action_ts"] = "1.000002"
        return payload
    if kind == "shortcut":
        return {"type": "shortcut", "callback_id": "crisp.shortcut", "trigger_id": "t", "token": "t",
                "team": {"id": "T0CRISP"}, "user": slack_requests.user_object(person)}
    view = {"id": "V0FUZZ", "type": "modal", "callback_id": CallbackId.CREATE_PROJECT, "team_id": "T0CRISP",
            "private_metadata": json.dumps({"channel": place.id}), "hash": "1.a"}
    values = {BlockId.PROJECT_NAME: {InputId.PROJECT_NAME: {"type": "plain_text_input",
                                                            "value": draw(st.text(NO_SURROGATES, max_size=90))}}}
    payload = slack_requests.view_submission(person, view, values, TRIGGER_ID)
    payload["type"] = kind
    return payload


VALUE_PATH = ("view", "state", "values", BlockId.PROJECT_NAME, InputId.PROJECT_NAME, "value")
INTERACTION_TABLE = {
    "common": [
        *BOLT_SHAPE,
        (("type",), st.sampled_from(["dialog_submission", "nope", None, 5]), True),
        (("team",), st.sampled_from(["T0CRISP", [], 5, {"id": 5}, {}]), True),
        (("team",), st.just(None), False),  # org-wide installs; the user's team_id is there
        ids_at(("team", "id")),
        (("user",), st.sampled_from(["U0ADMIN", None, [], 5, {}]), True),
        ids_at(("user", "id")), ids_at(("user", "team_id")),
        (("channel",), st.sampled_from(["C0FUZZ1", [], 5, {"id": None}]), True),
        (("channel",), st.just(None), False),
        ids_at(("channel", "id")),
        (("message",), st.sampled_from(["x", 5]), True),
        (("response_urls",), st.just([]), False),
        (("user", "name"), st.text(NO_SURROGATES, max_size=20), False),
        (("user", "name"), st.just("a\ud800"), True),
    ],
    "block_actions": [
        (("actions",), st.sampled_from([[], "x", None, {}, [None]]), True),
        (("actions", 0), st.sampled_from(["x", None, 5, []]), True),
        (("actions", 0, "action_id"), st.sampled_from([None, 5, [], MISSING, "a" * 300]), True),
        (("actions", 0, "action_id"), st.text(NO_SURROGATES, max_size=30), False),
        (("actions", 0, "value"), st.sampled_from([5, [], {}]), True),
        (("actions", 0, "value"), st.text(max_size=30) | st.none(), False),
        (("trigger_id",), st.sampled_from([5, []]), True),
        (("trigger_id",), st.just(None), False),
        (("view",), st.just(None), False),
        (("view",), st.sampled_from(["x", 5]), True),
    ],
    "view": [
        (("view",), st.sampled_from([None, "x", 5, [], MISSING]), True),
        (("view", "type"), st.sampled_from([None, 5, MISSING]), True),
        (("view", "callback_id"), st.sampled_from([5, None, []]), True),
        (("view", "callback_id"), st.sampled_from(["other", ""]), False),
        (("view", "private_metadata"), st.sampled_from([
            json.dumps({"channel": "C" * 41}), json.dumps({"channel": ""}), json.dumps({"channel": None}),
            json.dumps({"channel": 5}), json.dumps({"channel": "U0ALICE"}), "x" * 3001, 5, None]), True),
        (("view", "private_metadata"), st.sampled_from(["not json", "{", "[]", json.dumps({"other": 1})]), False),
        (("view", "state"), st.sampled_from(["x", 5, []]), True),
        (("view", "state", "values"), st.sampled_from([[], "x", {"b": "x"}, {"b": {"a": "x"}}]), True),
        (VALUE_PATH, st.sampled_from([5, [], {}, "a\ud800"]), True),
        (VALUE_PATH, st.sampled_from([None, "Churn\x00 Radar", "\u202eRadar", "x" * 200]) | TEXT, False),
        (("view", "app_installed_team_id"), BAD_IDS, True),
        (("view", "team_id"), BAD_IDS, True),
        (("view", "team_id"), st.just(None), False),
    ],
    "shortcut": [
        (("callback_id",), st.sampled_from([5, None, MISSING]), True),
        (("trigger_id",), st.sampled_from([5, None, MISSING]), True),
    ],
}


@st.composite
def interaction(draw) -> Case:
    case = Case("interaction")
    payload = _interaction_template(draw)
    group = {"block_actions": "block_actions", "shortcut": "shortcut"}.get(payload["type"], "view")
    draw(mutations(INTERACTION_TABLE["common"] + INTERACTION_TABLE[group], payload, case))
    payload_text = dump(payload)
    if draw(st.integers(0, 9)) == 0:
        payload_text = draw(st.sampled_from(['"str"', "null", "[]", "{", "NaN", "1", "", '{"type": "block_actions"}',
                                             "\ufeff" + payload_text]))
        case.malformed = True
        case.notes.append(f"payload={payload_text[:20]!r}")
    case.body, case.content_type = urlencode({"payload": payload_text}).encode(), FORM
    return case


EVENT_TABLE = {
    "common": [
        *BOLT_SHAPE,
        *required_ids_at(("team_id",)),
        (("type",), st.sampled_from(["nope", None, 5, "block_actions"]), True),
        (("event",), st.sampled_from([None, "x", [], MISSING]), True),
        (("event", "type"), st.sampled_from([5, None, MISSING, []]), True),
        (("event_id",), st.sampled_from(["x", 5, "Ev", "Ev" + "A" * 70, "Ev\n1"]), True),
        (("event_id",), st.sampled_from(["Ev0ABC123", MISSING]), False),
        (("event_time",), st.sampled_from(["x", 1.5, None]), lambda value: value is not None),
        (("is_ext_shared_channel",), st.booleans(), False),
        (("api_app_id",), st.sampled_from([5, "A" * 100]), True),
    ],
    "app_home_opened": [
        (("event", "user"), st.sampled_from([MISSING, None, 5, {"id": "U0BOB"}]), True), ids_at(("event", "user")),
        (("event", "channel"), BAD_IDS, True), (("event", "tab"), st.sampled_from([5, []]), True),
        (("event", "tab"), st.sampled_from(["messages", "about", None]), False),
    ],
    "member_joined_channel": [
        (("event", "channel"), st.sampled_from([MISSING, None, 5]), True), channel_ids_at(("event", "channel")),
        ids_at(("event", "user")), ids_at(("event", "team")), ids_at(("event", "inviter")),
    ],
    "reaction_added": [
        (("event", "user"), st.sampled_from([5, [], {"id": 5}]), True),
        (("event", "user"), st.sampled_from(["anyone", {"id": "U0X"}, None]), False),
        (("event", "item"), st.sampled_from(["x", 5]), True),
        (("event", "item", "channel"), st.sampled_from([5, []]), True),
        (("event", "channel"), st.sampled_from([["x"], 5]), True),
    ],
}


@st.composite
def event(draw) -> Case:
    case = Case("event", content_type=JSON_TYPE)
    event_type = draw(st.sampled_from(["app_home_opened", "member_joined_channel", "reaction_added"]))
    inner = {"app_home_opened": {"type": "app_home_opened", "user": "U0BOB", "channel": "D0BOB", "tab": "home"},
             "member_joined_channel": {"type": "member_joined_channel", "user": draw(GOOD_IDS),
                                       "channel": draw(GOOD_CHANNELS), "team": "T0CRISP"},
             "reaction_added": {"type": "reaction_added", "user": "U0BOB", "reaction": "+1",
                                "item": {"type": "message", "channel": "C0FUZZ1", "ts": "1.1"}}}[event_type]
    body = {"token": "t", "team_id": "T0CRISP", "api_app_id": "A0CRISP", "type": "event_callback",
            "event_id": "Ev0FUZZ" + str(draw(st.integers(0, 999))), "event_time": 1767603600,
            "event": {**inner, "event_ts": "1.000003"}}
    draw(mutations(EVENT_TABLE["common"] + EVENT_TABLE[event_type], body, case))
    case.body = dump(body, ascii_only=draw(st.booleans())).encode("utf-8", "surrogatepass")
    return case


@st.composite
def url_verification(draw) -> Case:
    case = Case("url_verification", content_type=JSON_TYPE)
    body = {"token": "t", "type": "url_verification", "challenge": draw(st.text(NO_SURROGATES, max_size=60))}
    draw(mutations([(("challenge",), st.sampled_from([None, 5, MISSING, "c" * 300]), True), *BOLT_SHAPE], body, case))
    case.body = dump(body).encode()
    return case


@st.composite
def junk(draw) -> Case:
    return Case("junk", body=draw(st.binary(max_size=120)), content_type=draw(st.sampled_from([FORM, JSON_TYPE])),
                malformed=None)


@st.composite
def slack_request(draw, now: int) -> Case:
    case = draw(st.one_of(slash_command(), slash_command(), interaction(), interaction(), event(),
                          url_verification(), junk()))
    # Encoding: Slack sends UTF-8 without a byte order mark.
    encoding = draw(st.sampled_from(["utf-8"] * 14 + ["bom", "invalid byte", "latin-1"]))
    if encoding == "bom":
        case.body = b"\xef\xbb\xbf" + case.body
    elif encoding == "invalid byte":
        at = draw(st.integers(0, len(case.body)))
        case.body = case.body[:at] + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"])) + \
            case.body[at:]
    elif encoding == "latin-1":
        try:
            case.body = case.body.decode("utf-8").encode("latin-1", "replace")
        except UnicodeDecodeError:
            pass  # not text to begin with
    if encoding != "utf-8":
        case.notes.append(encoding)
        try:
            case.body.decode("utf-8")
        except UnicodeDecodeError:
            case.malformed = True
        if encoding == "bom":
            case.malformed = True
    # Content type: the charset is ignored (always UTF-8); another media type is refused.
    content_type = draw(st.sampled_from(["same"] * 14 + ["charset", "upper", "text/plain", "multipart/form-data",
                                                        "", "none", "swapped"]))
    if content_type == "charset":
        case.content_type += draw(st.sampled_from(["; charset=bogus", "; charset=latin-1", ";charset=utf-8"]))
    elif content_type == "upper":
        case.content_type = case.content_type.upper()
    elif content_type == "swapped":
        case.content_type = JSON_TYPE if case.content_type == FORM else FORM
        case.malformed = True if case.malformed is not None else None
    elif content_type in ("text/plain", "multipart/form-data", "", "none"):
        case.content_type = None if content_type == "none" else content_type
        case.malformed = True
    if content_type != "same":
        case.notes.append(f"content-type {case.content_type!r}")
    # Signature: valid within five minutes, or broken in one of the ways clients break it.
    signing = draw(st.sampled_from(["valid"] * 12 + ["edge of window", "unsigned", "no timestamp", "garbage",
                                                     "bad timestamp", "stale", "other secret"]))
    stamp = str(now)
    secret = SIGNING_SECRET
    if signing == "edge of window":
        stamp = str(now + draw(st.sampled_from([-300, -299, 299, 300])))
    elif signing == "bad timestamp":
        stamp = draw(st.sampled_from(["abc", "1e9", "12.5", "nan", "", "9" * 5000, "-1", "+1", "0x10", "１２３",
                                      "1 2", str(now) + ".0"]))
    elif signing == "stale":
        stamp = str(now + draw(st.sampled_from([-301, 301, -10**9, 10**11])))
    elif signing == "other secret":
        secret = "another-secret"
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + case.body, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest}
    if signing == "unsigned":
        headers = {}
    elif signing == "no timestamp":
        del headers["X-Slack-Request-Timestamp"]
    elif signing == "garbage":
        headers["X-Slack-Signature"] = draw(st.sampled_from(["", "v0=", "v0=zz", "v1=" + digest, "v0=" + digest.upper(),
                                                             "v0=" + digest[:-1], "v0=ünïcode", digest]))
    case.verified = signing in ("valid", "edge of window")
    if signing != "valid":
        case.notes.append(f"signature {signing} {stamp[:20]!r}")
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    case.headers = headers
    return case


async def send(http: aiohttp.ClientSession, url: str, case: Case) -> tuple[int, str]:
    async with http.post(url, data=case.body, headers=case.headers,
                         skip_auto_headers=["Content-Type"]) as response:
        return response.status, await response.text()


@pytest.mark.timeout(900)
async def test_any_body_gets_2xx_or_4xx_and_a_refused_one_changes_nothing(runtime, slack, clock, log_records):
    loop = asyncio.get_running_loop()
    now = int(clock.now().timestamp())
    url = slack.base_url + "/slack/events"
    outcomes: Counter[tuple[str, str, int]] = Counter()

    def run(coro):
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=60)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(slack_request(now))
    def one_request(case: Case) -> None:
        log_records.clear()
        before = run(table_counts(runtime.db))
        status, text = run(send(slack.http, url, case))
        where = f"{case.kind} {case.notes}: {status} {text[:200]}"
        assert status < 500, where
        assert log_records.errors == [], where
        if not case.verified:
            assert status == 401, where
        elif case.malformed:
            assert status == 400, where
        elif case.malformed is False:
            assert status not in (400, 401), where
        if status in (400, 401):
            assert [(r.name, r.levelname) for r in log_records.records] == [("crisp.requests", "WARNING")], where
            assert log_records.records[0].exc_info is None, where
            assert run(table_counts(runtime.db)) == before, where
        outcomes[(case.kind, "verified" if case.verified else "unverified", status)] += 1

    await asyncio.to_thread(one_request)

    assert sum(outcomes.values()) >= 500
    by_status = Counter()
    for (_, verified, status), count in outcomes.items():
        by_status[verified, status if status in (400, 401) else "answered"] += count
    # The mix is wide enough to mean something: answered, refused as unverified, refused as malformed.
    assert by_status["unverified", 401] >= 100, outcomes
    assert by_status["verified", 400] >= 100, outcomes
    assert by_status["verified", "answered"] >= 100, outcomes
    for kind in ("command", "interaction", "event", "url_verification", "junk"):
        assert any(k == kind and s == 400 for k, _, s in outcomes), (kind, outcomes)
    for kind in ("command", "interaction", "event", "url_verification"):
        assert any(k == kind and s == 200 for k, _, s in outcomes), (kind, outcomes)
