"""The phase card, its tick buttons and the reason form work in console mode."""

from __future__ import annotations

from tests.console.test_console_session import button_number, console  # noqa: F401 (the fixture)


async def test_ticking_redraws_the_card_and_moving_back_asks_for_a_reason(console):  # noqa: F811
    await console.type("/crisp project create Churn Radar")
    card = await console.type("/crisp phase")
    assert "Business understanding (phase 1 of 6)" in card
    assert "Determine business objectives" in card and "business success criteria" in card

    ticked = await console.type(f":press {button_number(card, 'Tick')}")
    assert "(updated)" in ticked and "1 of 4 generic tasks done" in ticked and "Untick" in ticked

    confirm = await console.type("/crisp phase next")
    assert "still open" in confirm
    moved = await console.type(f":press {button_number(confirm, 'Move to Data understanding anyway')}")
    assert "Moved Churn Radar to Data understanding" in moved.replace("*", "")
    assert "Left open in Business understanding" in moved  # the announcement

    prompt = await console.type("/crisp phase set bu")
    assert "starts iteration 2. The team will want to know why" in prompt.replace("*", "")
    form = await console.type(f":press {button_number(prompt, 'Give a reason')}")
    assert "Why move back?" in form
    done = await console.type(":set 1 The goal changed", ":submit")
    assert "moved Churn Radar back from Data understanding" in done.replace("*", "")
    history = await console.type("/crisp phase history")
    assert "The goal changed" in history and "2 moves" in history.replace("*", "")
