"""The course's calendar, dist/course.ics (RFC 5545), for students to import or subscribe to.

One event per lecture (none for a `no_class` row) at the time of its weekday's meeting in
`class_times`, in the course's room, with its topics; a lecture whose weekday has several meetings
gets one event per meeting (the break between them is not class time), and one on a weekday with
no meeting (a lecture moved to another day) gets an all-day event, since the syllabus gives no time
for it. And one all-day event on each sheet's `due:` date, marked free (a deadline, not a meeting).

Times are in the syllabus's `course.timezone`, with its VTIMEZONE, or floating (the same clock
time wherever the reader's calendar is) without one. Nothing comes from the clock: the stamp is the
day the release decisions were made for (the build's decision day), and the identifiers come from
the course and the lecture's date and time (a sheet's from its id), so that a calendar app that
imports a new edition updates its events instead of adding copies, and two builds of one day are
byte-identical. Written with the `icalendar` package, which folds lines and escapes text.
"""
from __future__ import annotations

import datetime as dt
import re

from coursebuild.syllabus import WEEKDAYS, ClassTimes, Lecture, Syllabus

CALENDAR_NAME = "course.ics"
PRODID = "-//coursebuild//course calendar//EN"


def course_key(s: Syllabus) -> str:
    """The course in the events' identifiers: its title and semester, as lowercase words."""
    return re.sub(r"[^a-z0-9]+", "-", f"{s.course.title} {s.course.semester}".lower()).strip("-") or "course"


def meetings_on(s: Syllabus, day: dt.date) -> list[ClassTimes]:
    """The weekly meetings on that date's weekday, earliest first."""
    return sorted((m for m in s.course.class_times if m.day == WEEKDAYS[day.weekday()]), key=lambda m: m.clock("start"))


def material_labels(s: Syllabus, lecture: Lecture) -> list[str]:
    labels = []
    for m in lecture.materials:
        if m.kind == "chapter":
            chapter = s.chapter(m.ref)
            labels.append(f"Chapter {chapter.number}: {chapter.title}")
        elif m.kind == "homework":
            labels.append(f"Homework {s.sheet(m.ref).number}: {s.sheet(m.ref).title}")
        else:
            labels.append(f"Solutions to homework {s.sheet(m.ref).number}")
    return labels


def _text(value: str):
    """A TEXT value: escaped by icalendar even where it does not know the property (NAME,
    X-WR-CALNAME), without the control characters RFC 5545 forbids (a tab and a line break stay)."""
    from icalendar import vText

    return vText(re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", value))


def _event(uid: str, summary: str, stamp: dt.datetime, start, end, description: str, location: str | None = None,
           free: bool = False):
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _text(summary))
    event.add("description", _text(description))
    if location:
        event.add("location", _text(location))
    if free:
        event.add("transp", "TRANSPARENT")
    return event


def lecture_events(s: Syllabus, stamp: dt.datetime, zone) -> list:
    course, key = s.course, course_key(s)
    events = []
    for lecture in s.schedule:
        if lecture.no_class:
            continue
        topics = "; ".join(lecture.topics)
        description = "\n".join(["Topics:", *(f"- {t}" for t in lecture.topics)]
                                + (["", "Materials:", *(f"- {m}" for m in material_labels(s, lecture))]
                                   if lecture.materials else []))
        summary = f"{course.title}: {topics}"
        meetings = meetings_on(s, lecture.date)
        if not meetings:
            note = "\n\nThe class times give no meeting on this weekday: see the course page for the time."
            events.append(_event(f"lecture-{lecture.date:%Y%m%d}@{key}", summary, stamp, lecture.date,
                                 lecture.date + dt.timedelta(days=1), description + note, course.location))
        for meeting in meetings:
            start, end = (dt.datetime.combine(lecture.date, meeting.clock(which), tzinfo=zone) for which in ("start", "end"))
            events.append(_event(f"lecture-{start:%Y%m%dT%H%M}@{key}", summary, stamp, start, end, description,
                                 course.location))
    return events


def due_events(s: Syllabus, stamp: dt.datetime) -> list:
    course, key = s.course, course_key(s)
    events = []
    for sheet in s.homework:
        due = s.due(sheet.id)
        if due is not None:
            events.append(_event(f"due-{sheet.id}@{key}", f"{course.title}: Homework {sheet.number} due",
                                 stamp, due, due + dt.timedelta(days=1),
                                 f"Homework {sheet.number}: {sheet.title}, due on this day.", free=True))
    return events


def course_calendar(s: Syllabus, day: dt.date) -> bytes:
    """The calendar's bytes (CRLF line ends, lines folded at 75 octets), stamped with `day`."""
    import zoneinfo

    from icalendar import Calendar, Timezone

    zone = zoneinfo.ZoneInfo(s.course.timezone) if s.course.timezone else None
    stamp = dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", _text(s.course.title))  # RFC 7986, and the older name most apps read
    calendar.add("x-wr-calname", _text(s.course.title))
    if zone is not None:
        # Its rules over the term only (a year either side would be hundreds of lines of past
        # and future transitions that no event needs).
        dates = [lecture.date for lecture in s.schedule]
        calendar.add_component(Timezone.from_tzid(s.course.timezone, first_date=min(dates) - dt.timedelta(days=1),
                                                  last_date=max(dates) + dt.timedelta(days=1)))
    for event in [*lecture_events(s, stamp, zone), *due_events(s, stamp)]:
        calendar.add_component(event)
    return calendar.to_ical()
