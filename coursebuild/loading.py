"""What dodo.py does when it loads, kept out of it so that it stays a table of tasks.

Each function either returns what the tasks need or prints one line naming the file, line and key
that is wrong and exits: loading the task list never shows a traceback.
"""
from __future__ import annotations

import json
import os
import sys

from coursebuild import paths

# `./doit mode=full` is the same as `FIGGEN_MODE=full ./doit`; likewise device=, date= (the day
# release dates are judged on) and preview=1 (ignore release dates).
COMMAND_LINE_VARS = {"mode": "FIGGEN_MODE", "device": "FIGGEN_DEVICE", "date": "COURSE_DATE",
                     "preview": "COURSE_PREVIEW"}


def _exit(message: str):
    print(message, file=sys.stderr)
    sys.exit(2)


def apply_command_line_vars(get_var) -> None:
    for var, env in COMMAND_LINE_VARS.items():
        if get_var(var):
            os.environ[env] = get_var(var)


def recover_state(state=paths.BUILD / "doit-state.json") -> None:
    """A state file truncated by a killed build is dropped (every task is re-checked), not a crash."""
    try:
        if state.is_file():
            json.loads(state.read_text() or "{}")
    except (ValueError, UnicodeDecodeError):
        print(f"doit: {paths.rel(state)} was damaged (an interrupted build?); checking every task again",
              file=sys.stderr)
        state.unlink()


def syllabus_and_documents():
    from coursebuild.documents import documents
    from coursebuild.release import ReleaseError
    from coursebuild.syllabus import SyllabusError, load

    try:
        syllabus = load(paths.SYLLABUS)
        return syllabus, {d.name: d for d in documents(syllabus)}
    except (SyllabusError, ReleaseError) as exc:
        _exit(str(exc))


def figure_modes() -> dict[str, str]:
    """The mode each figure is drawn in; a figure module that does not parse is reported here."""
    from figgen.core import status
    from figgen.core.paths import figure_names

    try:
        return {name: status.resolve_mode(name) for name in figure_names()}
    except SyntaxError as exc:
        _exit(f"{paths.rel(exc.filename)}:{exc.lineno}: {exc.msg}")
    except (ValueError, KeyError) as exc:
        _exit(f"figgen: {exc}")


def figures_of(doc, known) -> list[str]:
    """Figures a document shows; naming one that figgen/ lacks is reported with its file and line."""
    from coursebuild.documents import figures_used

    used = figures_used(doc.sources)
    for name in sorted(set(used) - set(known)):
        for src in doc.sources:
            for number, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
                if f"{{{name}}}" in line:
                    _exit(f"{paths.rel(src)}:{number}: figure '{name}' has no module figgen/{name}.py")
    return used
