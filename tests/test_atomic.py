"""Atomic writes: a process killed before the rename leaves the old file, and no stray temporary
file beside a published one when a staging directory is given."""
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

KILLED_BEFORE_RENAME = """
import os, sys
sys.path.insert(0, {root!r})
from corelib import atomic
os.replace = lambda *a: os._exit(9)  # the process dies where a SIGKILL would hurt most
atomic.copy_file({source!r}, {target!r}, staging={staging!r})
"""


def _killed_copy(tmp_path: Path, staging) -> Path:
    source, target = tmp_path / "new.pdf", tmp_path / "dist" / "notes.pdf"
    source.write_bytes(b"new")
    target.parent.mkdir()
    target.write_bytes(b"old")
    code = KILLED_BEFORE_RENAME.format(root=str(ROOT), source=str(source), target=str(target),
                                       staging=None if staging is None else str(staging))
    assert subprocess.run([sys.executable, "-c", code]).returncode == 9
    assert target.read_bytes() == b"old"
    return target.parent


def test_a_killed_copy_leaves_the_old_file_and_nothing_among_the_downloads(tmp_path):
    staging = tmp_path / "build" / "staging"
    dist = _killed_copy(tmp_path, staging)
    assert sorted(p.name for p in dist.iterdir()) == ["notes.pdf"]
    assert len(list(staging.glob(".notes.pdf.*.tmp"))) == 1  # left in the build's own directory


def test_without_staging_the_temporary_file_is_beside_the_target(tmp_path):
    # What the check above guards against: the same kill without staging leaves it in dist/.
    dist = _killed_copy(tmp_path, None)
    assert len(list(dist.glob(".notes.pdf.*.tmp"))) == 1
