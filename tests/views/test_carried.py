"""Context read back from buttons and forms: anything but what Crisp wrote is 'not ours', never an error."""

from __future__ import annotations

import json

from bot.views.carried import MAX_ROW_ID, count, row_id, small_json


def test_small_json_is_an_object_or_nothing():
    assert small_json('{"p": 3}') == {"p": 3}
    for value in (None, "", "[]", "5", "not json", "[" * 5000 + "]" * 5000, json.dumps({"p": 1})[:-1], 7):
        assert small_json(value) == {}, str(value)[:20]


def test_row_ids_fit_the_integer_columns_and_are_not_bools():
    assert row_id(1) == 1 and row_id(MAX_ROW_ID) == MAX_ROW_ID
    for value in (0, -1, MAX_ROW_ID + 1, 2**63, True, False, 1.0, "1", None):
        assert row_id(value) is None, value
    assert count(0) == 0 and count(True) is None and count(2**31) is None
