"""Atomic file writes: a reader (a student's download, the next build) never sees half a file.

Every output of the build goes through these helpers: the content is written to a temporary file,
flushed to disk, then renamed over the target, which POSIX makes atomic. The temporary file lies in
the target's directory, or in `staging` when one is given: what students download (dist/) is
published from a staging directory elsewhere on the same file system, so that a build killed
half-way through a copy leaves no stray temporary file among the downloads.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _replace(tmp: str, target: Path) -> None:
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def _temporary(target: Path, staging: Path | str | None) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    where = target.parent
    if staging is not None:
        where = Path(staging)
        where.mkdir(parents=True, exist_ok=True)
        if where.stat().st_dev != target.parent.stat().st_dev:  # a rename across file systems is a copy
            where = target.parent
    return tempfile.mkstemp(dir=where, prefix=f".{target.name}.", suffix=".tmp")


def write_bytes(target: Path | str, data: bytes, staging: Path | str | None = None) -> None:
    target = Path(target)
    fd, tmp = _temporary(target, staging)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(target: Path | str, text: str, staging: Path | str | None = None) -> None:
    write_bytes(target, text.encode("utf-8"), staging)


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


def copy_file(source: Path | str, target: Path | str, staging: Path | str | None = None) -> None:
    """Copy source to target atomically (used to publish a finished PDF into dist/)."""
    target = Path(target)
    fd, tmp = _temporary(target, staging)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def copy_file_if_changed(source: Path | str, target: Path | str, staging: Path | str | None = None) -> bool:
    """copy_file, only when the target's content differs: an unchanged file keeps its time stamp
    (what a browser's cache, rsync or make judge by). Returns True when the file was (re)written."""
    target = Path(target)
    if target.is_file() and target.read_bytes() == Path(source).read_bytes():
        return False
    copy_file(source, target, staging)
    return True
