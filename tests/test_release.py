"""Release dates decide which documents reach dist/ and the course page (on the fixture course's
syllabus: hw1 out on 5 March 2024, its solutions on 12 March, the chapters without a date)."""
import datetime as dt

import pytest

from coursebuild import paths
from coursebuild.documents import documents
from coursebuild.release import ReleaseError, decision_date, is_released, release_dates
from coursebuild.syllabus import load

S = load(paths.ROOT / "tests" / "fixture_course" / "syllabus.yaml")

CASES = [
    # (day, document, released?)
    ("2024-03-04", "hw1", False),
    ("2024-03-05", "hw1", True),
    ("2024-03-11", "hw1-solutions", False),
    ("2024-03-12", "hw1-solutions", True),
    ("2020-01-01", "01-convex-sets", True),   # no release date: always
    ("2020-01-01", "lecture-notes", True),
]


@pytest.mark.parametrize("day, name, released", CASES)
def test_release_decision(day, name, released):
    assert is_released(name, S, dt.date.fromisoformat(day)) is released


def test_unreleased_documents_are_built_outside_dist(monkeypatch):
    monkeypatch.setenv("COURSE_DATE", "2024-03-06")
    docs = {d.name: d for d in documents(S)}
    assert docs["hw1"].pdf == paths.DIST / "homework" / "hw1.pdf"
    assert docs["hw1-solutions"].pdf == paths.UNRELEASED / "solutions" / "hw1-solutions.pdf"
    assert docs["hw1-solutions"].dist_pdf == paths.DIST / "solutions" / "hw1-solutions.pdf"
    assert not docs["hw1-solutions"].released


def test_preview_ignores_release_dates(monkeypatch):
    monkeypatch.setenv("COURSE_DATE", "2020-01-01")
    assert not all(d.released for d in documents(S))
    monkeypatch.setenv("COURSE_PREVIEW", "1")
    assert all(d.released for d in documents(S))


def test_decision_date_is_settable_and_checked(monkeypatch):
    monkeypatch.setenv("COURSE_DATE", "2024-02-01")
    assert decision_date() == dt.date(2024, 2, 1)
    monkeypatch.setenv("COURSE_DATE", "1st of May")
    with pytest.raises(ReleaseError):
        decision_date()
