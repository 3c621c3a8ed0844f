"""The one loader of syllabus.yaml: typed objects, or one clear line per problem.

The schema is a set of pydantic models (unknown keys forbidden). YAML is read twice: once as a
node tree to know the line of every key, once as plain data to validate. Dates stay strings for
YAML so that an impossible date (2025-02-30) is a validation error, not a crash of the parser.
Problems are collected over the whole file and reported together as
``syllabus.yaml:LINE: key.path: what is wrong``.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from coursebuild import paths
from coursebuild.textfile import NotUtf8Error, read_utf8

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class SyllabusError(Exception):
    """Raised with every problem of the file; str() is one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


NonEmpty = Field(min_length=1)
# A language tag as BCP 47 (RFC 5646, section 2.1) writes it: language, then optional script,
# region, variants, extensions and private use; or a private-use or grandfathered tag. Checked for
# form only (no registry), except that the primary language has two or three letters: the longer
# forms RFC 5646 reserves have none registered, so that "english" or "french" is refused. It is
# what every PDF declares (/Lang) and every page's lang attribute says.
LANGUAGE_TAG = re.compile(r"""
    (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}                          # language, with its extended subtags
       (?:-[a-z]{4})?                                        # script
       (?:-(?:[a-z]{2}|[0-9]{3}))?                           # region
       (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*              # variants
       (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*                   # extensions
       (?:-x(?:-[a-z0-9]{1,8})+)?                            # private use
     |x(?:-[a-z0-9]{1,8})+                                   # private use alone
     |en-gb-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)
     |sgn-(?:be-fr|be-nl|ch-de)|art-lojban|cel-gaulish|no-(?:bok|nyn)
     |zh-(?:guoyu|hakka|min|min-nan|xiang))\Z""", re.IGNORECASE | re.VERBOSE)
# A chapter's id: it names files, so lowercase letters, digits and single dashes (a sheet's id may
# also have capitals: Homework.id).
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DEFAULT_CHECKLIST_SOURCE = paths.CHECKLIST_SOURCE.relative_to(paths.ROOT).as_posix()


class Program(_Strict):
    short: str = NonEmpty
    name: str = NonEmpty


class ClassTimes(_Strict):
    day: Literal[WEEKDAYS]  # type: ignore[valid-type]
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        try:
            dt.time.fromisoformat(value)
        except ValueError:
            raise ValueError("expected a time of day as HH:MM, for example 09:00") from None
        return value

    @model_validator(mode="after")
    def _ordered(self):
        if dt.time.fromisoformat(self.end) <= dt.time.fromisoformat(self.start):
            raise ValueError(f"end {self.end} is not after start {self.start}")
        return self

    def clock(self, which: str) -> dt.time:
        return dt.time.fromisoformat(getattr(self, which))

    @property
    def text(self) -> str:
        return f"{self.day}s, {self.start}\u2013{self.end}"


class Literature(_Strict):
    author: str = NonEmpty
    title: str = NonEmpty
    kind: str = NonEmpty
    url: Optional[str] = None
    cite: Optional[str] = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.match(r"^https?://[^\s]+$", value):
            raise ValueError("expected an http(s) address")
        return value


class Course(_Strict):
    title: str = NonEmpty
    programs: list[Program] = Field(min_length=1)
    level: str = NonEmpty
    university: str = NonEmpty
    instructor: str = NonEmpty
    email: str
    semester: str = NonEmpty
    class_times: list[ClassTimes] = Field(min_length=1)  # the weekly meetings, in the order shown
    location: str = NonEmpty
    # The IANA time zone of the class times (Europe/Paris), for the calendar (coursebuild/ics.py);
    # absent, its times are floating: the same clock time wherever the reader's calendar is.
    timezone: Optional[str] = None
    evaluation: str = NonEmpty
    repository: Optional[str] = None
    language: str = "en"  # of the documents and pages, as a BCP 47 tag (en, fr, de-CH)
    description: str = NonEmpty
    topics: list[str] = Field(min_length=1)
    requirement: str = NonEmpty
    literature: list[Literature] = Field(min_length=1)

    @field_validator("class_times", mode="before")
    @classmethod
    def _meetings(cls, value):
        if isinstance(value, dict):  # the single-meeting form of earlier syllabi
            raise ValueError("expected a list of weekly meetings, each '- {day: ..., start: ..., end: ...}'")
        return value

    @field_validator("class_times")
    @classmethod
    def _meetings_apart(cls, meetings: list[ClassTimes]) -> list[ClassTimes]:
        for i, a in enumerate(meetings):
            for j, b in enumerate(meetings[:i]):
                if a.day == b.day and a.clock("start") < b.clock("end") and b.clock("start") < a.clock("end"):
                    raise ValueError(f"meeting {i + 1} overlaps meeting {j + 1} ({a.text} and {b.text})")
        return meetings

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: Optional[str]) -> Optional[str]:
        import zoneinfo

        if value is None:
            return value
        try:
            zoneinfo.ZoneInfo(value)
            known = value != "localtime"  # the build machine's own zone names no place
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            known = False
        if not known:
            raise ValueError(f"unknown time zone {value!r}: expected a name of the IANA time zone database, "
                             "such as Europe/Paris or America/New_York")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            raise ValueError("expected an e-mail address")
        return value

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not re.match(r"^https?://[^\s]+$", value):
            raise ValueError("expected an http(s) address of the repository, or null")
        return value

    @field_validator("language", mode="before")
    @classmethod
    def _language_text(cls, value):
        if isinstance(value, bool):  # YAML 1.1 reads a bare no (Norwegian), yes, on, off as booleans
            raise ValueError("expected a language tag; write it in quotes (language: \"no\")")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not LANGUAGE_TAG.match(value):
            raise ValueError("expected a BCP 47 language tag, for example en, fr or de-CH")
        return value

    @property
    def programs_text(self) -> str:
        return " and ".join(p.short for p in self.programs)


class Checklist(_Strict):
    title: str = NonEmpty
    subtitle: str = NonEmpty
    # Its LaTeX, relative to the project's root: under notes/, with the rest of the course's
    # sources (which the build watches and scans for figures).
    source: str = DEFAULT_CHECKLIST_SOURCE

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        if not re.fullmatch(r"notes(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+\.tex", value) or ".." in value.split("/"):
            raise ValueError(f"expected a .tex file under notes/, such as {DEFAULT_CHECKLIST_SOURCE}")
        return value


class Chapter(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = NonEmpty
    number: int = 0  # set from the order of the list

    @property
    def stem(self) -> str:
        return f"{self.number:02d}-{self.id}"


class Homework(_Strict):
    # Any name of the author's (hw1, ps-2, PS3) of letters, digits and dashes; what the sheet is
    # called in print is its number.
    id: str = Field(pattern=r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")
    title: str = NonEmpty
    solutions: bool = True  # false: the sheet has no solutions document (no PDF, page or link)
    preamble: Optional[str] = None  # this sheet's own preamble additions, after the shared one
    number: int = 0  # set from the order of the list


class Material(_Strict):
    chapter: Optional[str] = None
    homework: Optional[str] = None
    solutions: Optional[str] = None
    sections: Optional[tuple[str, str]] = None
    release: Optional[dt.date] = None
    due: Optional[dt.date] = None  # a homework sheet's due date

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [k for k in ("chapter", "homework", "solutions") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a material names exactly one of chapter, homework or solutions")
        if self.sections is not None and self.chapter is None:
            raise ValueError("sections applies to a chapter only")
        if self.due is not None and self.homework is None:
            raise ValueError("due applies to a homework material only")
        if self.due is not None and self.release is not None and self.due <= self.release:
            raise ValueError(f"due {self.due} is not after release {self.release}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("chapter", "homework", "solutions") if getattr(self, k) is not None)

    @property
    def ref(self) -> str:
        return getattr(self, self.kind)


class Lecture(_Strict):
    date: dt.date
    topics: list[str] = []
    materials: list[Material] = []
    no_class: bool = False

    @model_validator(mode="after")
    def _content(self):
        if self.no_class and (self.topics or self.materials):
            raise ValueError("a no_class row has no topics or materials")
        if not self.no_class and not self.topics:
            raise ValueError("a lecture needs topics (or no_class: true)")
        return self


DebianPackage = Field(pattern=r"^[a-z0-9][a-z0-9+.-]+$")


class Syllabus(_Strict):
    course: Course
    checklist: Optional[Checklist] = None  # absent: the course has no checklist document
    chapters: list[Chapter] = Field(min_length=1)
    homework: list[Homework] = []
    schedule: list[Lecture] = Field(min_length=1)
    # The course's own LaTeX (coursebuild/preamble.py): its preamble files, in the order they are
    # read, and its .bib files, as paths relative to the project; Debian packages ./doit installs.
    preamble: list[str] = []
    bibliography: list[str] = []
    debian_packages: list[Annotated[str, DebianPackage]] = []

    def chapter(self, chapter_id: str) -> Chapter:
        return next(c for c in self.chapters if c.id == chapter_id)

    def sheet(self, homework_id: str) -> Homework:
        return next(h for h in self.homework if h.id == homework_id)

    def due(self, homework_id: str) -> Optional[dt.date]:
        """The sheet's due date, from the schedule's homework materials (the cross-checks make it one)."""
        return next((m.due for lec in self.schedule for m in lec.materials
                     if m.kind == "homework" and m.ref == homework_id and m.due), None)


# ------------------------------------------------------------------------------------------
# Reading YAML with line numbers

class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings (pydantic parses and checks them)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line_map(node, path=(), lines=None) -> dict[tuple, int]:
    """Every key path in the document -> its 1-based line."""
    if lines is None:
        lines = {}
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = path + (key_node.value,)
            lines[key_path] = key_node.start_mark.line + 1
            _line_map(value_node, key_path, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _line_map(item, path + (index,), lines)
    return lines


def _duplicate_keys(node, path, lines, problems, where):
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key_node, value_node in node.value:
            if key_node.value in seen:
                problems.append(f"{where}:{key_node.start_mark.line + 1}: "
                                f"{_dotted(path + (key_node.value,))}: key appears twice "
                                f"(first on line {seen[key_node.value]})")
            seen[key_node.value] = key_node.start_mark.line + 1
            _duplicate_keys(value_node, path + (key_node.value,), lines, problems, where)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _duplicate_keys(item, path + (index,), lines, problems, where)


def _dotted(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _line_for(lines: dict, path: tuple) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _model_for(path: tuple):
    """The model whose fields are valid at `path` (for 'did you mean')."""
    model = Syllabus
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        for _ in range(3):
            args = getattr(annotation, "__args__", None)
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                break
            if not args:
                break
            annotation = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), args[0])
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _describe(error: dict) -> str:
    kind, loc = error["type"], error["loc"]
    if kind == "extra_forbidden":
        model = _model_for(tuple(p for p in loc[:-1] if not isinstance(p, str) or p in _all_fields()))
        known = sorted(model.model_fields) if model else []
        known = [k for k in known if k != "number"]
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else (f"; expected one of {', '.join(known)}" if known else "")
        return f"unknown key{hint}"
    if kind == "missing":
        return "required key is missing"
    message = error["msg"]
    message = re.sub(r"^Value error, ", "", message)
    message = message.replace("Input should be a valid date or datetime, ", "not a valid date: ")
    if "input" in error and kind not in ("model_type",) and not isinstance(error["input"], (dict, list)):
        message += f" (got {error['input']!r})"
    return message


def _all_fields() -> set[str]:
    names = set()
    for model in (Syllabus, Course, Program, ClassTimes, Literature, Checklist, Chapter, Homework, Material, Lecture):
        names |= set(model.model_fields)
    return names


def _clean_loc(loc: tuple) -> tuple:
    """pydantic inserts union/literal tags into locations; keep real keys and indices."""
    return tuple(p for p in loc if isinstance(p, int) or not re.search(r"[\[\]]|^function-", str(p)))


def _latex_files(data: dict, items, root: Path | None) -> list[tuple[tuple, str]]:
    """The course's own LaTeX files (preamble:, bibliography:, a sheet's preamble:) must exist."""
    named = []
    for key, suffix in (("preamble", ".tex"), ("bibliography", ".bib")):
        value = data.get(key)
        named += [((key, i), f, suffix) for i, f in enumerate(value)] if isinstance(value, list) else []
    named += [(("homework", i, "preamble"), h["preamble"], ".tex") for i, h in items("homework") if "preamble" in h]
    problems = []
    for loc, name, suffix in named:
        if not isinstance(name, str) or not name.strip():
            continue  # the schema reports it
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*", name):
            problems.append((loc, f"expected a path relative to the project, of letters, digits and . _ - / "
                                  f"(got {name!r})"))
        elif not name.endswith(suffix):
            problems.append((loc, f"expected a {suffix} file, relative to the project (got {name!r})"))
        elif root is not None and not (root / name).is_file():
            problems.append((loc, f"no such file: {name} (paths are relative to the project, where syllabus.yaml is)"))
    return problems


def _cross_checks(data: dict, root: Path | None) -> list[tuple[tuple, str]]:
    """Checks across entries (unique ids, materials that exist, dates in order).

    They run on the raw data, whatever else is wrong, so that one run reports every problem.
    """
    def items(key):
        value = data.get(key)
        return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)] if isinstance(value, list) else []

    problems = []
    ids: dict[str, set] = {}
    # Sheets that say `solutions: false` have no solutions document for the schedule to name.
    without_solutions = {item.get("id") for _, item in items("homework") if item.get("solutions") is False}
    due_dates: dict[str, tuple[str, tuple]] = {}
    for kind in ("chapters", "homework"):
        seen: dict[str, int] = {}
        for index, item in items(kind):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in seen:
                problems.append(((kind, index, "id"), f"duplicate id '{ident}' (also {kind}[{seen[ident]}])"))
            seen.setdefault(ident, index)
        ids[kind] = set(seen)
    problems += _latex_files(data, items, root)
    previous = None
    for index, lecture in items("schedule"):
        try:
            date = dt.date.fromisoformat(str(lecture.get("date")))
        except ValueError:
            date = None
        if date is not None and previous is not None and date <= previous:
            problems.append((("schedule", index, "date"), f"{date} is not after the previous row ({previous})"))
        previous = date or previous
        materials = lecture.get("materials")
        for m_index, material in enumerate(materials if isinstance(materials, list) else []):
            if not isinstance(material, dict):
                continue
            for kind, known, what in (("chapter", ids["chapters"], "chapter"),
                                      ("homework", ids["homework"], "homework sheet"),
                                      ("solutions", ids["homework"], "homework sheet")):
                ref = material.get(kind)
                if isinstance(ref, str) and ref not in known:
                    close = difflib.get_close_matches(ref, sorted(known), n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    problems.append((("schedule", index, "materials", m_index, kind),
                                     f"no {what} with id '{ref}'{hint}"))
            ref = material.get("solutions")
            if isinstance(ref, str) and ref in without_solutions:
                problems.append((("schedule", index, "materials", m_index, "solutions"),
                                 f"homework sheet '{ref}' has solutions: false (no solutions to list)"))
            sheet, due = material.get("homework"), material.get("due")
            if isinstance(sheet, str) and due is not None:
                key = ("schedule", index, "materials", m_index, "due")
                if sheet in due_dates and due_dates[sheet][0] != str(due):
                    first, where = due_dates[sheet]
                    problems.append((key, f"a second due date for '{sheet}' ({due}; {_dotted(where)} says {first})"))
                due_dates.setdefault(sheet, (str(due), key))
    return problems


def load(path: Path | str, check_files: bool = True) -> Syllabus:
    """Load and validate syllabus.yaml; raise SyllabusError listing every problem.

    The files it names (preamble, bibliography, a sheet's preamble) must exist beside it, unless
    `check_files` is false: a syllabus of an earlier commit, read back for its wrappers' text."""
    path = Path(path)
    where = path.name
    try:
        text = read_utf8(path, shown_as=where)
    except FileNotFoundError:
        raise SyllabusError([f"{where}: file not found ({path})"]) from None
    except NotUtf8Error as exc:
        raise SyllabusError([str(exc)]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SyllabusError([f"{where}:{line}: not valid YAML: {problem}"]) from None
    if not isinstance(data, dict):
        raise SyllabusError([f"{where}:1: expected a mapping with keys course, chapters, homework, schedule (and checklist)"])
    lines = _line_map(node)
    problems: list[str] = []
    _duplicate_keys(node, (), lines, problems, where)
    found: list[tuple[int, str]] = []
    syllabus = None
    try:
        syllabus = Syllabus.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = _clean_loc(error["loc"])
            found.append((_line_for(lines, loc), f"{_dotted(loc)}: {_describe(error)}"))
    for loc, message in _cross_checks(data, path.resolve().parent if check_files else None):
        found.append((_line_for(lines, loc), f"{_dotted(loc)}: {message}"))
    problems += [f"{where}:{line}: {message}" for line, message in sorted(found, key=lambda x: x[0])]
    if problems or syllabus is None:
        raise SyllabusError(problems)
    chapters = [c.model_copy(update={"number": i}) for i, c in enumerate(syllabus.chapters, 1)]
    sheets = [h.model_copy(update={"number": i}) for i, h in enumerate(syllabus.homework, 1)]
    return syllabus.model_copy(update={"chapters": chapters, "homework": sheets})


def where(key_path: tuple, path: Path | str | None = None) -> str:
    """'syllabus.yaml:LINE: key.path' for messages about a key found wrong after loading."""
    path = Path(path or paths.SYLLABUS)
    try:
        lines = _line_map(yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader))
    except (OSError, yaml.YAMLError):
        lines = {}
    return f"{path.name}:{_line_for(lines, tuple(key_path))}: {_dotted(tuple(key_path))}"
