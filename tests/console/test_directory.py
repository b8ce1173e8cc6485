"""The console's people and channels: ids that follow from names, kept in a file beside the database."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from bot.console.app import reachable
from bot.console.directory import DERIVED_ID_LENGTH, Directory, slack_id
from bot.console.files import ConsoleFiles, console_files


def test_simple_names_read_as_their_ids_and_others_get_a_digest_of_the_whole_name():
    assert slack_id("U", "alice") == "U0ALICE"
    assert slack_id("C", "general") == "C0GENERAL"
    derived = [slack_id("U", name) for name in ("al.ice", "alexandra.smith1", "alexandra.smith2", "влад", "ü")]
    assert len(set(derived)) == len(derived)
    assert all(len(i) == DERIVED_ID_LENGTH and i.isalnum() and i.isupper() for i in derived), derived
    assert slack_id("U", "al.ice") == slack_id("U", "al.ice")  # the same in every run
    assert slack_id("U", "abcdefghijklm") != slack_id("U", "abcdefghijklmn")  # long names differ beyond 12


def test_a_taken_id_moves_on_to_a_numbered_one():
    assert slack_id("U", "crispbot", taken={"U0CRISPBOT"}) == "U0CRISPBOT2"


def test_the_directory_file_keeps_ids_once_given(tmp_path):
    path = tmp_path / "crisp.console.json"
    first = Directory(path)
    ids = (first.person_id("alice"), first.person_id("crispbot", reserved={"U0CRISPBOT"}),
           first.channel_id("data-team"))
    assert json.loads(path.read_text()) == {"people": {"alice": ids[0], "crispbot": ids[1]},
                                            "channels": {"data-team": ids[2]}}
    again = Directory(path)
    assert (again.people, again.channels) == (first.people, first.channels)
    # Whatever the file says wins: those are the ids the database already holds.
    path.write_text(json.dumps({"people": {"alice": "U0OLDALICE"}, "channels": {}}))
    assert Directory(path).person_id("alice") == "U0OLDALICE"


def test_an_unreadable_file_starts_afresh_with_a_warning(tmp_path, caplog):
    path = tmp_path / "crisp.console.json"
    path.write_text("{not json")
    with caplog.at_level(logging.WARNING):
        directory = Directory(path)
    assert "cannot read" in caplog.text
    assert directory.person_id("alice") == "U0ALICE"
    assert json.loads(path.read_text())["people"] == {"alice": "U0ALICE"}  # rewritten whole


def test_files_sit_beside_a_sqlite_database_else_in_home(tmp_path):
    assert console_files("sqlite+aiosqlite:///./crisp.db") == ConsoleFiles(
        Path("crisp.console.json"), Path("crisp.console-history"), Path("crisp-files"))
    assert console_files(f"sqlite+aiosqlite:///{tmp_path}/data/team.db") == ConsoleFiles(
        tmp_path / "data" / "team.console.json", tmp_path / "data" / "team.console-history",
        tmp_path / "data" / "team-files")
    server = console_files("postgresql+asyncpg://crisp:secret@db/crisp", home=tmp_path)
    assert server.directory.parent == tmp_path / ".crisp" and server.directory.name.endswith(".console.json")
    assert server == console_files("postgresql+asyncpg://crisp:other@db/crisp", home=tmp_path)  # not by password
    assert server != console_files("postgresql+asyncpg://crisp@db/other", home=tmp_path)
    assert console_files("sqlite+aiosqlite:///:memory:", home=tmp_path).directory.parent == tmp_path / ".crisp"


def test_the_console_reaches_the_bot_where_host_lets_it_listen():
    assert reachable("0.0.0.0") == "127.0.0.1"
    assert reachable("::") == "[::1]"
    assert reachable("::1") == "[::1]"
    assert reachable("localhost") == "localhost"
