"""latexmlpost's unexplained failures: one that names no problem (no page, an empty log) is retried
once, since it has been seen to pass on a rerun; a second one says what the process and its log
said, and where the log is. latexmlpost itself is replaced by a script of its runs here."""
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from coursebuild import html, paths

ARTICLE = "<article class=\"ltx_document\"><p>text</p></article>"


@pytest.fixture
def latexmlpost(tmp_path, monkeypatch):
    """Set the outcome of each latexmlpost run: (exit status, log text, whether it writes the page)."""
    monkeypatch.setattr(paths, "BUILD_HTML", tmp_path)
    runs: list = []
    outcomes: list = []

    def run(command, **kwargs):
        assert command[0] == "latexmlpost"
        status, log_text, writes = outcomes[min(len(runs), len(outcomes) - 1)]
        runs.append(command)
        option = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in command if a.startswith("--") and "=" in a}
        if log_text is not None:
            Path(option["--log"]).write_text(log_text)
        if writes:
            Path(option["--dest"]).write_text(f"<html><body>{ARTICLE}</body></html>")
        return subprocess.CompletedProcess(command, status, "", "")

    monkeypatch.setattr(html.subprocess, "run", run)
    return runs, outcomes


def _tree():
    return ET.ElementTree(ET.fromstring(f"<document xmlns=\"{html.LTX}\"/>"))


def test_an_empty_failure_is_retried_once_and_the_second_run_counts(latexmlpost):
    runs, outcomes = latexmlpost
    outcomes += [(1, "", False), (0, "", True)]
    assert html.post("01-a", _tree(), "notes/chapters/a.tex") == ARTICLE
    assert len(runs) == 2


def test_a_second_empty_failure_says_what_was_seen_and_where_the_log_is(latexmlpost, tmp_path):
    runs, outcomes = latexmlpost
    outcomes += [(1, "", False)]
    with pytest.raises(html.HtmlError) as info:
        html.post("01-a", _tree(), "notes/chapters/a.tex")
    message = str(info.value)
    assert len(runs) == 2
    assert message.startswith("notes/chapters/a.tex: the HTML post-processing failed")
    assert "exited with status 1 and wrote no page" in message and "tried twice" in message
    assert f"its log ({tmp_path / '01-a.post.log'}) is empty" in message


def test_the_end_of_a_log_without_errors_is_quoted(latexmlpost):
    runs, outcomes = latexmlpost
    outcomes += [(2, "Info: starting\nConversion interrupted by signal 9\n", False)]
    with pytest.raises(html.HtmlError) as info:
        html.post("01-a", _tree(), "notes/chapters/a.tex")
    assert "Conversion interrupted by signal 9" in str(info.value) and len(runs) == 2


def test_a_failure_that_names_its_problem_is_not_retried(latexmlpost):
    runs, outcomes = latexmlpost
    outcomes += [(1, "Error:unexpected:foo something broke\n", False)]
    with pytest.raises(html.HtmlError) as info:
        html.post("01-a", _tree(), "notes/chapters/a.tex")
    assert "LaTeXML error (unexpected:foo): something broke" in str(info.value) and len(runs) == 1
