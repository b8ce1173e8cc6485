"""Milestones and documentation in console mode: the DM's button opens the phase's form, a required field
left empty is refused, the record is stored and listed."""

from __future__ import annotations

from sqlalchemy import select

from storage.tables import DocRecord
from tests.console.test_console_session import button_number, console  # noqa: F401 (the fixture)


async def test_milestones_and_a_record_in_the_console(console):  # noqa: F811
    await console.type("/crisp project create Churn Radar")
    await console.type("/crisp role add @alice Product Manager")
    added = await console.type("/crisp milestone add Baseline model due 2099-01-31")
    assert "Baseline model" in added and "added (due 2099-01-31)" in added
    listed = await console.type("/crisp milestones")
    assert "Baseline model" in listed and "due 2099-01-31" in listed
    done = await console.type("/crisp milestone done baseline MODEL")
    assert "Please write the Business understanding record" in done  # the DM to @alice, as it is sent
    form = await console.type(":as @alice", f":press {button_number(done, 'Write the record')}")
    assert "| Documentation |" in form and "Success metric" in form
    refused = await console.type(":set 1 Cut churn", ":submit")
    assert "Success metric is needed" in refused
    stored = await console.type(":set 2 Churn down 5 points", ":set 3 <!here> no PII", ":submit")
    assert "submitted the Business understanding record" in stored
    async with console.runtime.db.read() as session:
        [record] = (await session.execute(select(DocRecord))).scalars().all()
    assert record.fields == {"objective": "Cut churn", "success_metric": "Churn down 5 points",
                             "constraints": "<!here> no PII"}
    docs = await console.type("/crisp docs")
    assert ":white_check_mark: submitted" in docs and "Version 1 by @alice" in docs, docs
