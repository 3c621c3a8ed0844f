"""The shared preamble, precompiled: a LaTeX format that every document loads instead of re-reading
course.sty, notation.tex and the packages they load (about 0.7 s of each 1 s chapter pass).

mylatexformat dumps everything a document reads before ``\\endofdump``; each wrapper starts with
``\\input{preamble}\\csname endofdump\\endcsname`` (templates/base.tex.j2), so with the format the
shared part is skipped and without it (latexmk by hand) the same file is read as usual.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from coursebuild import paths
from coursebuild.latex import LatexError, environment

# The format is built from this driver, which reads exactly what the wrappers share.
DRIVER = "\\input{preamble}\n\\csname endofdump\\endcsname\n"


def engine_inputs() -> list[str]:
    """Files whose change means another TeX Live: the engine and the pdflatex format it starts from."""
    found = []
    engine = shutil.which("pdftex")
    if engine:
        found.append(os.path.realpath(engine))
    try:
        out = subprocess.run(["kpsewhich", "-engine=pdftex", "pdflatex.fmt"], capture_output=True, text=True,
                             timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    if out:
        found.append(os.path.realpath(out))
    return found


def build_format(target: Path = paths.FORMAT) -> Path:
    """Dump the shared preamble into `target` (atomically: a reader never loads half a format)."""
    # Dumped in a directory of its own under the final name (the format records its name), then moved.
    workdir = target.parent / "partial"  # no dot: openin_any=p refuses to read dot files
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    job = target.stem
    driver = workdir / f"{job}-driver.tex"
    driver.write_text(DRIVER, encoding="utf-8")
    cmd = ["pdftex", "-ini", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           f"-jobname={job}", f"-output-directory={os.path.relpath(workdir, paths.ROOT)}",
           "&pdflatex", "mylatexformat.ltx", os.path.relpath(driver, paths.ROOT)]
    proc = subprocess.run(cmd, cwd=paths.ROOT, env=environment(), capture_output=True, text=True,
                          errors="replace", timeout=300)
    built = workdir / f"{job}.fmt"
    if proc.returncode != 0 or not built.is_file():
        log = workdir / f"{job}.log"
        errors = [ln for ln in (log.read_text(errors="replace") if log.is_file() else proc.stdout).splitlines()
                  if ln.startswith("!") or ".tex:" in ln or ".sty:" in ln][:5]
        raise LatexError("\n".join([f"LaTeX failed to precompile the shared preamble ({paths.rel(paths.PREAMBLE)})",
                                    *[f"  {ln}" for ln in errors], f"  full log: {paths.rel(log)}"]))
    os.replace(built, target)
    return target
