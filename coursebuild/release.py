"""Release dates: which documents students may see on a given day.

A material in the schedule may carry `release: YYYY-MM-DD`. A document is released when some
material that names it is released (no date means released). Unreleased documents are still
built, so the instructor sees that they compile, but into build/unreleased/, never into dist/,
and the course page does not link them. The day of the decision is today unless COURSE_DATE is
set (tests, reproducible builds); COURSE_PREVIEW=1 ignores release dates.
"""
from __future__ import annotations

import datetime as dt
import os

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the schema imports pydantic, which a build with nothing to do never needs
    from coursebuild.syllabus import Syllabus


class ReleaseError(ValueError):
    pass


def decision_date() -> dt.date:
    value = os.environ.get("COURSE_DATE", "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReleaseError(f"COURSE_DATE={value!r}: expected a date as YYYY-MM-DD") from None


def preview() -> bool:
    return os.environ.get("COURSE_PREVIEW", "").strip().lower() in ("1", "true", "yes", "on")


def html_edition() -> bool:
    """Whether the build makes the HTML edition: `./doit html=no` (COURSE_HTML=no) builds the PDFs
    and the course page only, for a faster loop, and takes the edition out of dist/ meanwhile."""
    return os.environ.get("COURSE_HTML", "").strip().lower() not in ("no", "0", "false", "off")


def document_name(kind: str, ref: str, s: Syllabus) -> str:
    if kind == "chapter":
        return s.chapter(ref).stem
    return ref if kind == "homework" else f"{ref}-solutions"


def release_dates(s: Syllabus) -> dict[str, dt.date | None]:
    """Document name -> the earliest date it is released (None: always)."""
    dates: dict[str, dt.date | None] = {}
    for lecture in s.schedule:
        for m in lecture.materials:
            name = document_name(m.kind, m.ref, s)
            if name in dates and dates[name] is None:
                continue
            if m.release is None:
                dates[name] = None
            else:
                dates[name] = min(m.release, dates.get(name) or m.release)
    return dates


def is_released(name: str, s: Syllabus, on: dt.date | None = None) -> bool:
    if preview():
        return True
    date = release_dates(s).get(name)
    return date is None or date <= (on or decision_date())
