"""Release dates decide which documents reach dist/ and the course page."""
import datetime as dt

import pytest

from coursebuild import paths
from coursebuild.documents import documents
from coursebuild.release import ReleaseError, decision_date, is_released, release_dates
from coursebuild.syllabus import load

S = load(paths.SYLLABUS)

CASES = [
    # (day, document, released?)
    ("2025-01-09", "hw1", False),
    ("2025-01-10", "hw1", True),
    ("2025-01-16", "hw1-solutions", False),
    ("2025-01-17", "hw1-solutions", True),
    ("2025-01-20", "hw2-solutions", False),
    ("2025-01-24", "hw2-solutions", True),
    ("2025-01-20", "03-approximation-theory", True),   # no release date: always
    ("2025-03-06", "hw7-solutions", False),
    ("2025-03-07", "hw7-solutions", True),
]


@pytest.mark.parametrize("day, name, released", CASES)
def test_release_decision(day, name, released):
    assert is_released(name, S, dt.date.fromisoformat(day)) is released


def test_unreleased_documents_are_built_outside_dist(monkeypatch):
    monkeypatch.setenv("COURSE_DATE", "2025-01-20")
    docs = {d.name: d for d in documents(S)}
    assert docs["hw2"].pdf == paths.DIST / "homework" / "hw2.pdf"
    assert docs["hw3"].pdf == paths.UNRELEASED / "homework" / "hw3.pdf"
    assert docs["hw3"].dist_pdf == paths.DIST / "homework" / "hw3.pdf"
    assert not docs["hw2-solutions"].released


def test_preview_ignores_release_dates(monkeypatch):
    monkeypatch.setenv("COURSE_DATE", "2024-01-01")
    monkeypatch.setenv("COURSE_PREVIEW", "1")
    assert all(d.released for d in documents(S))


def test_decision_date_is_settable_and_checked(monkeypatch):
    monkeypatch.setenv("COURSE_DATE", "2025-02-01")
    assert decision_date() == dt.date(2025, 2, 1)
    monkeypatch.setenv("COURSE_DATE", "1st of May")
    with pytest.raises(ReleaseError):
        decision_date()


def test_every_homework_release_precedes_its_solutions():
    dates = release_dates(S)
    for sheet in S.homework:
        assert dates[sheet.id] < dates[f"{sheet.id}-solutions"]
