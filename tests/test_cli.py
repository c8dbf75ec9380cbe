"""The command line as a user runs it: help, exit codes, messages."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from graph.cli import cli

COMMANDS = ["build", "query", "load", "explain", "validate", "serve", "cache"]


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "claimgraph " + command in result.output


def test_cli_top_level_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output


def test_cli_runs_as_python_module():
    run = subprocess.run([sys.executable, "-m", "graph", "--help"], capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0
    assert "build" in run.stdout


def test_cli_build_prints_summary(tmp_path, corpus):
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(tmp_path / "out"),
                                      "--no-cache", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "2 documents" in result.output
    for word in ("actors", "claims", "relationships", "triples"):
        assert word in result.output


def test_cli_build_names_the_bad_file_and_exits_3(tmp_path, corpus):
    docs = tmp_path / "docs"
    shutil.copytree(corpus, docs)
    (docs / "notes.docx").write_bytes(b"PK\x03\x04")
    result = CliRunner().invoke(cli, ["build", str(docs), "--out", str(tmp_path / "out"),
                                      "--no-cache", "--workers", "1"])
    assert result.exit_code == 3
    assert "notes.docx" in result.output
    assert "Traceback" not in result.output


def test_cli_build_missing_path_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope"), "--out",
                                      str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 1
    assert "error:" in result.output
    assert "Traceback" not in result.output


def test_cli_cache_clear_reports_removed_entries(tmp_path, corpus):
    cache = tmp_path / "cache"
    runner = CliRunner()
    first = runner.invoke(cli, ["build", str(corpus), "--out", str(tmp_path / "o"),
                                "--cache-dir", str(cache), "--workers", "1"])
    assert first.exit_code == 0, first.output
    result = runner.invoke(cli, ["cache", "clear", "--cache-dir", str(cache)])
    assert result.exit_code == 0
    assert "removed 2 cached result(s)" in result.output
