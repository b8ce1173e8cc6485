"""Tests for bot.console.render: Block Kit payloads to terminal text."""

from __future__ import annotations

import random

import pytest

from bot.console.render import (
    ButtonRef,
    InputRef,
    Rendered,
    mrkdwn_to_text,
    render_message,
    render_view,
)


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def button(label: str, action_id: str, value: str | None = None, **extra) -> dict:
    element = {"type": "button", "text": plain(label), "action_id": action_id, **extra}
    if value is not None:
        element["value"] = value
    return element


def option(label: str, value: str) -> dict:
    return {"text": plain(label), "value": value}


STATUS_CARD = {
    "channel": "C42",
    "text": "Churn model is in Data preparation",
    "blocks": [
        {"type": "header", "text": plain("Churn model")},
        {
            "type": "section",
            "block_id": "status",
            "text": mrkdwn(
                "*Phase:* Data preparation (3 of 6)\n"
                "Owner <@U123|alice> · due <!date^1714521600^{date_short}|May 1, 2024>"
            ),
            "fields": [mrkdwn("*Risk:* :warning: medium"), mrkdwn("*Channel:* <#C42|churn>")],
        },
        {
            "type": "context",
            "elements": [
                mrkdwn("Updated by <@U7>"),
                {"type": "image", "image_url": "https://x/bot.png", "alt_text": "bot"},
                plain("run 42"),
            ],
        },
        {"type": "divider"},
        {
            "type": "actions",
            "block_id": "status-actions",
            "elements": [
                button("Advance", "project_advance", "p-1", style="primary"),
                button("Snooze", "project_snooze", "p-1"),
                button(
                    "Archive",
                    "project_archive",
                    "p-1",
                    style="danger",
                    confirm={"title": plain("Archive?"), "text": mrkdwn("This hides *Churn model*.")},
                ),
            ],
        },
    ],
}

STATUS_CARD_TEXT = """\
Churn model
===========
*Phase:* Data preparation (3 of 6)
Owner @alice · due May 1, 2024
  *Risk:* :warning: medium
  *Channel:* #churn
  Updated by @U7  ·  [image: bot]  ·  run 42
----------------------------------------
[1 *Advance*] [2 Snooze] [3 Archive !]"""


def test_status_card_exact_text_and_buttons():
    rendered = render_message(STATUS_CARD)
    assert isinstance(rendered, Rendered)
    assert rendered.text == STATUS_CARD_TEXT
    assert rendered.inputs == ()
    assert rendered.buttons == (
        ButtonRef(1, "Advance", "project_advance", "status-actions", "p-1", None, "primary"),
        ButtonRef(2, "Snooze", "project_snooze", "status-actions", "p-1", None, None),
        ButtonRef(
            3, "Archive", "project_archive", "status-actions", "p-1", None, "danger",
            confirm="Archive? - This hides *Churn model*.",
        ),
    )
    assert all(ref.kind == "button" for ref in rendered.buttons)


def test_numbering_continues_from_first_button_number():
    rendered = render_message(STATUS_CARD, first_button_number=7)
    assert [ref.number for ref in rendered.buttons] == [7, 8, 9]
    assert rendered.text.endswith("[7 *Advance*] [8 Snooze] [9 Archive !]")


NEW_PROJECT_MODAL = {
    "type": "modal",
    "callback_id": "project_new",
    "private_metadata": '{"channel": "C42"}',
    "title": plain("New project"),
    "submit": plain("Create"),
    "close": plain("Cancel"),
    "blocks": [
        {"type": "section", "text": mrkdwn("Describe the *business goal* first.")},
        {
            "type": "input",
            "block_id": "goal",
            "label": plain("Business goal"),
            "hint": plain("One or two sentences."),
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "multiline": True,
                "placeholder": plain("What decision will this model support?"),
            },
        },
        {
            "type": "input",
            "block_id": "phase",
            "label": plain("Starting phase"),
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": [
                    option("Business understanding", "business"),
                    option("Data understanding", "data"),
                    option("Modeling", "Modeling"),
                ],
                "initial_option": option("Data understanding", "data"),
            },
        },
        {
            "type": "input",
            "block_id": "due",
            "label": plain("Due date"),
            "element": {"type": "datepicker", "action_id": "value", "initial_date": "2024-06-30"},
        },
        {
            "type": "input",
            "block_id": "flags",
            "optional": True,
            "label": plain("Flags"),
            "element": {
                "type": "checkboxes",
                "action_id": "value",
                "options": [option("Urgent", "urgent"), option("Private", "private")],
            },
        },
    ],
}

NEW_PROJECT_TEXT = """\
+-------------+
| New project |
+-------------+
Describe the *business goal* first.
Field 1: Business goal [plain_text_input, multiline]
  placeholder: What decision will this model support?
  hint: One or two sentences.
Field 2: Starting phase [static_select]
  options:
    - business: Business understanding
    - data: Data understanding
    - Modeling
  initial: Data understanding
Field 3: Due date [datepicker]
  initial: 2024-06-30
Field 4: Flags [checkboxes] (optional)
  options:
    - urgent: Urgent
    - private: Private

Submit: Create  ·  Close: Cancel"""


def test_modal_exact_text_and_inputs():
    rendered = render_view(NEW_PROJECT_MODAL)
    assert rendered.text == NEW_PROJECT_TEXT
    assert rendered.buttons == ()
    assert rendered.inputs == (
        InputRef(
            "goal", "value", "Business goal", "plain_text_input", False, True, (), None,
            "What decision will this model support?", "One or two sentences.",
        ),
        InputRef(
            "phase", "value", "Starting phase", "static_select", False, False,
            (("business", "Business understanding"), ("data", "Data understanding"), ("Modeling", "Modeling")),
            "data", None, None,
        ),
        InputRef("due", "value", "Due date", "datepicker", False, False, (), "2024-06-30", None, None),
        InputRef(
            "flags", "value", "Flags", "checkboxes", True, False,
            (("urgent", "Urgent"), ("private", "Private")), None, None, None,
        ),
    )


def test_modal_initial_values_of_multi_and_id_selects():
    view = {
        "type": "modal",
        "title": plain("Edit"),
        "blocks": [
            {
                "type": "input",
                "label": plain("Owners"),
                "element": {"type": "multi_users_select", "action_id": "owners", "initial_users": ["U1", "U2"]},
            },
            {
                "type": "input",
                "block_id": "tags",
                "label": plain("Tags"),
                "element": {
                    "type": "multi_static_select",
                    "action_id": "v",
                    "option_groups": [
                        {"label": plain("A"), "options": [option("Alpha", "a")]},
                        {"label": plain("B"), "options": [option("Beta", "b")]},
                    ],
                    "initial_options": [option("Alpha", "a"), option("Beta", "b")],
                },
            },
            {
                "type": "input",
                "block_id": "notes",
                "label": plain("Notes"),
                "element": {"type": "plain_text_input", "action_id": "v", "initial_value": "first\nsecond"},
            },
        ],
    }
    rendered = render_view(view)
    assert rendered.text == (
        "+------+\n| Edit |\n+------+\n"
        "Field 1: Owners [multi_users_select]\n"
        "  initial: @U1, @U2\n"
        "Field 2: Tags [multi_static_select]\n"
        "  options:\n    - a: Alpha\n    - b: Beta\n"
        "  initial: Alpha, Beta\n"
        "Field 3: Notes [plain_text_input]\n"
        "  initial: first\n    second\n"
        "\nClose: Cancel"
    )
    owners, tags, notes = rendered.inputs
    # A missing block_id gets a stable placeholder derived from the block position.
    assert (owners.block_id, owners.action_id, owners.initial) == ("block-1", "owners", ("U1", "U2"))
    assert (tags.options, tags.initial) == ((("a", "Alpha"), ("b", "Beta")), ("a", "b"))
    assert notes.initial == "first\nsecond"


def test_home_view_exact():
    home = {
        "type": "home",
        "blocks": [
            {"type": "header", "text": plain("Your projects")},
            {
                "type": "section",
                "text": mrkdwn("*Churn model* — Data preparation"),
                "accessory": button("Open", "home_open", "p-1"),
            },
            {"type": "section", "text": mrkdwn("*Fraud v2* — Evaluation")},
            {"type": "actions", "elements": [button("New project", "home_new", style="primary")]},
        ],
    }
    rendered = render_view(home, first_button_number=4)
    assert rendered.text == (
        "== Home ================================\n"
        "Your projects\n"
        "=============\n"
        "*Churn model* — Data preparation\n"
        "[4 Open]\n"
        "*Fraud v2* — Evaluation\n"
        "[5 *New project*]"
    )
    assert [(b.number, b.action_id, b.value) for b in rendered.buttons] == [
        (4, "home_open", "p-1"),
        (5, "home_new", None),
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<@U123>", "@U123"),
        ("<@U123|alice>", "@alice"),
        ("<#C123|churn>", "#churn"),
        ("<#C123>", "#C123"),
        ("<#C123|>", "#C123"),
        ("<!here>", "@here"),
        ("<!channel>", "@channel"),
        ("<!everyone>", "@everyone"),
        ("<!subteam^S1|@team>", "@team"),
        ("<!subteam^S1>", "@S1"),
        ("<!date^1392734382^{date_short}|Feb 18, 2014>", "Feb 18, 2014"),
        ("<!date^1392734382^{date_num} {time_secs}>", "2014-02-18 14:39:42 UTC"),
        ("<!date^1392734382^{date_long} at {time}^https://x>", "Tuesday, February 18, 2014 at 14:39 UTC"),
        ("<!date^notanumber^{date}>", "notanumber"),
        ("<https://x|label>", "label (https://x)"),
        ("<https://x>", "https://x"),
        ("<https://x|https://x>", "https://x"),
        ("<mailto:a@b.io|a@b.io>", "a@b.io"),
        ("a &amp; b &lt;tag&gt;", "a & b <tag>"),
        ("&amp;lt; stays literal", "&lt; stays literal"),
        ("<https://x?a=1&amp;b=2|Q &amp; A>", "Q & A (https://x?a=1&b=2)"),
        ("*bold* _italic_ ~strike~ `code`", "*bold* _italic_ ~strike~ `code`"),
        ("```\nx = 1\n```", "```\nx = 1\n```"),
        (":warning: careful", ":warning: careful"),
        ("hi <@U1|alice>, see <#C2|ml> <!here>", "hi @alice, see #ml @here"),
        ("a <> b", "a <> b"),
        ("", ""),
        (None, ""),
    ],
)
def test_mrkdwn_to_text(source, expected):
    assert mrkdwn_to_text(source) == expected


def test_message_without_blocks_renders_text():
    rendered = render_message({"text": "Ping <@U1|alice>: <https://ci/1|build> failed &amp; retried"})
    assert rendered == Rendered("Ping @alice: build (https://ci/1) failed & retried", (), ())


@pytest.mark.parametrize(
    "message",
    [{}, {"text": ""}, {"text": "   "}, {"blocks": []}, {"text": None, "blocks": None}, None, "text", []],
)
def test_empty_messages(message):
    assert render_message(message) == Rendered("(empty message)", (), ())


def test_blocks_win_over_text_and_empty_blocks_fall_back_to_text():
    both = {"text": "fallback", "blocks": [{"type": "section", "text": plain("block text")}]}
    assert render_message(both).text == "block text"
    assert render_message({"text": "fallback", "blocks": []}).text == "fallback"


def test_wrapping_keeps_line_breaks_urls_and_code():
    message = {
        "blocks": [
            {"type": "header", "text": plain("A header that is longer than thirty")},
            {
                "type": "section",
                "text": mrkdwn(
                    "one two three four five six seven eight\n"
                    "• bullet item that needs wrapping too\n"
                    "see https://example.com/a/very/long/path/that/stays\n"
                    "```\nlong code line that must never be reflowed at all\n```"
                ),
            },
        ]
    }
    assert render_message(message, width=30).text == (
        "A header that is longer than\n"
        "thirty\n"
        "============================\n"
        "one two three four five six\n"
        "seven eight\n"
        "• bullet item that needs\n"
        "  wrapping too\n"
        "see\n"
        "https://example.com/a/very/long/path/that/stays\n"
        "```\n"
        "long code line that must never be reflowed at all\n"
        "```"
    )


def test_actions_line_wraps_between_tokens_and_divider_width():
    message = {
        "blocks": [
            {"type": "divider"},
            {"type": "actions", "elements": [button(f"Action {i}", f"a{i}") for i in range(1, 5)]},
        ]
    }
    assert render_message(message, width=25).text == (
        "-------------------------\n[1 Action 1] [2 Action 2]\n[3 Action 3] [4 Action 4]"
    )


def test_interactive_elements_in_actions_and_accessory():
    message = {
        "blocks": [
            {
                "type": "section",
                "block_id": "row",
                "text": mrkdwn("Pick one"),
                "accessory": {
                    "type": "overflow",
                    "action_id": "more",
                    "options": [option("Edit", "edit"), {"text": plain("Docs"), "url": "https://docs"}],
                },
            },
            {
                "type": "actions",
                "block_id": "acts",
                "elements": [
                    button("Open", "open", url="https://crisp.example/p/1"),
                    {"type": "static_select", "action_id": "s", "placeholder": plain("Phase")},
                    {"type": "users_select", "action_id": "u", "initial_user": "U9"},
                    {"type": "datepicker", "action_id": "d", "initial_date": "2024-01-02"},
                    {"type": "timepicker", "action_id": "t"},
                    {"type": "radio_buttons", "action_id": "r", "options": [option("A", "a"), option("B", "b")],
                     "initial_option": option("B", "b")},
                    {"type": "checkboxes", "action_id": "c", "options": [option("X", "x")]},
                    {"type": "workflow_button", "text": plain("Run"), "action_id": "wf"},
                    {"type": "mystery"},
                ],
            },
        ]
    }
    rendered = render_message(message, width=200)
    assert rendered.text == (
        "Pick one\n"
        "[… 1 Edit | 2 Docs -> https://docs]\n"
        "[3 Open -> https://crisp.example/p/1] [select: Phase] [select: @U9] [date: 2024-01-02] "
        "[time: not set] [radio: ( ) A, (o) B] [checkboxes: [ ] X] [4 Run] [mystery]"
    )
    assert rendered.buttons == (
        ButtonRef(1, "Edit", "more", "row", "edit", None, None, kind="overflow"),
        ButtonRef(2, "Docs", "more", "row", None, "https://docs", None, kind="overflow"),
        ButtonRef(3, "Open", "open", "acts", None, "https://crisp.example/p/1", None),
        ButtonRef(4, "Run", "wf", "acts", None, None, None, kind="workflow_button"),
    )


def test_other_block_types():
    message = {
        "blocks": [
            {"type": "image", "image_url": "https://x/chart.png", "alt_text": "AUC chart", "title": plain("AUC")},
            {"type": "video", "title": plain("Demo"), "video_url": "https://v/1", "alt_text": "demo"},
            {"type": "file", "external_id": "report-1", "source": "remote"},
            {"type": "markdown", "text": "**Bold** stays *as is*"},
            {
                "type": "table",
                "rows": [
                    [{"type": "raw_text", "text": "Metric"}, {"type": "raw_text", "text": "Value"}],
                    [{"type": "raw_text", "text": "AUC"}, {"type": "raw_text", "text": "0.91"}],
                ],
            },
            {"type": "carousel"},
        ]
    }
    assert render_message(message).text == (
        "AUC\n"
        "[image: AUC chart] https://x/chart.png\n"
        "[video: Demo] https://v/1\n"
        "[file: report-1]\n"
        "**Bold** stays *as is*\n"
        "Metric | Value\n"
        "AUC    | 0.91\n"
        "[unsupported block: carousel]"
    )


def test_rich_text_is_flattened():
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Hi "},
                    {"type": "user", "user_id": "U1"},
                    {"type": "text", "text": ", see "},
                    {"type": "link", "url": "https://x", "text": "this", "style": {"bold": True}},
                    {"type": "text", "text": " in "},
                    {"type": "channel", "channel_id": "C1"},
                    {"type": "emoji", "name": "tada"},
                    {"type": "text", "text": "\n"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "bullet",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "clean", "style": {"code": True}}]},
                    {"type": "rich_text_section", "elements": [{"type": "broadcast", "range": "here"}]},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "ordered",
                "indent": 1,
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "nested"}]}],
            },
            {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "x = 1\ny = 2"}]},
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": "quoted\nlines"}]},
        ],
    }
    assert render_message({"blocks": [block]}).text == (
        "Hi @U1, see *this (https://x)* in #C1:tada:\n"
        "• `clean`\n"
        "• @here\n"
        "  1. nested\n"
        "```\nx = 1\ny = 2\n```\n"
        "> quoted\n"
        "> lines"
    )


def test_legacy_attachments_are_barred_and_continue_numbering():
    message = {
        "text": "Weekly digest",
        "attachments": [
            {
                "pretext": "Projects at risk",
                "title": "Churn model",
                "text": "Late by *3 days*",
                "fields": [{"title": "Owner", "value": "<@U1|alice>"}],
            },
            {"blocks": [{"type": "actions", "elements": [button("Open", "open")]}]},
        ],
    }
    rendered = render_message(message, first_button_number=2)
    assert rendered.text == (
        "Weekly digest\nProjects at risk\n| Churn model\n| Late by *3 days*\n|   Owner: @alice\n| [2 Open]"
    )
    assert [b.number for b in rendered.buttons] == [2]


def test_modal_title_and_footer_defaults():
    assert render_view({"type": "modal"}).text == "+-------+\n| Modal |\n+-------+\n\nClose: Cancel"
    assert render_view(None).text == "(empty view)"
    assert render_view({"type": "home"}).text == "== Home ================================"


WEIRD_BLOCKS = [
    None,
    3,
    "section",
    ["divider"],
    {},
    {"type": 5},
    {"type": None},
    {"type": "section"},
    {"type": "section", "text": 5, "fields": "abc", "accessory": ["x"]},
    {"type": "section", "text": {"type": "mrkdwn", "text": 42}, "fields": [None, 3, {"text": None}]},
    {"type": "header", "text": None},
    {"type": "context", "elements": [None, {"type": "image"}, 7]},
    {"type": "actions", "elements": [None, 5, {"type": None}, {"type": "button"}, {"type": "overflow", "options": [1]}]},
    {"type": "input"},
    {"type": "input", "element": "nope", "label": 4},
    {"type": "input", "element": {"type": "static_select", "options": [None, {"value": 1}], "initial_option": 3}},
    {"type": "input", "element": {"type": "checkboxes", "initial_options": "x"}},
    {"type": "input", "element": {"type": "datetimepicker", "initial_date_time": "soon"}},
    {"type": "rich_text", "elements": [None, {"type": "rich_text_list", "elements": [1, {"elements": "x"}]}]},
    {"type": "table", "rows": [[None, 1], "abc", None]},
    {"type": "image"},
    {"type": "video"},
    {"type": "file"},
    {"type": "markdown", "text": None},
]


def test_weird_blocks_render_known_placeholders():
    rendered = render_message({"blocks": [None, 3, {"type": 5}, {"type": "section"}]})
    assert rendered == Rendered("[invalid block]\n[invalid block]\n[unsupported block: 5]", (), ())


@pytest.mark.parametrize("block", WEIRD_BLOCKS, ids=range(len(WEIRD_BLOCKS)))
def test_malformed_blocks_never_raise(block):
    for payload in ({"blocks": [block]}, {"type": "modal", "blocks": [block]}):
        rendered = render_message(payload) if "type" not in payload else render_view(payload)
        assert isinstance(rendered.text, str) and rendered.text
        # The last-resort guard must not be what saved us.
        assert "[unrenderable block]" not in rendered.text


def _random_value(rng: random.Random, depth: int = 0):
    keys = ["type", "text", "elements", "fields", "accessory", "element", "options", "label", "blocks",
            "initial_option", "initial_options", "rows", "style", "url", "value", "action_id", "block_id"]
    types = ["section", "actions", "context", "input", "header", "rich_text", "button", "overflow",
             "static_select", "checkboxes", "plain_text", "mrkdwn", "rich_text_section", "rich_text_list",
             "table", "image", "text", "link", "date", "divider", "??"]
    choice = rng.randrange(8 if depth < 4 else 4)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([0, -1, 3.5, True, "", "<@U1|x> &amp; <!date^9^{ago}>", "```"])
    if choice == 2:
        return rng.choice(types)
    if choice == 3:
        return rng.choice([[], {}, "x"])
    if choice in (4, 5):
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    value = {key: _random_value(rng, depth + 1) for key in rng.sample(keys, rng.randrange(5))}
    if rng.random() < 0.8:
        value["type"] = rng.choice(types)
    return value


def test_random_payloads_never_raise():
    rng = random.Random(20240501)
    for _ in range(400):
        blocks = [_random_value(rng) for _ in range(rng.randrange(1, 6))]
        attachments = [_random_value(rng) for _ in range(rng.randrange(3))]
        message = render_message({"blocks": blocks, "attachments": attachments}, width=rng.choice([-5, 0, 30, 80]))
        view = render_view({"type": rng.choice(["modal", "home", None]), "title": _random_value(rng), "blocks": blocks})
        for rendered in (message, view):
            assert "[unrenderable block]" not in rendered.text
            numbers = [ref.number for ref in rendered.buttons]
            assert numbers == list(range(1, len(numbers) + 1))


def _mutate(rng: random.Random, value):
    """A copy of ``value`` with some leaves and containers swapped for odd values or dropped."""
    if rng.random() < 0.08:
        return rng.choice([None, 7, "", "x", [], {}, [None], {"type": 1}])
    if isinstance(value, dict):
        return {key: _mutate(rng, item) for key, item in value.items() if rng.random() > 0.1}
    if isinstance(value, list):
        return [_mutate(rng, item) for item in value if rng.random() > 0.1]
    return value


@pytest.mark.parametrize("payload", [STATUS_CARD, NEW_PROJECT_MODAL], ids=["status_card", "modal"])
def test_mutated_real_payloads_never_raise(payload):
    rng = random.Random(7)
    seen_buttons = seen_inputs = 0
    for _ in range(300):
        mutated = _mutate(rng, payload)
        rendered = render_view(mutated) if "type" in payload else render_message(mutated)
        assert rendered.text and "[unrenderable block]" not in rendered.text
        assert [ref.number for ref in rendered.buttons] == list(range(1, len(rendered.buttons) + 1))
        seen_buttons += len(rendered.buttons)
        seen_inputs += len(rendered.inputs)
    # The mutations keep enough structure to exercise the interactive paths.
    assert seen_buttons > 100 if payload is STATUS_CARD else seen_inputs > 100


def test_odd_arguments_are_tolerated():
    assert render_message(STATUS_CARD, width=0).text.startswith("Churn model\n===========")
    assert render_message(STATUS_CARD, first_button_number="x").buttons[0].number == 1  # type: ignore[arg-type]
    assert render_message({"text": 12345}).text == "12345"


def test_section_with_only_fields_has_no_blank_line():
    block = {"type": "section", "fields": [mrkdwn("*A:* 1"), mrkdwn("*B:*\n2")]}
    assert render_message({"blocks": [block]}).text == "  *A:* 1\n  *B:*\n  2"
