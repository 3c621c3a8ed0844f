"""Running LaTeX: latexmk with pdflatex, non-interactive, halting on the first error, no shell escape.

On failure the log is boiled down to a few lines that name the source file under notes/ or
templates/ and its line. After the last pass, an undefined reference or citation, or a label
defined twice, is a failure too: each is named at the file and line LaTeX was reading.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from coursebuild import paths


class LatexError(Exception):
    """str() is the short summary printed to the user."""

    def __init__(self, summary: str, stale_state: bool = False, problems=()):
        super().__init__(summary)
        self.stale_state = stale_state  # the error came from an auxiliary file, not a source
        self.problems = list(problems)  # Problems: undefined references and citations, labels defined twice


_AUXILIARY = (".aux", ".toc", ".bbl", ".out", ".lof", ".lot", ".fls", ".fdb_latexmk")


def source_date_epoch() -> str:
    """The last commit's time, so that two builds of one commit are byte-identical."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=paths.ROOT, capture_output=True,
                             text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return "0"


def environment() -> dict:
    env = dict(os.environ)
    sep = os.pathsep
    env.update({
        # The engine's LaTeX before the course's, so that a course file named course.sty does not
        # replace it; a course's own files are found relative to the project or to notes/.
        "TEXINPUTS": sep.join([str(paths.BUILD_TEX), str(paths.PREAMBLE.parent), str(paths.ROOT),
                               str(paths.ENGINE_LATEX), str(paths.NOTES), str(paths.FIGURES), ""]),
        # syllabus.yaml names .bib files relative to the project (bibtex runs in the output directory).
        "BIBINPUTS": sep.join([str(paths.ROOT), str(paths.NOTES), ""]),
        "SOURCE_DATE_EPOCH": source_date_epoch(),
        "FORCE_SOURCE_DATE": "1",
        # TeX may write only below the current or output directory, and read no dot files nor
        # anything outside the search path given above.
        "openout_any": "p",
        "openin_any": "p",
        # One log line per message, so that messages can be read back reliably.
        "max_print_line": "10000",
        "shell_escape": "f",
    })
    return env


def latexmk(tex: Path, outdir: Path, jobname: str, fmt: Path | None = None) -> Path:
    """Compile `tex` into outdir/jobname.pdf; raise LatexError with a summary on failure.

    A build interrupted earlier (Ctrl-C, kill -9) can leave a truncated .aux or latexmk database
    behind that breaks the next run; so a failure with earlier state is retried once from an
    empty output directory before it is reported. `fmt` is the precompiled shared preamble
    (coursebuild/preamble.py); pdflatex then skips the wrapper's preamble up to \\endofdump.
    """
    try:
        return _latexmk(tex, outdir, jobname, fmt)
    except LatexError as exc:
        if not exc.stale_state:
            raise
        shutil.rmtree(outdir, ignore_errors=True)
        return _latexmk(tex, outdir, jobname, fmt)


def _latexmk(tex: Path, outdir: Path, jobname: str, fmt: Path | None = None) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    # The format is found by name on TEXFORMATS: a -fmt with a directory in it would also name
    # pdflatex's recorder file, in a directory that does not exist.
    engine = [f"-pdflatex=pdflatex -fmt={fmt.stem} %O %S"] if fmt else []
    cmd = ["latexmk", "-pdf", *engine, "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           "-no-shell-escape", "-recorder", "-silent", f"-outdir={outdir}", f"-jobname={jobname}",
           # Relative to the project: openin_any=p refuses absolute paths given to TeX.
           os.path.relpath(tex, paths.ROOT)]
    env = environment()
    if fmt:
        env["TEXFORMATS"] = os.pathsep.join([os.path.relpath(fmt.parent, paths.ROOT), ""])
    proc = subprocess.run(cmd, cwd=paths.ROOT, env=env, capture_output=True, text=True,
                          errors="replace", timeout=900)
    log = outdir / f"{jobname}.log"
    log_text = log.read_text(errors="replace") if log.is_file() else ""
    if proc.returncode != 0:
        # latexmk reruns only for inputs it recorded: one that was missing when the run failed (a
        # figure not made yet) is not among them, so after a failure the next build starts afresh.
        (outdir / f"{jobname}.fdb_latexmk").unlink(missing_ok=True)
        match = _FILE_LINE.search(log_text)
        # (A .bbl that bibtex wrote before the course's preamble chose biblatex is earlier state too.)
        stale = (match is None or match["file"].endswith(_AUXILIARY) or "File ended while scanning" in log_text
                 or "not created by biblatex" in log_text)
        raise LatexError(summarise_failure(jobname, tex, log, log_text, proc.stdout + proc.stderr), stale)
    problems, files = read_log(log_text)
    if problems:
        raise LatexError(summarise_problems(jobname, tex, log, problems, files), problems=problems)
    return outdir / f"{jobname}.pdf"


_FILE_LINE = re.compile(r"^(?P<file>[^\s:][^:]*\.(?:tex|sty|cls|bbl|aux|j2)):(?P<line>\d+): (?P<msg>.*)$", re.M)


def _source_of(file: str, line: int, tex: Path) -> str:
    """Map a file seen in the log back to what the user edits."""
    path = (paths.ROOT / file).resolve() if not os.path.isabs(file) else Path(file)
    if path == tex.resolve():
        return f"{paths.rel(tex)}:{line} (rendered from templates/; see the template named in its first line)"
    return f"{paths.rel(path)}:{line}"


# A missing file stops LaTeX at a prompt, so the log gives no FILE:LINE for it: of the course's
# files that TeX opened before (read from the log), the last that loads it says where it was asked for.
_MISSING_FILE = re.compile(r"^(?:! |.*:\d+: )LaTeX Error: File `(?P<name>[^']+\.(?:sty|cls))' not found\.", re.M)
_OPENED = re.compile(r"\((?P<file>[^\s()]+\.(?:tex|sty|cls|cfg|def|ltx))")


def _asked_for(name: str, log_text: str) -> str:
    """FILE:LINE of the course's \\usepackage (or \\documentclass) that asked for `name`."""
    stem = re.escape(name.rsplit(".", 1)[0])
    asks = re.compile(r"\\(?:usepackage|RequirePackage|documentclass|LoadClass)\s*(?:\[[^\]]*\]\s*)?\{[^}]*?"
                      rf"(?<![\w-]){stem}(?![\w-])")
    opened = list(dict.fromkeys(reversed(_OPENED.findall(log_text))))  # the last opened first
    for file in opened:
        path = (paths.ROOT / file).resolve()
        if not path.is_relative_to(paths.ROOT) or not path.is_file():
            continue  # a package of TeX Live's
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if asks.search(re.sub(r"(?<!\\)%.*", "", line)):
                return f"{paths.rel(path)}:{number}"
    return "LaTeX"


def missing_package(log_text: str) -> str | None:
    """A package or class LaTeX could not find, as one line: where it was asked for, and what to install.

    The Debian package comes from apt-file's index where apt-file is installed; otherwise the
    TeX Live package that has the file, from the database texdoc ships with TeX Live (a Debian
    texlive-* package is a set of TeX Live packages, so its name follows from there).
    """
    match = _MISSING_FILE.search(log_text)
    if match is None:
        return None
    name = match["name"]
    where = _asked_for(name, log_text[:match.start()])
    what = f"{'class' if name.endswith('.cls') else 'package'} {name.rsplit('.', 1)[0]} ({name}) is not installed"
    debian = debian_packages_with(name)
    if debian:
        return (f"{where}: {what}; the Debian package {' or '.join(debian)} carries it: add it to "
                f"debian_packages: in syllabus.yaml, and ./doit installs it")
    texlive = texlive_packages_with(name)
    if texlive:
        return (f"{where}: {what}; it is in TeX Live's {', '.join(texlive)}: add the Debian package that carries it "
                f"(`apt-file search {name}`) to debian_packages: in syllabus.yaml, and ./doit installs it")
    return (f"{where}: {what}, and TeX Live has no file of that name: check its spelling, or put {name} "
            "beside the preamble file that loads it")


def debian_packages_with(name: str) -> list[str]:
    """The Debian packages with a TeX file of this name, from apt-file's index (none without apt-file)."""
    if not shutil.which("apt-file"):
        return []
    try:
        out = subprocess.run(["apt-file", "search", "--package-only", "--regexp", f"/{re.escape(name)}$"],
                             capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({p.strip() for p in out.split() if p.strip()}, key=lambda p: (not p.startswith("texlive-"), p))[:3]


def texlive_packages_with(name: str) -> list[str]:
    """TeX Live's packages with a file of this name, from texdoc's database of TeX Live (tlpdb)."""
    try:
        found = subprocess.run(["kpsewhich", "-format=texmfscripts", "texdoc/Data.tlpdb.lua"], capture_output=True,
                               text=True, timeout=30).stdout.strip()
        text = Path(found).read_text(errors="replace") if found else ""
    except (OSError, subprocess.SubprocessError):
        return []
    # The table of run files (by name without extension) -> the packages that have them.
    start, end = text.find("local tlp_from_runfile"), text.find("local tlp_doclist")
    table = text[start:end] if start >= 0 else ""
    entry = re.search(r'^\s*\["' + re.escape(name.rsplit(".", 1)[0]) + r'"\] = \{([^}]*)\}', table, re.M)
    return re.findall(r'\["([^"]+)"\]=true', entry[1]) if entry else []


def summarise_failure(jobname: str, tex: Path, log: Path, log_text: str, output: str) -> str:
    missing = missing_package(log_text)
    if missing:
        return f"LaTeX failed on {jobname}\n  {missing}\n  full log: {paths.rel(log)}"
    lines = [f"LaTeX failed on {jobname}"]
    match = _FILE_LINE.search(log_text)
    if match:
        lines.append(f"  {_source_of(match['file'], int(match['line']), tex)}: {match['msg'].strip()}")
        after = log_text[match.end():].splitlines()
        context = []
        for ln in after[:8]:
            if ln.startswith(("Here is how much", "!  ==>", "No pages of output")):
                break
            if ln.strip():
                context.append(ln)
        context = context[:4]
        lines += [f"    {ln.rstrip()}" for ln in context]
    else:
        bang = [ln for ln in log_text.splitlines() if ln.startswith("!")]
        if bang:
            lines.append(f"  {bang[0]}")
        else:
            tail = [ln for ln in output.splitlines() if ln.strip()][-5:]
            lines += [f"  {ln}" for ln in tail]
    bib = log.with_suffix(".blg")
    if bib.is_file():
        errors = [ln for ln in bib.read_text(errors="replace").splitlines() if "error" in ln.lower()][:2]
        lines += [f"  bibtex: {ln.strip()}" for ln in errors]
    lines.append(f"  full log: {paths.rel(log)}")
    return "\n".join(lines[:15])


# What LaTeX reports about references once the last pass is done (LaTeX quotes a key `so',
# biblatex 'so') (latexmk's earlier passes are
# in earlier logs, overwritten). Every package words it the kernel's way: a wrapper macro around
# \ref, \cref or \cite is reported like the command itself, at the line that used the wrapper
# (hyperref's \hyperref[label]{text}, a link with no number, says "Hyper reference").
_LOG_EVENTS = re.compile(
    # A box's text, the author's with its parentheses unbalanced, up to the blank line after it.
    r"^(?:Overfull|Underfull) \\[hv]box[^\n]*\n(?:(?!LaTeX |Package )[^\n]+\n)*"
    r"|(?P<warning>(?:Hyper )?(?P<kind>[Rr]eference|Citation) [`'](?P<key>[^'\n]+)' on page \S+ undefined"
    r" on input line (?P<line>\d+))"
    r"|(?P<twice>Label [`'](?P<label>[^'\n]+)' multiply defined)"
    r"|\((?P<file>[^\s()]*)|(?P<close>\))", re.M)


@dataclass(frozen=True)
class Problem:
    """An undefined reference or citation, or a label defined more than once, where LaTeX saw it."""
    kind: str              # reference | citation | label
    key: str
    file: str | None = None  # the file LaTeX was reading (from the log's file stack), as logged
    line: int | None = None


def _looks_like_file(token: str) -> bool:
    return "/" in token or bool(re.search(r"\.[A-Za-z0-9]+$", token))


def read_log(log_text: str) -> tuple[list[Problem], list[str]]:
    """(the problems LaTeX reported, every file it read) from a log.

    A warning says "on input line L" of whichever file TeX was reading: the innermost file the log
    had opened, with "(path" and closed with ")", at that point. Every "(" is pushed (most are not
    files) so that the parentheses of ordinary messages close themselves.
    """
    problems: list[Problem] = []
    stack: list[str | None] = []
    files: list[str] = []
    for m in _LOG_EVENTS.finditer(log_text):
        if m["file"] is not None:
            token = m["file"] if _looks_like_file(m["file"]) else None
            stack.append(token)
            if token and token not in files:
                files.append(token)
        elif m["close"]:
            if stack:
                stack.pop()
        elif m["warning"]:
            current = next((f for f in reversed(stack) if f), None)
            found = Problem(m["kind"].lower(), m["key"], current, int(m["line"]))
            if found not in problems:
                problems.append(found)
        elif m["twice"]:
            key = m["label"].removesuffix("@cref")  # cleveref's twin of every label
            if all(p.key != key or p.kind != "label" for p in problems):
                problems.append(Problem("label", key))
    return problems, files


_COMMENT = re.compile(r"(?<!\\)%.*")


def _label_definitions(key: str, files: list[str], tex: Path) -> list[str]:
    """Where the user's files say \\label{key}: LaTeX reports a label defined twice with no line."""
    pattern = re.compile(r"\\label\s*(?:\[[^\]]*\])?\s*\{\s*" + re.escape(key) + r"\s*\}")
    places = []
    for file in files:
        path = (paths.ROOT / file) if not os.path.isabs(file) else Path(file)
        if path.suffix != ".tex" or not path.is_file():
            continue
        inside = path.resolve()
        if not inside.is_relative_to(paths.ROOT) or (inside.is_relative_to(paths.BUILD) and inside != tex.resolve()):
            continue
        for number, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if pattern.search(_COMMENT.sub("", text)):
                places.append(_source_of(file, number, tex))
    return places


def describe(problem: Problem, files: list[str], tex: Path, jobname: str) -> list[str]:
    """One line per place: "file:line: what"."""
    if problem.kind == "label":
        places = _label_definitions(problem.key, files, tex)
        if len(places) < 2:  # a \label made by a macro, or a label the document was given
            return [f"{place}: label '{problem.key}' is defined more than once in {jobname} (another definition "
                    f"is made by a macro or given to the document)" for place in places] or \
                   [f"{jobname}: label '{problem.key}' is defined more than once (by macros; see the full log)"]
        return [f"{place}: label '{problem.key}' is defined more than once (also at "
                f"{', '.join(p for p in places if p != place)})" for place in places]
    where = _source_of(problem.file, problem.line, tex) if problem.file else f"{jobname}, input line {problem.line}"
    return [f"{where}: {problem.kind} '{problem.key}' is undefined"]


def summarise_problems(jobname: str, tex: Path, log: Path, problems: list[Problem], files: list[str]) -> str:
    """Every problem, each on its own line(s) with its place: one run shows them all."""
    undefined = sum(p.kind != "label" for p in problems)
    twice = len(problems) - undefined
    said = [f"{undefined} undefined reference(s) or citation(s)"] * bool(undefined) + \
           [f"{twice} label(s) defined more than once"] * bool(twice)
    lines = [f"LaTeX left {' and '.join(said)} in {jobname}"]
    for problem in problems:
        lines += [f"  {line}" for line in describe(problem, files, tex, jobname)]
    lines.append(f"  full log: {paths.rel(log)}")
    return "\n".join(lines)
