"""What dodo.py does when it loads, kept out of it so that it stays a table of tasks.

Each function either returns what the tasks need or prints one line naming the file, line and key
that is wrong and exits: loading the task list never shows a traceback.
"""
from __future__ import annotations

import json
import os
import pickle
import sys
from dataclasses import dataclass, field, replace

from corelib import atomic
from coursebuild import paths

# `./doit mode=full` is the same as `FIGGEN_MODE=full ./doit`; likewise device=, date= (the day
# release dates are judged on) and preview=1 (ignore release dates).
COMMAND_LINE_VARS = {"mode": "FIGGEN_MODE", "device": "FIGGEN_DEVICE", "date": "COURSE_DATE",
                     "preview": "COURSE_PREVIEW", "html": "COURSE_HTML",
                     "html_timeout": "COURSE_HTML_TIMEOUT"}


def _exit(message: str):
    print(message, file=sys.stderr)
    sys.exit(2)


def apply_command_line_vars(get_var) -> None:
    for var, env in COMMAND_LINE_VARS.items():
        if get_var(var):
            os.environ[env] = get_var(var)


def state_file(argv: list[str]) -> str:
    """doit's state file. `doit test` runs the build as a doit process of its own
    (coursebuild/testrun.py) and this process only runs the tests: it keeps its state apart, or
    saving it at exit would undo what that build recorded."""
    words = [a for a in argv[1:] if not a.startswith("-") and "=" not in a]
    return str(paths.BUILD / "doit-test-state.json" if words[:1] == ["test"] else paths.DOIT_STATE)


def recover_state(state=paths.DOIT_STATE) -> None:
    """A state file truncated by a killed build is dropped (every task is re-checked), not a crash."""
    try:
        if state.is_file():
            json.loads(state.read_text() or "{}")
    except (ValueError, UnicodeDecodeError):
        print(f"doit: {paths.rel(state)} was damaged (an interrupted build?); checking every task again",
              file=sys.stderr)
        state.unlink()


@dataclass(frozen=True)
class Entry:
    """A chapter or homework sheet as the task list needs it."""
    id: str
    number: int
    title: str
    stem: str


@dataclass(frozen=True)
class Plan:
    """What the course is made of, as far as the task list is concerned."""
    repository: str | None
    chapters: tuple[Entry, ...]
    homework: tuple[Entry, ...]
    docs: dict          # document name -> coursebuild.documents.Document
    # The course's own LaTeX (syllabus.yaml): preamble files and .bib files, relative to the project.
    preamble: tuple[str, ...] = ()
    bibliography: tuple[str, ...] = ()
    # From the hand-written sources, not the syllabus (rescanned, cheaply, when one is edited):
    figures: dict = field(default_factory=dict)  # document name -> figures it shows
    cites: dict = field(default_factory=dict)    # document name -> whether it needs a bibliography
    images: dict = field(default_factory=dict)   # document name -> image files under notes/ it includes
    scripts: dict = field(default_factory=dict)  # document name -> figure scripts it names (documents.scripts_named)


_PLAN_CACHE = paths.BUILD / "plan.pickle"


def _stamps(files) -> list:
    return [(str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files]


def _syllabus_key() -> list:
    """What the documents are computed from: the syllabus, the code, release settings, the day."""
    import datetime as dt

    files = [paths.SYLLABUS, *sorted((paths.ROOT / "figgen").glob("*.py")),
             *sorted((paths.ROOT / "coursebuild").glob("*.py"))]
    # The forge's variables stand in for a null course.repository (coursebuild/forge.py).
    settings = [os.environ.get(v, "") for v in ("COURSE_DATE", "COURSE_PREVIEW", "GITHUB_SERVER_URL",
                                                  "GITHUB_REPOSITORY")]
    return [_stamps(files), settings, dt.date.today().isoformat()]


def _sources_key() -> list:
    # The notes and the course's preamble files under notes/ (checked for clashes with the engine),
    # and the images: whether an included image exists decides what a document depends on.
    return _stamps(sorted(p for p in paths.NOTES.rglob("*") if p.is_file() and p.suffix.lower() in
                          (".tex", ".sty", ".pdf", ".png", ".jpg", ".jpeg")))


def plan() -> Plan:
    """The plan, from a cache when nothing it depends on changed (a build with nothing to do then
    reads no YAML and imports no pydantic), else from syllabus.yaml with full validation. Editing
    a chapter only rescans the sources for the figures and citations they use: the edit-compile
    loop never pays for the syllabus."""
    syllabus_key, sources_key = _syllabus_key(), _sources_key()
    try:
        cached_syllabus_key, cached_sources_key, cached = pickle.loads(_PLAN_CACHE.read_bytes())
    except Exception:  # absent, damaged or from older code: recompute  # noqa: BLE001
        cached_syllabus_key = cached_sources_key = cached = None
    if cached_syllabus_key == syllabus_key and cached_sources_key == sources_key:
        return cached
    if cached_syllabus_key == syllabus_key:
        result = _with_sources(cached)
    else:
        from coursebuild import forge

        syllabus, docs = syllabus_and_documents()
        result = _with_sources(Plan(
            repository=forge.repository(syllabus.course.repository),
            chapters=tuple(Entry(c.id, c.number, c.title, c.stem) for c in syllabus.chapters),
            homework=tuple(Entry(h.id, h.number, h.title, h.id) for h in syllabus.homework),
            docs=docs,
            preamble=tuple(syllabus.preamble),
            bibliography=tuple(syllabus.bibliography),
        ))
    try:
        atomic.write_bytes(_PLAN_CACHE, pickle.dumps((syllabus_key, sources_key, result)))
    except OSError:
        pass
    return result


def _with_sources(result: Plan) -> Plan:
    """The plan with what its sources say: figures shown, citations; every source must exist."""
    from coursebuild.claims import undeclared_or_uncited
    from coursebuild.clashes import clashes
    from coursebuild.documents import cites, images_used, scripts_named
    from coursebuild.textfile import NotUtf8Error
    from figgen.core.paths import figure_names

    missing = missing_sources(result.chapters, result.homework, result.docs)
    if missing:
        _exit("\n".join(missing))
    known = figure_names()
    try:
        clashing = clashes([paths.course_file(f) for f in result.preamble],
                           [p for doc in result.docs.values() for p in doc.preamble])
        if clashing:
            _exit("\n".join(clashing))
        figures = {name: figures_of(doc, known) for name, doc in result.docs.items()}
        citing = {name: cites(doc.sources, without_solutions=doc.kind == "homework")
                  for name, doc in result.docs.items()}
        images = {name: images_used(doc.sources) for name, doc in result.docs.items()}
        scripts = {name: scripts_named(doc.sources) for name, doc in result.docs.items()}
        # A chapter is a source of its own PDF and of the full notes: each file is read once.
        sources = {src for doc in result.docs.values() for src in doc.sources}
        unbound = undeclared_or_uncited(sorted(sources), figures_shown(figures))
        if unbound:
            _exit("\n".join(unbound))
    except NotUtf8Error as exc:
        _exit(str(exc))
    except SyntaxError as exc:
        _exit(f"{paths.rel(exc.filename)}:{exc.lineno}: {exc.msg}")
    except ValueError as exc:  # a CLAIMS that is no literal dict of names, located
        _exit(str(exc))
    return replace(result, figures=figures, cites=citing, images=images, scripts=scripts)


def syllabus_and_documents():
    from coursebuild.documents import documents
    from coursebuild.release import ReleaseError
    from coursebuild.syllabus import SyllabusError, load

    try:
        syllabus = load(paths.SYLLABUS)
        return syllabus, {d.name: d for d in documents(syllabus)}
    except (SyllabusError, ReleaseError) as exc:
        _exit(str(exc))


def missing_sources(chapters, homework, docs=None) -> list[str]:
    """A chapter, sheet or checklist whose source file does not exist, named by its line in
    syllabus.yaml, before any task runs (not after every figure has been computed)."""
    from coursebuild.documents import CHECKLIST

    problems = []
    checklist = (docs or {}).get(CHECKLIST)
    if checklist is not None and not checklist.sources[0].is_file():
        from coursebuild.syllabus import where

        problems.append(f"{where(('checklist', 'source'))}: no source file {paths.rel(checklist.sources[0])} "
                        "for the checklist (give checklist.source, or leave out checklist for none)")
    for kind, entries, source in (("chapters", chapters, paths.chapter_source),
                                  ("homework", homework, paths.homework_source)):
        for index, entry in enumerate(entries):
            if not source(entry.id).is_file():
                from coursebuild.syllabus import where  # pydantic: only when something is wrong

                problems.append(f"{where((kind, index, 'id'))}: no source file {paths.rel(source(entry.id))} "
                                f"for '{entry.id}'")
    return problems


def figures_shown(figures: dict) -> list[str]:
    """The figures some document of the syllabus shows (`figures`: document -> its figures, as in
    Plan.figures): the only ones the build computes and draws (a module no document shows is left
    to its tests and to `python -m figgen NAME`)."""
    return sorted({name for names in figures.values() for name in names})


def figure_modes(names) -> dict[str, str]:
    """The mode each figure is drawn in; a figure module that does not parse is reported here."""
    from figgen.core import status

    try:
        return {name: status.resolve_mode(name) for name in names}
    except SyntaxError as exc:
        _exit(f"{paths.rel(exc.filename)}:{exc.lineno}: {exc.msg}")
    except (ValueError, KeyError) as exc:
        _exit(f"figgen: {exc}")


def figures_of(doc, known) -> list[str]:
    """Figures a document shows; naming one that figgen/ lacks is reported with its file and line."""
    from coursebuild.documents import figures_used

    from coursebuild.textfile import read_utf8

    used = figures_used(doc.sources)
    for name in sorted(set(used) - set(known)):
        for src in doc.sources:
            for number, line in enumerate(read_utf8(src).splitlines(), 1):
                if f"{{{name}}}" in line:
                    _exit(f"{paths.rel(src)}:{number}: figure '{name}' has no module figgen/{name}.py")
    return used
