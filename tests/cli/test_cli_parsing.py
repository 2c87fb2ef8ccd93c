"""The command line, parsed by argparse: a run builds the parser of its command alone, which reads
its arguments as the whole parser does; what is not a known command gets the whole parser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli_runner import CliRunner
from postion_publish.cli import main
from postion_publish.cli import parser as cli_parser

ARGUMENT_LISTS = [
    ["publish"],
    ["-c", "blog/postion.yml", "publish", "--platform", "x", "--platform", "bluesky", "--json"],
    ["publish", "--dry-run", "--post", "https://b.example/p/", "--wait-live", "--wait-timeout", "30", "-c", "p.yml"],
    ["-c", "plan", "plan", "--markdown"],  # a config file named like a command
    ["--config=a.yml", "plan", "--json", "--now", "2026-01-01T00:00:00+00:00"],
    ["post", "https://b.example/p/", "--caption", "hi", "--caption-mastodon", "toot", "--ai"],
    ["retry", "a1", "a2", "--posted", "https://x.example/s/1"],
    ["history", "--limit", "5", "--json"],
    ["quota"],
    ["adapt", "p1", "--platform", "x", "--force"],
    ["connect", "x", "--port", "9000", "--paste", "--to", "file", "--client-id", "id"],
    ["disconnect", "mastodon", "--to", "github"],
    ["tokens", "status", "--check", "--json"],
    ["tokens", "refresh", "threads", "-c", "t.yml"],
    ["tokens", "remind"],
    ["action", "-c", "a.yml"],
    ["sandbox", "--port", "0"],
    ["demo", "--no-serve"],
    ["init", "--baseline", "--force"],
]


def parsed(parser: Any, args: list[str]) -> dict[str, Any]:
    values = vars(parser.parse_args(args))
    values.pop("help_of")
    return values


@pytest.mark.parametrize("args", ARGUMENT_LISTS, ids=lambda args: " ".join(args))
def test_the_parser_of_one_command_reads_as_the_whole_one(args: list[str]) -> None:
    named = cli_parser.command_named(args)
    assert named is not None and named in args
    assert parsed(cli_parser.build_parser(named), args) == parsed(cli_parser.build_parser(), args)


def test_what_names_no_known_command_gets_the_whole_parser() -> None:
    for args in (["--help"], ["-h", "publish"], ["publsh"], ["-c", "a.yml"], []):
        assert cli_parser.command_named(args) is None
    assert cli_parser.command_named(["publish", "--help"]) == "publish"


def test_no_command_shows_the_help_and_a_wrong_one_the_choices(tmp_path: Path) -> None:
    alone = CliRunner().invoke(main, [])
    assert alone.exit_code == 2 and "Exit status: 0 done" in alone.stdout and "publish" in alone.stdout
    wrong = CliRunner().invoke(main, ["publsh"])
    assert wrong.exit_code == 2 and "invalid choice: 'publsh'" in wrong.stderr and "'publish'" in wrong.stderr
    tokens = CliRunner().invoke(main, ["tokens"])
    assert tokens.exit_code == 2 and "refresh" in tokens.stdout
    bad = CliRunner().invoke(main, ["publish", "--platform", "myspace", "-c", str(tmp_path / "p.yml")])
    assert bad.exit_code == 2 and "'myspace' is not a platform; known: x, " in bad.stderr
    assert CliRunner().invoke(main, ["history", "--limit", "0"]).exit_code == 2
    assert CliRunner().invoke(main, ["plan", "--js"]).exit_code == 2  # no abbreviations: options stay exact


def test_the_version() -> None:
    shown = CliRunner().invoke(main, ["--version"])
    assert shown.exit_code == 0 and shown.stdout.startswith("postion, version ")
