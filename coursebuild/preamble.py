"""The shared preamble, rendered and precompiled: a LaTeX format that every document loads instead of
re-reading the course's preamble files, course.sty and the packages they load (about 0.7 s of each
1 s chapter pass).

The preamble (build/fmt/course-preamble.tex) is rendered from templates/latex/preamble.tex.j2 with
the course's preamble files and bibliographies (syllabus.yaml: preamble, bibliography).
mylatexformat dumps everything a document reads before ``\\endofdump``; each wrapper starts with
``\\input{course-preamble}\\csname endofdump\\endcsname`` (templates/base.tex.j2), so with the
format the shared part is skipped and without it (latexmk by hand) the same file is read as usual.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from corelib import atomic
from coursebuild import paths
from coursebuild.latex import LatexError, environment, missing_package

# The format is built from this driver, which reads exactly what the wrappers share.
DRIVER = f"\\input{{{paths.PREAMBLE.stem}}}\n\\csname endofdump\\endcsname\n"


MANIFEST = paths.FORMAT.with_name("course.inputs.json")


def render(preamble: Sequence[str], bibliography: Sequence[str]) -> str:
    """The shared preamble's text: the course's files (paths relative to the project), then course.sty."""
    from coursebuild.render import render_latex

    return render_latex(paths.PREAMBLE_TEMPLATE, template_name=paths.PREAMBLE_TEMPLATE,
                        preamble=[latex_file(f) for f in preamble], bibliography=[latex_file(f) for f in bibliography])


def latex_file(name: str) -> dict:
    """A file the syllabus names, as templates print it: its path, folder and name without .bib.
    Printed as written (the syllabus loader allows no TeX special character in these names)."""
    from coursebuild.render import Raw

    folder = os.path.dirname(name)
    return {"path": Raw(name), "folder": Raw(f"{folder}/" if folder else ""),
            "stem": Raw(name[:-len(".bib")] if name.endswith(".bib") else name)}


def _settings(preamble: Sequence[str], bibliography: Sequence[str]) -> dict:
    """What the rendered preamble is made from besides files: recorded in the manifest."""
    return {"preamble": list(preamble), "bibliography": list(bibliography)}


def _engine() -> str | None:
    found = shutil.which("pdftex")
    return os.path.realpath(found) if found else None


def _kernel_files() -> list[str]:
    """What pdflatex.fmt, which the dump starts from, is made of: the LaTeX kernel and the list of
    hyphenation patterns (pdflatex.fmt itself is no input to compare: each re-dump stamps its date)."""
    try:
        out = subprocess.run(["kpsewhich", "latex.ltx", "language.dat"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [os.path.realpath(p) for p in out.split()]


def _read_during_dump(fls: Path) -> list[str]:
    """Every file the dump read (pdftex -recorder): the preamble and each package it loads."""
    found = []
    for line in fls.read_text(errors="replace").splitlines() if fls.is_file() else []:
        if line.startswith("INPUT "):
            path = os.path.realpath(os.path.join(paths.ROOT, line[6:]))
            # Not the driver (written anew by each dump) nor the format pdflatex.fmt.
            if (not path.endswith(".fmt") and os.path.isfile(path) and not paths.rel(path).startswith("build/")
                    and paths.rel(path) not in found):
                found.append(paths.rel(path))
    return found


def _sha256(path: str) -> str:
    import hashlib

    with open(paths.ROOT / path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _fingerprint(path: str) -> dict:
    st = os.stat(paths.ROOT / path)
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": _sha256(path)}


def is_current(preamble: Sequence[str], bibliography: Sequence[str], target: Path = paths.FORMAT,
               manifest: Path = MANIFEST) -> bool:
    """Whether the format was dumped from the files there now: the same engine, the same lists of
    the course's preamble files and bibliographies, and every file the dump read (the course's
    preamble files, course.sty, the template, the packages, the kernel) with the same content.

    Decided from the format's own manifest, not from doit's state, so that a format restored from
    a cache (the publishing workflow keeps build/fmt/) is reused. A file whose size and time are
    those recorded is not read again: a build with nothing to do only stats some hundred files.
    """
    try:
        recorded = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return False
    if not target.is_file() or not paths.PREAMBLE.is_file() or recorded.get("engine") != _engine():
        return False
    if recorded.get("settings") != _settings(preamble, bibliography):
        return False
    for path, was in recorded.get("files", {}).items():
        try:
            st = os.stat(paths.ROOT / path)  # recorded relative to the project where inside it
            if (st.st_size, st.st_mtime_ns) != (was["size"], was["mtime_ns"]) and _sha256(path) != was["sha256"]:
                return False
        except (OSError, KeyError, TypeError):
            return False
    return True


def build_format(preamble: Sequence[str], bibliography: Sequence[str], target: Path = paths.FORMAT) -> Path:
    """Render the shared preamble, then dump it into `target` (atomically: a reader never loads half
    a format). The rendered file stays: a wrapper compiled without the format reads it."""
    atomic.write_text_if_changed(paths.PREAMBLE, render(preamble, bibliography))
    # Dumped in a directory of its own under the final name (the format records its name), then moved.
    workdir = target.parent / "partial"  # no dot: openin_any=p refuses to read dot files
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    job = target.stem
    driver = workdir / f"{job}-driver.tex"
    driver.write_text(DRIVER, encoding="utf-8")
    cmd = ["pdftex", "-ini", "-recorder", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           f"-jobname={job}", f"-output-directory={os.path.relpath(workdir, paths.ROOT)}",
           "&pdflatex", "mylatexformat.ltx", os.path.relpath(driver, paths.ROOT)]
    proc = subprocess.run(cmd, cwd=paths.ROOT, env=environment(), capture_output=True, text=True,
                          errors="replace", timeout=300)
    built = workdir / f"{job}.fmt"
    if proc.returncode != 0 or not built.is_file():
        log = workdir / f"{job}.log"
        log_text = log.read_text(errors="replace") if log.is_file() else proc.stdout
        missing = missing_package(log_text)
        if missing:
            raise LatexError(f"{missing} (full log: {paths.rel(log)})")
        # Files as the user sees them: a course's preamble file relative to the project.
        errors = [ln.replace(f"{paths.ROOT}{os.sep}", "") for ln in log_text.splitlines()
                  if ln.startswith("!") or ".tex:" in ln or ".sty:" in ln][:5]
        raise LatexError("\n".join([f"LaTeX failed to precompile the shared preamble ({paths.rel(paths.PREAMBLE)}: "
                                    "the course's preamble files, then course.sty)",
                                    *[f"  {ln}" for ln in errors], f"  full log: {paths.rel(log)}"]))
    engine = _engine()
    read = _read_during_dump(workdir / f"{job}.fls")
    made_from = [paths.COURSE_STY, paths.TEMPLATES / paths.PREAMBLE_TEMPLATE, paths.PREAMBLE,
                 *map(paths.course_file, preamble)]
    files = {p: _fingerprint(p) for p in dict.fromkeys([*map(paths.rel, made_from), *read, *_kernel_files()])}
    manifest = target.with_name(MANIFEST.name)
    manifest.unlink(missing_ok=True)  # never a manifest that vouches for another format
    os.replace(built, target)
    atomic.write_text(manifest, json.dumps({"engine": engine, "settings": _settings(preamble, bibliography),
                                                 "files": files}, indent=1, sort_keys=True) + "\n")
    return target
