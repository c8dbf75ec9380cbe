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


def test_cli_validate_accepts_a_build_and_names_violations(tmp_path, corpus):
    runner = CliRunner()
    out = tmp_path / "out"
    built = runner.invoke(cli, ["build", str(corpus), "--out", str(out), "--no-cache",
                                "--workers", "1"])
    assert built.exit_code == 0, built.output
    ok = runner.invoke(cli, ["validate", str(out / "graph.ttl")])
    assert ok.exit_code == 0
    assert "conforms" in ok.output
    # Strip every label: each actor now breaks the one-label shape.
    broken = tmp_path / "broken.ttl"
    lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    broken.write_text("\n".join(x for x in lines if label not in x) + "\n", encoding="utf-8")
    bad = runner.invoke(cli, ["validate", str(broken)])
    assert bad.exit_code == 1
    assert "violation" in bad.output
    assert "label" in bad.output


def test_cli_query_runs_a_ready_query_on_a_build(tmp_path, corpus):
    runner = CliRunner()
    out = tmp_path / "out"
    runner.invoke(cli, ["build", str(corpus), "--out", str(out), "--no-cache", "--workers", "1"])
    result = runner.invoke(cli, ["query", "depends-on", "--data", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "Russia" in result.output and "China" in result.output


def test_cli_query_syntax_error_names_line_and_column(tmp_path):
    result = CliRunner().invoke(cli, ["query", "SELECT ?s WHERE {\n  ?s ?p", "--data",
                                      "tests/fixtures/sparql/mini.ttl"])
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert "Traceback" not in result.output
