"""Atomic file writes: a reader (a student's download, the next build) never sees half a file.

Every output of the build goes through these helpers: the content is written to a temporary file in
the same directory, flushed to disk, then renamed over the target, which POSIX makes atomic.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _replace(tmp: str, target: Path) -> None:
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def write_bytes(target: Path | str, data: bytes) -> None:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(target: Path | str, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def write_text_if_changed(target: Path | str, text: str) -> bool:
    """Write only when the content differs, so that timestamps (and latexmk) see no change.

    Returns True when the file was (re)written.
    """
    target = Path(target)
    data = text.encode("utf-8")
    if target.is_file() and target.read_bytes() == data:
        return False
    write_bytes(target, data)
    return True


def copy_file(source: Path | str, target: Path | str) -> None:
    """Copy source to target atomically (used to publish a finished PDF into dist/)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
