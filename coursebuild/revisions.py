"""Revisions: what changed in a document after students could download it, and a "what changed" PDF.

A document is released on its release date (coursebuild/release.py): the earliest `release:` of a
material naming it, or, where none is given, the first lecture of the schedule (the syllabus has no
other start of the semester); the full notes on the earliest release among the chapters. Its source
*as released* is the last commit on or before that day. A document released before its history
begins has no such commit: nothing is known of what students got, so no revision is claimed.

Every later commit that changed what the document is made from (`versions.inputs`, asked of git the
way versions.py does) is a *revision* of it only if the document's rendered text changed:
- a source whose text differs once `%` comments (not `\\%`) and whitespace are normalised (a run of
  spaces and single line breaks is one space, a blank line a paragraph break); for a student sheet,
  without its solutions (which it does not print);
- a figure it shows whose committed full-mode data changed, or whose module's code did (compared as
  Python syntax trees without docstrings: a comment-only edit is not a revision);
- syllabus.yaml, when the commit changed what the syllabus puts into this document's wrapper
  (versions.py's own per-commit answer).
Templates, the shared preamble and the bibliography are presentation: they are not revisions.

The `revisions` task writes build/revisions.json, which the course page and the HTML edition read:

    {"key": "...",                       # what it was computed from (HEAD, syllabus, release day)
     "documents": {
       NAME: {                           # every document; NAME as in coursebuild/documents.py
         "released": "YYYY-MM-DD" | null,       # null: not released (yet) on the decision day
         "as_released": "abc1234" | null,       # the commit it was released at (null: before history)
         "last_revised": "YYYY-MM-DD" | null,   # the newest revision's day
         "changes_pdf": "changes/NAME-changes.pdf" | null,  # relative to dist/; null: not revised
         "revisions": [                         # oldest first
           {"date": "YYYY-MM-DD",               # the commit's day (committer date)
            "commit": "def5678",                # short hash
            "sections": ["Convex sets", ...],   # titles of the sections whose text changed
            "figures": ["a_figure"],  # figures whose data or code changed
            "syllabus": false,                  # whether the syllabus changed what it prints
            "reason": "..." | null}]}}}         # the commit's `Revision:` trailer, if any

and, per document, build/changes/NAME.base (the as-released commit, rewritten only when it changes)
on which the `changes:NAME` task depends: the changes PDF dist/changes/NAME-changes.pdf is latexdiff
between each of the document's sources as released and now, inside the document's own wrapper, and
compiled with the precompiled preamble like the document itself (latexdiff's few macros come after
the format's dump point, so the format still applies).

Everything comes from git, never from the clock; without git history there are no revisions.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from corelib import atomic
from coursebuild import paths, versions

TRAILER = "Revision"

# --- What a source renders: normalised text, and its sections ---------------------------------

# A % that is not escaped (preceded by an even number of backslashes) starts a comment, which
# TeX ends together with the line break and the next line's leading spaces.
_COMMENT = re.compile(r"(?<!\\)((?:\\\\)*)%[^\n]*(?:\n[ \t]*)?")
_BLANK = re.compile(r"[ \t]*\n[ \t]*\n\s*")
_SPACE = re.compile(r"\s+")
_SOLUTION = re.compile(r"\\begin\{solution\}.*?\\end\{solution\}", re.S)


def normalise(text: str, without_solutions: bool = False) -> str:
    """The source as TeX reads it, for comparison: comments gone, every run of spaces and single
    line breaks one space, every paragraph break one blank line."""
    text = _COMMENT.sub(lambda m: m.group(1), text.replace("\r\n", "\n"))
    if without_solutions:
        text = _SOLUTION.sub("", text)
    paragraphs = (_SPACE.sub(" ", p).strip() for p in _BLANK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


_UNIT = re.compile(r"\\(?:(?:sub)?section\*?\s*(?:\[[^\]]*\])?\s*\{|begin\{problem\}(?:\[([^\]]*)\])?)")


def _braced(text: str, start: int) -> str:
    """The contents of the brace group opened just before `start`."""
    depth, i = 1, start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            break
        i += 1
    return text[start:i].strip()


def sections(text: str) -> dict[str, str]:
    """Normalised text split at \\section, \\subsection and, in homework, each exercise: title -> body.
    The text before the first is "introduction"; a title that repeats gets its rank appended."""
    units, exercise = [], 0
    matches = list(_UNIT.finditer(text))
    units.append(("introduction", text[:matches[0].start()] if matches else text))
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        if m.group(0).startswith("\\begin"):
            exercise += 1
            title = f"Exercise {exercise}" + (f" ({m.group(1).strip()})" if m.group(1) else "")
        else:
            title = _braced(text, m.end())
        units.append((title, text[m.start():end]))
    found: dict[str, str] = {}
    for title, body in units:
        key, rank = title, 1
        while key in found:
            rank += 1
            key = f"{title} ({rank})"
        found[key] = body.strip()
    if not found["introduction"]:
        del found["introduction"]
    return found


def changed_sections(old: str, new: str) -> list[str]:
    """Titles (as now, or as they were for a section that is gone) whose normalised body differs."""
    before, after = sections(old), sections(new)
    changed = [t for t in after if before.get(t) != after[t]]
    return changed + [t for t in before if t not in after]


def code_key(source: bytes | None) -> str | None:
    """A figure module's code without comments or docstrings (its text where it does not parse)."""
    if source is None:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return source.decode("utf-8", "replace")
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def _figure_sections(text: str, figure: str) -> list[str]:
    from coursebuild.documents import FIGURE_MACROS

    use = re.compile(FIGURE_MACROS + r"\s*\{\s*" + re.escape(figure) + r"\s*\}")
    return [t for t, body in sections(text).items() if use.search(body)]


# --- Which commits revised which document ------------------------------------------------------

def release_days(s) -> dict[str, str | None]:
    """Document name -> the day it was released (YYYY-MM-DD), None where it is not released yet."""
    from coursebuild.documents import FULL_NOTES, documents
    from coursebuild.release import release_dates

    docs = documents(s)
    dates = release_dates(s)
    start = min((lec.date for lec in s.schedule), default=None)

    def day(name):
        return dates.get(name) or start

    chapters = [day(c.stem) for c in s.chapters]
    found = {}
    for d in docs:
        when = min((c for c in chapters if c), default=None) if d.name == FULL_NOTES else day(d.name)
        found[d.name] = when.isoformat() if d.released and when else None
    return found


def _trailers(commits: list[str]) -> dict[str, str | None]:
    """Each commit's `Revision:` trailer (several joined by a space), in one git call."""
    if not commits:
        return {}
    out = versions._git("log", "--no-walk=unsorted", "--stdin",
                        f"--format=%H%x01%(trailers:key={TRAILER},valueonly,separator=%x20)%x02",
                        stdin="".join(f"{c}\n" for c in commits).encode()) or b""
    found = {}
    for record in out.decode("utf-8", "replace").split("\x02"):
        if "\x01" in record:
            full, reason = record.strip("\n").split("\x01", 1)
            found[full] = " ".join(reason.split()) or None
    return {c: found.get(c) for c in commits}


def _decode(blob: bytes | None) -> str:
    return "" if blob is None else blob.decode("utf-8", "replace")


def compute(docs: dict, inputs: dict[str, list[str]], figures: dict[str, list[str]],
            released: dict[str, str | None], labels: dict[str, str] | None = None) -> dict[str, dict]:
    """Document name -> its entry of revisions.json (see the module's docstring).

    `docs`: name -> Document; `inputs`: versions.inputs per document; `figures`: the figures each
    shows; `released`: release_days; `labels`: a prefix for the section titles of each source, used
    where a document has several (the full notes: "Chapter 2, Weak duality").
    """
    labels = labels or {}
    empty = {name: {"released": released.get(name), "as_released": None, "last_revised": None,
                    "changes_pdf": None, "revisions": []} for name in docs}
    head, _ = versions._status()
    if head is None:  # no git, or no commit yet
        return empty
    commits = versions._history()  # newest first
    syllabus_commits = [c[0] for c in commits if versions.SYLLABUS in c[4]]
    wanted: dict[str, list] = {}  # name -> (commit, checks) for each candidate revision
    specs: set[str] = set()
    bases: dict[str, tuple] = {}
    for name, doc in docs.items():
        day = released.get(name)
        if day is None:
            continue
        base = max((c for c in commits if c[3] <= day), key=lambda c: c[2], default=None)
        if base is None:
            continue
        bases[name] = base
        sources = [paths.rel(s) for s in doc.sources]
        prefixes = {src: f"{labels[src]}, " for src in sources if src in labels and len(sources) > 1}
        figure_files = {f: [x for x in inputs[name] if x.startswith((f"figgen/{f}.py", f"figures/data/{f}."))]
                        for f in figures.get(name, [])}
        relevant = set(sources) | {x for xs in figure_files.values() for x in xs} | {versions.SYLLABUS}
        for c in commits:
            if c[3] > day and c[4] & relevant:
                wanted.setdefault(name, []).append((c, sources, figure_files, prefixes))
                for f in c[4] & (set(sources) | {x for xs in figure_files.values() for x in xs if x.endswith(".py")}):
                    specs |= {f"{c[0]}:{f}", f"{c[0]}^:{f}"}
    texts = versions.blobs(sorted(specs))
    syllabus = versions._syllabus_changes([c for c in syllabus_commits if any(
        c == w[0][0] for ws in wanted.values() for w in ws)])
    found = dict(empty)
    reasons = _trailers(sorted({w[0][0] for ws in wanted.values() for w in ws}))
    for name, base in bases.items():
        doc = docs[name]
        revisions = []
        for c, sources, figure_files, prefixes in reversed(wanted.get(name, [])):  # oldest first
            full, short, _, date, changed = c
            titles, shown = [], []
            for src in sources:
                if src not in changed:
                    continue
                old, new = (normalise(_decode(texts[f"{rev}:{src}"]), doc.kind == "homework")
                            for rev in (f"{full}^", full))
                if old != new:
                    titles += [prefixes.get(src, "") + t for t in changed_sections(old, new)]
            for figure, files in figure_files.items():
                data = any(f in changed for f in files if not f.endswith(".py"))
                code = any(f in changed and code_key(texts[f"{full}^:{f}"]) != code_key(texts[f"{full}:{f}"])
                           for f in files if f.endswith(".py"))
                if data or code:
                    shown.append(figure)
                    for src in sources:
                        current = paths.ROOT / src
                        text = normalise(current.read_text(errors="replace")) if current.is_file() else ""
                        titles += [prefixes.get(src, "") + t for t in _figure_sections(text, figure)]
            by_syllabus = versions.SYLLABUS in changed and (syllabus.get(full) is None or name in syllabus[full])
            if not (titles or shown or by_syllabus):
                continue  # a comment-only or whitespace-only edit, or one to another document
            revisions.append({"date": date, "commit": short, "sections": list(dict.fromkeys(titles)),
                              "figures": shown, "syllabus": by_syllabus, "reason": reasons.get(full)})
        found[name] = {**empty[name], "as_released": base[1],
                       "last_revised": revisions[-1]["date"] if revisions else None,
                       "changes_pdf": paths.changes_pdf(name).relative_to(paths.DIST).as_posix() if revisions else None,
                       "revisions": revisions, "_base": base[0]}
    return found


def state() -> str:
    """What the revisions are computed from besides the task's arguments: HEAD, the syllabus, the
    release settings and this code."""
    head = versions._git("rev-parse", "HEAD") or b"no git"
    digest = hashlib.sha256(head)
    for f in (paths.SYLLABUS, Path(__file__), Path(versions.__file__)):
        digest.update(b"\0" + (f.read_bytes() if f.is_file() else b""))
    for var in ("COURSE_DATE", "COURSE_PREVIEW"):
        digest.update(b"\0" + os.environ.get(var, "").encode())
    from coursebuild.release import decision_date

    digest.update(decision_date().isoformat().encode())
    return digest.hexdigest()


def is_current(target: Path = paths.REVISIONS) -> bool:
    try:
        return json.loads(target.read_text())["key"] == state()
    except (OSError, ValueError, KeyError):
        return False


def write(inputs: dict[str, list[str]], figures: dict[str, list[str]]) -> dict[str, dict]:
    """build/revisions.json, and each build/changes/NAME.base whose text changed."""
    from coursebuild.documents import documents
    from coursebuild.syllabus import load

    key = state()
    s = load(paths.SYLLABUS)
    docs = {d.name: d for d in documents(s)}
    labels = {paths.rel(paths.chapter_source(c.id)): f"Chapter {c.number}" for c in s.chapters}
    found = compute(docs, inputs, figures, release_days(s), labels)
    for name, entry in found.items():
        base = entry.pop("_base", None)
        text = f"{base} {entry['released']}\n" if entry["revisions"] else ""
        atomic.write_text_if_changed(paths.changes_base(name), text)
    atomic.write_text(paths.REVISIONS, json.dumps({"key": key, "documents": found}, indent=1, sort_keys=True) + "\n")
    return found


def load_revisions(target: Path = paths.REVISIONS) -> dict[str, dict]:
    """revisions.json's documents, {} where it was not written (the page then shows none)."""
    try:
        return json.loads(target.read_text())["documents"]
    except (OSError, ValueError, KeyError):
        return {}


# --- The "what changed" PDF ----------------------------------------------------------------------

_BEGIN_DOCUMENT = "\n\\begin{document}"
# Deleted text small and red, added text sans-serif and blue: latexdiff's markup that needs no
# package beyond color (its default strikes out with ulem, which the TeX Live subset lacks).
MARKUP = ["--type=CFONT"]


def latexdiff_preamble() -> str:
    """latexdiff's macros (\\DIFadd, \\DIFdel and the rest), as it would add them to a preamble."""
    empty = paths.BUILD_CHANGES / "empty.tex"
    atomic.write_text_if_changed(empty, "")
    out = subprocess.run(["latexdiff", *MARKUP, "--show-preamble", str(empty), str(empty)], capture_output=True,
                         text=True, check=True).stdout
    return "".join(line + "\n" for line in out.splitlines() if line.rstrip().endswith("%DIF PREAMBLE"))


def _latexdiff(old: Path, new: Path, options: list[str]) -> str:
    proc = subprocess.run(["latexdiff", "--encoding=utf8", *MARKUP, *options, str(old), str(new)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"latexdiff {paths.rel(new)} failed: {proc.stderr.strip()[-500:]}")
    return proc.stdout


# Markup that compiles wherever the finer one does not: latexdiff's own advice for math.
_FALLBACKS = ([], ["--math-markup=whole"], ["--math-markup=off"])


def write_changes(name: str, tex: str, sources: list[str], pdf: str) -> str | None:
    """dist/changes/NAME-changes.pdf from build/changes/NAME.base; an error message, or None.
    A document that is not revised has none (any old one is removed)."""
    from coursebuild.latex import LatexError, latexmk
    from coursebuild.render import long_date

    import datetime as dt

    base = paths.changes_base(name).read_text().split() if paths.changes_base(name).is_file() else []
    if not base:
        Path(pdf).unlink(missing_ok=True)
        return None
    commit, released = base
    work = paths.BUILD_CHANGES / name
    shutil.rmtree(work, ignore_errors=True)
    old_texts = versions.blobs([f"{commit}:{paths.rel(s)}" for s in sources])
    wrapper = Path(tex).read_text()
    preamble = latexdiff_preamble()
    said = (f"What changed since the version released on {long_date(dt.date.fromisoformat(released))} "
            f"({commit[:7]}): \\DIFdel{{deleted}}, \\DIFadd{{added}}")
    error = None
    for options in _FALLBACKS:
        text = wrapper
        for src in sources:
            relpath = paths.rel(src)
            old = work / "old" / relpath
            old.parent.mkdir(parents=True, exist_ok=True)
            old.write_bytes(old_texts[f"{commit}:{relpath}"] or b"")
            diffed = work / "diff" / relpath
            diffed.parent.mkdir(parents=True, exist_ok=True)
            diffed.write_text(_latexdiff(old, Path(src), options))
            use = f"\\input{{{relpath.removesuffix('.tex')}}}"
            if use not in text:
                return f"{name}: its wrapper {paths.rel(tex)} does not say {use}"
            text = text.replace(use, f"\\input{{{paths.rel(diffed).removesuffix('.tex')}}}")
        # What this PDF is, where the document says its version: not the version file, so that a
        # new version alone (no new revision) does not rebuild it.
        version = f"\\input{{{paths.version_file(name).name}}}"
        if version not in text:
            return f"{name}: its wrapper {paths.rel(tex)} does not say {version}"
        from urllib.parse import quote

        query = quote(said).replace("%", "\\%")  # as coursebuild/versions.py writes it
        text = text.replace(version, f"\\newcommand{{\\courseversion}}{{{said}}}"
                                     f"\\newcommand{{\\courseversionquery}}{{{query}}}")
        head, sep, rest = text.partition(_BEGIN_DOCUMENT)
        if not sep:
            return f"{name}: no \\begin{{document}} in {paths.rel(tex)}"
        text = f"{head}\n% latexdiff's macros (coursebuild/revisions.py)\n{preamble}{sep}{rest}"
        diff_tex = work / f"{name}-changes.tex"
        diff_tex.write_text(text)
        try:
            built = latexmk(diff_tex, work / "latex", f"{name}-changes", paths.FORMAT)
        except LatexError as exc:
            if exc.problems and not exc.stale_state and (work / "latex" / f"{name}-changes.pdf").is_file():
                # A reference in deleted text to a label that is gone: "??" in a changes PDF is fine.
                built = work / "latex" / f"{name}-changes.pdf"
            else:
                error = str(exc)
                continue
        atomic.copy_file(built, pdf, staging=paths.STAGING)
        return None
    return error


def changes_current(name: str) -> bool:
    """Whether dist/ has a changes PDF exactly when the document is revised (the file dependencies
    say the rest): a deleted PDF is made again, a stale one removed."""
    base = paths.changes_base(name)
    revised = base.is_file() and bool(base.read_text().strip())
    return paths.changes_pdf(name).is_file() == revised
