"""Each document's version: the date and short hash of the last commit that changed what it is
made from, printed in its header (or the full notes' title page) so that a student can tell two
downloads apart.

A document is made from its own sources, its template and the base template, the shared preamble
(the course's preamble files, course.sty and its template; a sheet's own preamble), the
bibliographies if it cites, and the module and committed
full-mode data of each figure it shows (`inputs`). The syllabus counts only through what it puts
into the document's wrapper: a commit that edits syllabus.yaml changes the version of exactly the
documents whose wrapper, rendered with the current templates from the syllabus at that commit and
at its parent, differs. That answer is cached per commit (build/versions-cache.json), so a new
commit costs one `git log`, and a build with nothing to do one `git status`.

The version comes from git, never from the clock, so two builds of one checkout are byte-identical.
Uncommitted changes to a document's inputs are said so ("with uncommitted changes"); a checkout
without git history says "unversioned".

The `versions` task writes build/tex/versions.json and, per document, build/tex/NAME-version.tex
(rewritten only when its text changes: only the documents whose version changed recompile).
Nothing here is imported but subprocess and json until the task runs.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from corelib import atomic
from coursebuild import paths

UNVERSIONED = "unversioned"
SYLLABUS = "syllabus.yaml"
CACHE = paths.BUILD / "versions-cache.json"
# Where the inputs of any document live: `git status` looks only here, so that untracked build
# outputs of a checkout without a .gitignore do not make the versions look stale.
WATCHED = ("notes", "templates", SYLLABUS, "figgen", ":(glob)figures/data/*.full.*")


def inputs(doc, figures: list[str], cites: bool, preamble=(), bibliography=(), images=()) -> list[str]:
    """The files (relative to the project) a document is made from, the syllabus apart: also the
    course's preamble files and, if it cites, its bibliographies (syllabus.yaml names both), and
    `images`, the images of the notes it includes (a replaced image is a new version)."""
    from figgen.core import paths as figpaths

    files = [*doc.sources, *doc.preamble, paths.TEMPLATES / "base.tex.j2", paths.TEMPLATES / doc.template,
             paths.COURSE_STY, paths.TEMPLATES / paths.PREAMBLE_TEMPLATE, *map(paths.course_file, preamble), *images]
    if cites:
        files += map(paths.course_file, bibliography)
    for name in figures:
        files += [figpaths.module_path(name), *figpaths.data_paths(name, "full")]
    return sorted({paths.rel(f) for f in files})


def _git(*args: str, stdin: bytes | None = None) -> bytes | None:
    """git's output in the project, or None where git is missing or fails (no repository)."""
    try:
        proc = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=paths.ROOT, input=stdin,
                              capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _porcelain() -> bytes | None:
    return _git("status", "--porcelain=v2", "--branch", "-z", "--untracked-files=normal", "--", *WATCHED)


def state() -> str:
    """HEAD and the working tree's status of the inputs: the versions are current while it holds.
    The syllabus's text is part of it, since which documents an uncommitted syllabus edit changes
    depends on the edit, not only on the file being modified."""
    out = _porcelain()
    if out is None:
        return "no git"
    syllabus = paths.SYLLABUS.read_bytes() if paths.SYLLABUS.is_file() else b""
    return hashlib.sha256(out + b"\0" + hashlib.sha256(syllabus).digest()).hexdigest()


def is_current(target: Path = paths.VERSIONS) -> bool:
    try:
        return json.loads(target.read_text())["state"] == state()
    except (OSError, ValueError, KeyError):
        return False


def _status() -> tuple[str | None, list[str]]:
    """(HEAD's hash or None before the first commit, paths that differ from HEAD or are untracked;
    an untracked directory is given with a trailing slash)."""
    out = _porcelain()
    if out is None:
        return None, []
    head, dirty = None, []
    fields = out.decode("utf-8", "replace").split("\0")
    i = 0
    while i < len(fields):
        entry = fields[i]
        if entry.startswith("# branch.oid "):
            oid = entry.split()[2]
            head = None if oid == "(initial)" else oid
        elif entry.startswith(("1 ", "u ")):
            dirty.append(entry.split(" ", 8 if entry[0] == "1" else 10)[-1])
        elif entry.startswith("2 "):
            dirty.append(entry.split(" ", 9)[-1])
            i += 1  # a rename is followed by the path it was renamed from
            dirty.append(fields[i])
        elif entry.startswith("? "):
            dirty.append(entry[2:])
        i += 1
    return head, dirty


def _is_dirty(path: str, dirty: list[str]) -> bool:
    return any(path == d or (d.endswith("/") and path.startswith(d)) for d in dirty)


def _history() -> list[tuple[str, str, int, str, set[str]]]:
    """(hash, short hash, commit time, commit date YYYY-MM-DD, paths it changed), newest first.

    Every commit of the history, side branches included (a merge itself shows no change): the
    plain log, without the path-limited simplification that would hide a merged branch's commit.
    """
    out = _git("log", "--name-only", "--abbrev=7", "--format=%x01%H %h %ct %cs")
    commits = []
    for block in (out or b"").decode("utf-8", "replace").split("\x01")[1:]:
        header, *files = block.split("\n")
        full, short, time, date = header.split()
        commits.append((full, short, int(time), date, {f for f in files if f}))
    return commits


def _code_key() -> str:
    """What the cached syllabus answers depend on besides the commits: the templates and the code
    that renders them."""
    digest = hashlib.sha256()
    for f in [*sorted(paths.TEMPLATES.glob("*.tex.j2")), *sorted((paths.ROOT / "coursebuild").glob("*.py"))]:
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def _wrappers(text: bytes | None) -> dict[str, str] | None:
    """Each document's wrapper rendered from a syllabus's text with the current templates; {} when
    there was no syllabus, None when it does not load with the current code (compared as "every
    document changed": a version bumped too often is harmless, one missed is wrong)."""
    import tempfile

    from coursebuild.documents import documents
    from coursebuild.release import ReleaseError
    from coursebuild.syllabus import SyllabusError, load
    from coursebuild.tex import render_document

    if text is None:
        return {}
    paths.BUILD.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=paths.BUILD) as tmp:
        path = Path(tmp) / SYLLABUS
        path.write_bytes(text)
        try:
            s = load(path, check_files=False)  # its files are those of its commit, not here
            return {d.name: render_document(d, s) for d in documents(s)}
        except (SyllabusError, ReleaseError, KeyError, ValueError, StopIteration):
            return None


def _changed(before: dict | None, after: dict | None) -> list[str] | None:
    """Documents whose wrapper differs (None: all of them)."""
    if before is None or after is None:
        return None
    return sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))


def blobs(specs: list[str]) -> dict[str, bytes | None]:
    """The contents of each `REV:PATH`, in one `git cat-file --batch` (None: no such file there)."""
    if not specs:
        return {}
    out = _git("cat-file", "--batch", stdin="".join(f"{spec}\n" for spec in specs).encode()) or b""
    found, pos = {}, 0
    for spec in specs:
        end = out.find(b"\n", pos)
        header = out[pos:end].split() if end >= 0 else []
        if len(header) == 3:  # "<oid> <type> <size>", then the contents
            size = int(header[2])
            found[spec] = out[end + 1:end + 1 + size] if header[1] == b"blob" else None
            pos = end + 1 + size + 1
        else:  # "<spec> missing": no such file at that commit (or no parent), or no git at all
            found[spec] = None
            pos = end + 1 if end >= 0 else pos
    return found


def _blobs(revisions: list[str]) -> dict[str, bytes | None]:
    """The contents of `REV:syllabus.yaml` for each revision."""
    found = blobs([f"{r}:{SYLLABUS}" for r in revisions])
    return {r: found[f"{r}:{SYLLABUS}"] for r in revisions}


def _syllabus_changes(commits: list[str]) -> dict[str, list[str] | None]:
    """For each commit that edited syllabus.yaml, the documents whose wrapper it changed, from the
    cache where known (the answer per commit never changes while the templates and code do not)."""
    key = _code_key()
    try:
        cache = json.loads(CACHE.read_text())
        known = cache["commits"] if cache.get("key") == key else {}
    except (OSError, ValueError, KeyError):
        known = {}
    todo = [c for c in commits if c not in known]
    if todo:
        texts = _blobs([rev for c in todo for rev in (c, f"{c}^")])
        rendered: dict[bytes | None, dict | None] = {}
        for text in texts.values():
            if text not in rendered:
                rendered[text] = _wrappers(text)
        for c in todo:
            known[c] = _changed(rendered[texts[f"{c}^"]], rendered[texts[c]])
        atomic.write_text(CACHE, json.dumps({"key": key, "commits": known}, indent=1, sort_keys=True))
    return {c: known[c] for c in commits}


def _uncommitted_syllabus_changes(head: str) -> list[str] | None:
    before = _wrappers(_blobs([head])[head])
    return _changed(before, _wrappers(paths.SYLLABUS.read_bytes() if paths.SYLLABUS.is_file() else None))


def compute(documents: dict[str, list[str]]) -> dict[str, dict]:
    """Document name -> {"date", "commit", "modified"} of its version, or {} where unversioned."""
    head, dirty = _status()
    if head is None:
        return {name: {} for name in documents}
    commits = _history()
    order = {c[0]: i for i, c in enumerate(commits)}
    by_path: dict[str, tuple] = {}  # path -> the newest commit that changed it
    for commit in commits:
        for f in commit[4]:
            if f not in by_path or commit[2] > by_path[f][2]:
                by_path[f] = commit
    touching_syllabus = [c for c in commits if SYLLABUS in c[4]]
    changes = _syllabus_changes([c[0] for c in touching_syllabus])
    syllabus_dirty = _uncommitted_syllabus_changes(head) if _is_dirty(SYLLABUS, dirty) else []
    versions = {}
    for name, files in documents.items():
        candidates = [by_path[f] for f in files if f in by_path]
        candidates += [c for c in touching_syllabus if changes[c[0]] is None or name in changes[c[0]]]
        if not candidates:
            versions[name] = {}
            continue
        # The newest by commit time; of two at the same second, the one the log shows first.
        newest = min(candidates, key=lambda c: (-c[2], order[c[0]]))
        modified = any(_is_dirty(f, dirty) for f in files) or syllabus_dirty is None or name in syllabus_dirty
        versions[name] = {"date": newest[3], "commit": newest[1], "modified": modified}
    return versions


def read() -> dict[str, dict]:
    """The versions the last `versions` task wrote (document name -> version; {} without one)."""
    try:
        return json.loads(paths.VERSIONS.read_text())["documents"]
    except (OSError, ValueError, KeyError):
        return {}


def text(version: dict) -> str:
    """How a document states its version (plain ASCII: a date, a hash and words)."""
    if not version:
        return UNVERSIONED
    said = f"version {version['date']} ({version['commit']})"
    return said + ", with uncommitted changes" if version["modified"] else said


def version_tex(version: dict) -> str:
    from urllib.parse import quote

    # \courseversionquery: the same, URL-encoded, for the report link's form (coursebuild/forge.py).
    query = quote(text(version)).replace("%", "\\%")
    return ("% Written by ./doit (coursebuild/versions.py) from git; do not edit.\n"
            f"\\newcommand{{\\courseversion}}{{{text(version)}}}\n"
            f"\\newcommand{{\\courseversionquery}}{{{query}}}\n")


def write(documents: dict[str, list[str]]) -> None:
    """build/tex/versions.json, and each NAME-version.tex whose text changed."""
    current = state()  # taken first: an edit made while this runs is seen by the next build
    versions = compute(documents)
    for name, version in versions.items():
        atomic.write_text_if_changed(paths.version_file(name), version_tex(version))
    atomic.write_text(paths.VERSIONS, json.dumps({"state": current, "documents": versions}, indent=1,
                                                 sort_keys=True) + "\n")
