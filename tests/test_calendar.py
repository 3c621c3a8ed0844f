"""The course's calendar (dist/course.ics, coursebuild/ics.py), read back with a real parser
(icalendar): every lecture at its meeting's time in its time zone (or floating), in the course's
room, with its topics; none for a no_class row; each due date an all-day event; RFC 5545's line
ends and folding; identifiers that survive a rebuild. `calendar_problems` is the check, and the
last tests show it failing on wrong calendars. Made from edited copies of the fixture course's
syllabus, without a build; tests/test_page.py checks the file the fixture course's build publishes."""
import datetime as dt
import json
import re
import zoneinfo
from pathlib import Path

import icalendar
import pytest

from coursebuild.ics import course_calendar
from coursebuild.syllabus import WEEKDAYS, SyllabusError, load

FIXTURE = Path(__file__).resolve().parent / "fixture_course" / "syllabus.yaml"
TEXT = FIXTURE.read_text()
DAY = dt.date(2030, 1, 1)  # any day: the calendar's stamp, never a clock reading


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, f"test out of date: {old!r} not in the fixture's syllabus.yaml"
    return text.replace(old, new, 1)


def _load(tmp_path, text: str):
    from conftest import fixture_syllabus

    return load(fixture_syllabus(tmp_path, text))


def _without_timezone(text: str) -> str:
    return re.sub(r"\n  timezone: [^\n]*", "", text)


def _events(data: bytes) -> list:
    return icalendar.Calendar.from_ical(data).walk("VEVENT")


def calendar_problems(data: bytes, s) -> list[str]:
    """Everything wrong with a calendar of this syllabus's course, one line each ([]: none)."""
    problems = []
    lines = data.split(b"\r\n")
    if lines[-1] != b"" or b"\n" in b"".join(lines):
        problems.append("a line does not end in CRLF")
    problems += [f"line longer than 75 octets: {line[:30]!r}" for line in lines if len(line) > 75]
    if re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", b"".join(lines)):
        problems.append("a control character that RFC 5545 forbids")
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        return [*problems, f"not an iCalendar file: {exc}"]
    events = calendar.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    if len(set(uids)) != len(uids):
        problems.append(f"identifiers repeat: {uids}")
    for e in events:
        if "DTSTAMP" not in e:
            problems.append(f"{e.get('UID')}: no DTSTAMP")
    zone = zoneinfo.ZoneInfo(s.course.timezone) if s.course.timezone else None
    declared = {str(t["TZID"]): t for t in calendar.walk("VTIMEZONE")}
    if zone is not None and s.course.timezone not in declared:
        problems.append(f"no VTIMEZONE for {s.course.timezone}")
    for lecture in s.schedule:
        meetings = sorted((m for m in s.course.class_times if m.day == WEEKDAYS[lecture.date.weekday()]),
                          key=lambda m: m.clock("start"))
        on_day = [e for e in events if e.decoded("DTSTART") == lecture.date
                  or getattr(e.decoded("DTSTART"), "date", lambda: None)() == lecture.date]
        lecture_events = [e for e in on_day if "TRANSP" not in e]
        if lecture.no_class:
            if lecture_events:
                problems.append(f"{lecture.date}: an event on a no_class day")
            continue
        if len(lecture_events) != max(1, len(meetings)):
            problems.append(f"{lecture.date}: {len(lecture_events)} events for {len(meetings)} meetings")
            continue
        for e, meeting in zip(sorted(lecture_events, key=lambda e: str(e["DTSTART"].to_ical())), meetings or [None]):
            start, end = e.decoded("DTSTART"), e.decoded("DTEND")
            if meeting is None:
                if isinstance(start, dt.datetime) or end != lecture.date + dt.timedelta(days=1):
                    problems.append(f"{lecture.date}: no meeting that weekday, yet not an all-day event")
            else:
                want = [dt.datetime.combine(lecture.date, meeting.clock(w)) for w in ("start", "end")]
                if [t.replace(tzinfo=None) for t in (start, end)] != want:
                    problems.append(f"{lecture.date}: {start}-{end}, not {meeting.text}")
                tzid = e["DTSTART"].params.get("TZID")
                if tzid != s.course.timezone:
                    problems.append(f"{lecture.date}: time zone {tzid}, not {s.course.timezone}")
                if zone is not None and tzid in declared:
                    # The offset the file itself declares (what an app without the zone database reads).
                    offset = declared[tzid].to_tz(lookup_tzid=False).utcoffset(start.replace(tzinfo=None))
                    if offset != zone.utcoffset(want[0]):
                        problems.append(f"{lecture.date}: VTIMEZONE gives UTC{offset}, not {zone.utcoffset(want[0])}")
            if str(e.get("LOCATION")) != s.course.location:
                problems.append(f"{lecture.date}: location {e.get('LOCATION')!r}")
            for topic in lecture.topics:
                if topic not in str(e["SUMMARY"]) or topic not in str(e["DESCRIPTION"]):
                    problems.append(f"{lecture.date}: topic {topic!r} not in its summary and description")
    dues = [e for e in events if "TRANSP" in e]
    wanted = {s.due(h.id): h for h in s.homework if s.due(h.id)}
    if sorted(e.decoded("DTSTART") for e in dues) != sorted(wanted):
        problems.append(f"due events on {[str(e.decoded('DTSTART')) for e in dues]}, not {sorted(map(str, wanted))}")
    for e in dues:
        sheet = wanted.get(e.decoded("DTSTART"))
        if isinstance(e.decoded("DTSTART"), dt.datetime) or str(e["TRANSP"]) != "TRANSPARENT":
            problems.append(f"{e['UID']}: a due date is an all-day event that leaves the day free")
        if sheet is not None and f"Homework {sheet.number}" not in str(e["SUMMARY"]):
            problems.append(f"{e['UID']}: the summary does not name homework {sheet.number}")
    return problems


# What it holds --------------------------------------------------------------------------------

def test_the_fixture_course_calendar_has_each_lecture_at_its_time_in_its_zone(tmp_path):
    s = load(FIXTURE)
    assert s.course.timezone  # the fixture course names one, with a change of summer time during its term
    data = course_calendar(s, DAY)
    assert calendar_problems(data, s) == []
    lectures = [lec for lec in s.schedule if not lec.no_class]
    events = _events(data)
    assert len(events) == len(lectures) and any(lec.no_class for lec in s.schedule)
    offsets = {e.decoded("DTSTART").utcoffset() for e in events}
    assert len(offsets) == 2, offsets  # its two lectures on either side of the change
    assert {str(e["DTSTAMP"].to_ical().decode()) for e in events} == {"20300101T000000Z"}


def test_without_a_timezone_the_times_are_floating(tmp_path):
    s = _load(tmp_path, _without_timezone(TEXT))
    data = course_calendar(s, DAY)
    assert calendar_problems(data, s) == []
    assert b"VTIMEZONE" not in data and b"TZID" not in data
    assert all(e.decoded("DTSTART").tzinfo is None for e in _events(data))


def test_two_meetings_on_a_weekday_and_a_lecture_on_another_day(tmp_path):
    # The fixture course meets on Tuesdays; a second Tuesday meeting, and its last lecture moved to a Wednesday.
    s0 = load(FIXTURE)
    last = s0.schedule[-1].date
    text = _edit(TEXT, '    - {day: Tuesday, start: "14:00", end: "16:00"}\n',
                 '    - {day: Tuesday, start: "14:00", end: "16:00"}\n    - {day: Tuesday, start: "09:00", end: "11:00"}\n')
    text = _edit(text, f"  - date: {last}\n", f"  - date: {last + dt.timedelta(days=1)}\n")
    s = _load(tmp_path, text)
    data = course_calendar(s, DAY)
    assert calendar_problems(data, s) == []
    events = _events(data)
    first = [e for e in events if e.decoded("DTSTART").__class__ is dt.datetime]
    assert sorted(e.decoded("DTSTART").hour for e in first) == [9, 14]
    moved = [e for e in events if e.decoded("DTSTART") == last + dt.timedelta(days=1)]
    assert len(moved) == 1 and "class times give no meeting" in str(moved[0]["DESCRIPTION"])


def test_each_due_date_is_an_all_day_event(tmp_path):
    s0 = load(FIXTURE)
    sheet = s0.homework[0]
    release = next(m.release for lec in s0.schedule for m in lec.materials if m.kind == "homework")
    due = release + dt.timedelta(days=9)
    text = _edit(TEXT, f"      - homework: {sheet.id}\n        release: {release}\n",
                 f"      - homework: {sheet.id}\n        release: {release}\n        due: {due}\n")
    s = _load(tmp_path, text)
    data = course_calendar(s, DAY)
    assert calendar_problems(data, s) == []
    dues = [e for e in _events(data) if e.decoded("DTSTART") == due]
    assert len(dues) == 1 and sheet.title in str(dues[0]["DESCRIPTION"])
    assert b"DTSTART;VALUE=DATE:" + due.strftime("%Y%m%d").encode() in data


def test_text_is_escaped_and_folded(tmp_path):
    s0 = load(FIXTURE)
    topic = "Cones, polars; and a very long topic title " * 3 + "\\ with a backslash"
    text = _edit(TEXT, f"    topics: [{s0.schedule[0].topics[0]}]\n", f"    topics: [{json.dumps(topic)}]\n")
    text = _edit(text, f"  title: {s0.course.title}\n", f"  title: {json.dumps(s0.course.title + ' bell' + chr(7))}\n")
    s = _load(tmp_path, text)
    assert s.schedule[0].topics == [topic.strip()]
    data = course_calendar(s, DAY)
    assert calendar_problems(data, s) == []
    assert b"\\, " in data and b"\\; " in data and b"\\\\" in data and b"\r\n " in data


def test_rebuilds_are_byte_identical_and_identifiers_stable(tmp_path):
    s = load(FIXTURE)
    assert course_calendar(s, DAY) == course_calendar(load(FIXTURE), DAY)
    uids = [str(e["UID"]) for e in _events(course_calendar(s, DAY))]
    # Another day's stamp and a corrected topic keep every event's identifier.
    topic = s.schedule[0].topics[0]
    edited = _load(tmp_path, _edit(TEXT, f"    topics: [{topic}]\n", f"    topics: [{topic}, and more]\n"))
    assert [str(e["UID"]) for e in _events(course_calendar(edited, DAY + dt.timedelta(days=3)))] == uids
    assert all(s.schedule[0].date.strftime("%Y%m%d") in u or s.schedule[-1].date.strftime("%Y%m%d") in u for u in uids)


# The time zone key ----------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["Europe/Atlantis", "localtime", "../etc/passwd", "CET+1"])
def test_an_unknown_time_zone_is_a_located_error(tmp_path, bad):
    text = re.sub(r"(\n  timezone: )[^\n]*", rf"\g<1>{bad}", TEXT)
    with pytest.raises(SyllabusError) as info:
        _load(tmp_path, text)
    [problem] = info.value.problems
    line = int(re.match(r"syllabus\.yaml:(\d+): course\.timezone: unknown time zone", problem).group(1))
    assert text.splitlines()[line - 1].strip() == f"timezone: {bad}"
    assert "\n" not in problem


# The check, shown failing ---------------------------------------------------------------------

def _wrong(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data, old
    return data.replace(old, new, 1)


def test_the_check_sees_wrong_calendars():
    s = load(FIXTURE)
    data = course_calendar(s, DAY)
    first, second = (lec for lec in s.schedule if not lec.no_class)
    start = s.course.class_times[0].start.replace(":", "")
    stamp = first.date.strftime("%Y%m%d")

    def sees(wrong: bytes, message: str):
        found = calendar_problems(wrong, s)
        assert any(message in p for p in found), (message, found)

    sees(data.replace(b"\r\n", b"\n"), "CRLF")
    sees(_wrong(data, b"LOCATION:", b"LOCATION:\x07"), "control character")
    sees(_wrong(data, b"\r\n ", b""), "longer than 75")
    assert start != "0600"
    sees(_wrong(data, f"{stamp}T{start}00".encode(), f"{stamp}T060000".encode()), f"{first.date}: ")
    sees(_wrong(data, b"LOCATION:", b"LOCATION:Elsewhere "), "location")
    sees(_wrong(data, first.topics[0].encode(), b"Something else"), "topic")
    sees(re.sub(rb"BEGIN:VTIMEZONE.*?END:VTIMEZONE\r\n", b"", data, flags=re.S), "no VTIMEZONE")
    sees(re.sub(rb"(TZOFFSETTO:)[-+]\d{4}", rb"\g<1>+0000", data), "VTIMEZONE gives")
    sees(re.sub(rb"DTSTART;TZID=[^:]+:", b"DTSTART:", data, count=1), "time zone None")
    sees(re.sub(rb"BEGIN:VEVENT.*?END:VEVENT\r\n", b"", data, count=1, flags=re.S), f"{first.date}: 0 events")
    sees(re.sub(rb"DTSTAMP:[^\r]*\r\n", b"", data, count=1), "no DTSTAMP")
    sees(re.sub(rb"UID:[^\r]*", f"UID:lecture@{second.date}".encode(), data), "identifiers repeat")
    # A due date the syllabus does not give, and one that blocks the day.
    due = (b"BEGIN:VEVENT\r\nUID:due@x\r\nDTSTAMP:20300101T000000Z\r\nDTSTART;VALUE=DATE:20240320\r\n"
           b"DTEND;VALUE=DATE:20240321\r\nSUMMARY:Homework 1 due\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\n")
    sees(_wrong(data, b"END:VCALENDAR", due + b"END:VCALENDAR"), "due events on")
