"""This course's schedule, as its syllabus states it: lectures in order, every chapter and sheet
handed out in some lecture, and each sheet's solutions released after the sheet."""
from coursebuild import paths
from coursebuild.release import release_dates
from coursebuild.syllabus import load

S = load(paths.SYLLABUS)


def test_lectures_are_in_order_and_every_document_is_handed_out():
    dates = [lec.date for lec in S.schedule]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    named = {(m.kind, m.ref) for lec in S.schedule for m in lec.materials}
    assert {("chapter", c.id) for c in S.chapters} <= named
    assert {("homework", h.id) for h in S.homework} <= named


def test_every_sheet_is_released_before_its_solutions():
    dates = release_dates(S)
    for sheet in S.homework:
        if f"{sheet.id}-solutions" in dates:
            assert dates[sheet.id] < dates[f"{sheet.id}-solutions"], sheet.id
