"""Shared fixtures: the project's root, and a built copy of the whole course for end-to-end tests."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def project_files(root: Path = ROOT) -> list[str]:
    """Tracked and untracked-but-not-ignored files: what a fresh clone plus local edits holds."""
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=root, capture_output=True,
                         text=True, check=True).stdout.split("\n")
    return [f for f in out if f and (root / f).is_file()]


def copy_project(dest: Path) -> Path:
    for rel in project_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    return dest


# Fixtures whose first use builds a course (a clean build of seconds of CPU), shared by every test
# process of the run (built_once): the other processes wait for that build.
SHARED_BUILDS = ("fixture_course", "elsewhere_course", "built_course")
# Fixtures that give a test a private copy of the built fixture course, to edit and build again.
PRIVATE_COPIES = ("fixture_copy", "fixture_copy_html")


def _file_order(files: dict[str, list]) -> list[str]:
    """The order the xdist workers take the test files in (`--dist loadfile`: the next file goes to
    the worker that is free): the heavy ones first, so that the cheap ones even out the end of the run.

    1. the first file that asks for the fixture course, so that one worker builds it at once;
    2. the heavy files (slow-marked, or on a course build) that do not ask for it: the other worker
       runs them meanwhile instead of waiting for that build;
    3. the other heavy files;
    4. the rest, quick unit tests, in the order of collection.
    Within 2 and 3, the files with the most builds of their own first (own_builds).
    """
    def needs_any(item, names):
        return any(name in getattr(item, "fixturenames", ()) for name in names)

    def needs(path, names):
        return any(needs_any(item, names) for item in files[path])

    def heavy(path):
        return needs(path, SHARED_BUILDS) or any(item.get_closest_marker("slow") for item in files[path])

    def own_builds(path):
        """Its tests that build on a private copy, or build or compute on their own (slow, and on
        no shared build): what most of a heavy file's time goes to."""
        return sum(bool(set(getattr(item, "fixturenames", ())) & set(PRIVATE_COPIES))
                   or (item.get_closest_marker("slow") is not None and not needs_any(item, SHARED_BUILDS))
                   for item in files[path])

    first = next((f for f in files if needs(f, ("fixture_course",))), None)
    rank = {f: (0 if f == first else 1 if heavy(f) and not needs(f, ("fixture_course",))
                else 2 if heavy(f) else 3) for f in files}
    # Stable: collection order among equals.
    return sorted(files, key=lambda f: (rank[f], -own_builds(f) if rank[f] < 3 else 0))


def pytest_collection_modifyitems(config, items):
    """The test files in _file_order, which `./doit test` keeps (--no-loadscope-reorder): xdist's
    own order, by number of tests, put the costliest files (a test or two each) last, one worker
    finishing alone. (A file at a time, not xdist_group's groups: with pytest 9, xdist 3.8 can no
    longer mark a test's group, so --dist loadgroup hands out single tests.)"""
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)
    items[:] = [item for path in _file_order(files) for item in files[path]]


_QUICK: dict = {}
# The folder that the test processes of this run share (set by the session fixture below).
_RUN_TEMP: list[Path] = []


def run_temp(tmp_path_factory) -> Path:
    """The temporary folder of this pytest run, the same for all of its xdist workers."""
    return tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") \
        else tmp_path_factory.getbasetemp()


@pytest.fixture(scope="session", autouse=True)
def _shared_run_temp(tmp_path_factory):
    _RUN_TEMP[:] = [run_temp(tmp_path_factory)]


def _run_quick_data(name: str):
    """A figure's quick-mode data computed once per test run, whatever the number of workers.

    The first process to need it computes it under a lock and saves it, with its hash, in the run's
    shared folder (figgen's own store, laid out as figures/data); the others wait for it and read it.
    Every course test file that reads a figure computed it itself before: some 28 s of CPU per
    process for the figures drawn from committed full-mode data, which the build does not compute.
    """
    import fcntl

    from figgen.core import status, store
    from figgen.core.runner import run_compute

    if not _RUN_TEMP:  # outside a test session
        return run_compute(name, "quick", device="cpu")
    directory = _RUN_TEMP[0] / "quick-data"
    directory.mkdir(exist_ok=True)
    with open(directory / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not status.is_current(name, "quick", directory):
            store.save(name, "quick", *run_compute(name, "quick", device="cpu"), directory)
    return store.load(name, "quick", directory)


def quick_data(name: str):
    """(arrays, meta) of a figure in quick mode, once per test run.

    The build's own quick-mode data when it is current with the code (its recorded hash says so):
    what the PDFs are drawn from, and what the determinism test then recomputes and compares;
    otherwise computed on the CPU once for all the run's processes (_run_quick_data). Each caller
    gets its own copy of the arrays.
    """
    from figgen.core import status, store

    if name not in _QUICK:
        _QUICK[name] = store.load(name, "quick") if status.is_current(name, "quick") else _run_quick_data(name)
    import copy

    return copy.deepcopy(_QUICK[name])


def figure_determinism_test(*names: str):
    """The test, for a chapter's test file, that a second quick run of each of its figures gives
    exactly the arrays its checks used (same mode and seed, identical data). Kept beside the
    chapter's checks so that each figure is computed in one test process, whatever runs in parallel.
    """
    @pytest.mark.slow  # a second run of every figure
    @pytest.mark.parametrize("name", names)
    def test_quick_mode_is_deterministic(name):
        import numpy as np

        from figgen.core import runner

        first, meta = quick_data(name)  # the run the chapter's own checks use
        second, _ = runner.run_compute(name, "quick", device="cpu")
        assert first.keys() == second.keys() and first
        for key in first:
            a, b = np.asarray(first[key]), np.asarray(second[key])
            assert a.shape == b.shape and a.dtype == b.dtype, key
            assert np.array_equal(a, b, equal_nan=False), f"{name}: data[{key!r}] differs between two runs"
        assert meta["mode"] == "quick" and meta["seed"] is not None

    return test_quick_mode_is_deterministic


def committed_full_data(name: str):
    """(arrays, meta) of a figure's committed full-mode data, so that theory checks also run on it.

    test_figgen_core checks separately that this data is current with the code; here it is read as
    it is, so that a theory check fails on what the PDFs actually show.
    """
    from figgen.core import store

    return store.load(name, "full")


def claim_modes(name: str) -> list[str]:
    """The data sets a figure's claims are checked on: quick always, full where its data is
    committed (the PDFs then show it)."""
    from figgen.core.paths import data_paths

    return ["quick", "full"] if all(p.is_file() for p in data_paths(name, "full")) else ["quick"]


def claim_data(name: str, mode: str):
    """(data, cfg) of a figure in a mode: a private copy, which a perturbation may edit in place."""
    import copy

    data, meta = quick_data(name) if mode == "quick" else committed_full_data(name)
    return copy.deepcopy(dict(data)), copy.deepcopy(meta["config"])


def claim_verdicts(name: str, data: dict, cfg: dict) -> dict:
    """Every claim the module declares, evaluated as the build evaluates it."""
    import importlib

    from figgen.core.claims import evaluate

    module = importlib.import_module(f"figgen.{name}")
    return evaluate(name, module, module.CLAIMS, data, cfg)


def claims_tests(table: dict):
    """The three tests, for a chapter's test file, of the claims its figure modules declare.

    table maps figure -> {claim: perturbation}: a perturbation makes the data wrong in the way that
    claim guards against. It is called as perturb(data, cfg), or perturb(data, cfg, monkeypatch)
    when it takes three arguments (to replace a theory function the claim calls), on a private copy
    of the data, and returns the wrong data or a pair (wrong data, wrong cfg). The tests: the table
    names a perturbation for every declared claim; every claim holds on each data set of
    claim_modes(); each claim fails on its own perturbation of the quick-mode data, which every
    checkout has (a claim that cannot fail checks nothing; that it holds on the unperturbed data is
    the second test). A module assigns the three names the tuple returns.
    """
    import inspect

    from figgen.core.hashing import read_alt_claims, read_claims

    datasets = [(name, mode) for name in table for mode in claim_modes(name)]
    # Once per claim: the full-mode evaluations of some figures take seconds each.
    cases = [(name, claim, "quick") for name, claims in table.items() for claim in claims]

    @pytest.mark.parametrize("name", list(table))
    def test_table_names_every_declared_claim(name):
        assert set(table[name]) == set(read_claims(name))
        assert set(read_alt_claims(name)) <= set(read_claims(name))

    @pytest.mark.parametrize("name, mode", datasets, ids=[f"{n}-{m}" for n, m in datasets])
    def test_claims_hold_on_the_data(name, mode):
        verdicts = claim_verdicts(name, *claim_data(name, mode))
        failing = {k: (v.measured, v.claimed) for k, v in verdicts.items() if not v.holds}
        assert failing == {}, f"{mode}-mode data: {failing}"

    @pytest.mark.parametrize("name, claim, mode", cases, ids=[f"{n}-{c}-{m}" for n, c, m in cases])
    def test_claim_fails_on_its_perturbation(name, claim, mode, monkeypatch):
        data, cfg = claim_data(name, mode)
        perturb = table[name][claim]
        extra = (monkeypatch,) if len(inspect.signature(perturb).parameters) == 3 else ()
        wrong = perturb(data, cfg, *extra)
        wrong, wrong_cfg = wrong if isinstance(wrong, tuple) else (wrong, cfg)
        verdict = claim_verdicts(name, wrong, wrong_cfg)[claim]
        assert not verdict.holds, f"{name}/{claim} still holds on perturbed {mode}-mode data: {verdict.measured}"

    return test_table_names_every_declared_claim, test_claims_hold_on_the_data, test_claim_fails_on_its_perturbation


def build_task(doc) -> str:
    """The doit task that builds a document's PDF."""
    if doc.kind in ("notes", "checklist"):
        return doc.kind
    if doc.kind == "chapter":
        return f"chapter:{doc.name}"
    return f"{doc.kind}:{doc.params['homework']}"


class Course:
    """A copy of the project in a temporary directory, with helpers to run doit in it."""

    def __init__(self, root: Path, day: str | None = None, html: bool = True):
        self.root = root
        self.failures: dict[str, str] = {}  # doit task -> message, of a build that went on past them
        self.day = day  # the day release dates are judged on (COURSE_DATE), when fixed
        self.html = html  # False: its builds leave the HTML edition out (html=no), unless a test says html=

    def doit(self, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        if not self.html and not any(a.startswith("html=") for a in args):
            args = (*args, "html=no")
        full_env = {**os.environ, **({"COURSE_DATE": self.day} if self.day else {}), **(env or {})}
        full_env.pop("FIGGEN_MODE", None) if env is None or "FIGGEN_MODE" not in env else None
        # The forge's variables would give the fixture a repository (coursebuild/forge.py) when the
        # tests run in the publishing workflow: a test that wants them passes them.
        for var in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY"):
            full_env.pop(var, None) if var not in (env or {}) else None
        proc = subprocess.run([str(ROOT / ".venv" / "bin" / "doit"), *args], cwd=self.root, capture_output=True,
                              text=True, env=full_env, timeout=1800)
        if check and proc.returncode != 0:
            raise AssertionError(f"doit {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc

    def ran(self, *args: str) -> set[str]:
        """Run doit with the JSON reporter and return the names of the tasks that executed."""
        proc = self.doit("--reporter=json", *args)
        report = json.loads(proc.stdout[proc.stdout.index("{"):])
        names = {t["name"] for t in report["tasks"] if t["result"] not in ("up-to-date", "ignore")}
        # A group task ("chapter") is reported as run whenever doit looks at it; only real work counts.
        groups = {n.split(":")[0] for n in (t["name"] for t in report["tasks"]) if ":" in n}
        return names - groups

    def syllabus(self):
        from coursebuild.syllabus import load

        return load(self.root / "syllabus.yaml")

    def documents(self) -> list:
        """The course's documents as its build decides them (release dates judged on its day)."""
        from coursebuild.documents import documents

        saved = os.environ.get("COURSE_DATE")
        if self.day:
            os.environ["COURSE_DATE"] = self.day
        try:
            return documents(self.syllabus())
        finally:
            if self.day:
                os.environ.pop("COURSE_DATE") if saved is None else os.environ.__setitem__("COURSE_DATE", saved)

    def _waits_on(self, task: str) -> list[str]:
        """The failed tasks a task waited on, when it did not run for that reason (doit's
        UnmetDependency, whose message is their names), else []."""
        words = self.failures[task].split()
        return words if words and all(w in self.failures for w in words) else []

    def _broken_by(self, doc) -> list[str]:
        """The failed tasks that leave this document unbuilt: its PDF's task, whatever the reason,
        and any other task of its own that failed itself. (Its renumbering or changes PDF not
        run because another document failed leaves its PDF as it was: that document's checks say so.)"""
        own = [t for t in self.failures if t == build_task(doc) or t.split(":", 1)[-1] == doc.name]
        return [t for t in own if t == build_task(doc) or not self._waits_on(t)]

    def require(self, doc) -> None:
        """Fail with the build's own message when the build did not make this document; a task
        that did not run because another failed says why that one failed."""
        todo, seen, lines = self._broken_by(doc), set(), []
        while todo:
            task = todo.pop(0)
            if task in seen:
                continue
            seen.add(task)
            waits_on = self._waits_on(task)
            lines.append(f"{task}: not run, since {', '.join(waits_on)} failed" if waits_on
                         else f"{task}: {self.failures[task]}")
            todo += waits_on
        if lines:
            raise AssertionError(f"{doc.name} did not build:\n" + "\n".join(lines))

    def require_html(self) -> None:
        """Skip a check of the built pages when the build was told to leave them out (`./doit
        html=no test`, the faster loop while writing): there are none to check."""
        if not self.html:
            pytest.skip("./doit html=no: this build leaves the HTML edition out")

    def failed(self) -> set[str]:
        """Names of the documents some task of which failed in the build."""
        return {d.name for d in self.documents() if self._broken_by(d)}

    def pdf_text(self, rel: str) -> str:
        return subprocess.run(["pdftotext", "-layout", str(self.root / rel), "-"], capture_output=True,
                              text=True, check=True).stdout


def output_checksums(root: Path) -> dict[str, str]:
    """sha256 of every PDF, page, calendar and figure in dist/ and every figure PDF: what must be reproducible."""
    import hashlib

    files = [*sorted((root / "dist").rglob("*")), *sorted((root / "figures").glob("*.pdf"))]
    return {str(f.relative_to(root)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in files if f.is_file() and f.suffix in (".pdf", ".html", ".css", ".svg", ".ics")}


def is_course_file(rel: str) -> bool:
    """Whether a file of the repository belongs to the course rather than to the engine: what an
    instructor replaces with his own course (docs/authoring.md, "Bringing existing notes")."""
    figure_module = rel.startswith("figgen/") and rel.count("/") == 1 and rel not in ("figgen/__init__.py",
                                                                                     "figgen/__main__.py")
    return rel == "syllabus.yaml" or figure_module or rel.startswith(("notes/", "figgen/lib/", "figures/", "tests/course/"))


# The one figure the fixture course shows (its own module, tests/fixture_course/figgen/): cheap
# (under a second) and with a seed to edit.
FIXTURE_FIGURE = "wendel_halfplane"
FIXTURE_SOURCES = ROOT / "tests" / "fixture_course"
# Every build of the fixture course judges release dates on this day (after all of its own), so
# that the page, which states the day, is the same whenever a test runs, midnight included.
FIXTURE_DAY = "2026-06-01"


def fixture_syllabus(dest: Path, text: str) -> Path:
    """`text` as the syllabus.yaml of a folder that holds the fixture course's notes/, so that the
    files it names exist: for tests of the loader on edited copies of the fixture's syllabus."""
    if not (dest / "notes").exists():
        shutil.copytree(FIXTURE_SOURCES / "notes", dest / "notes")
    path = dest / "syllabus.yaml"
    path.write_text(text)
    return path


def make_course(dest: Path, sources: Path) -> Path:
    """This repository with its course replaced by another (a folder laid out as the course is:
    syllabus.yaml, notes/, figgen/, tests/course/), in `dest`: the engine as it is, nothing of this course."""
    for rel in project_files():
        if not is_course_file(rel):
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, target)
    shutil.copytree(sources, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md", "__pycache__"))
    (dest / ".venv").symlink_to(ROOT / ".venv")
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    return dest


def make_fixture_course(dest: Path) -> Path:
    """The engine with the fixture course's sources (tests/fixture_course/), in `dest`."""
    return make_course(dest, FIXTURE_SOURCES)


ELSEWHERE_SOURCES = ROOT / "tests" / "fixture_elsewhere"


def built_once(tmp_path_factory, name: str, sources: Path) -> Course:
    """One clean build of a fixture course (this repository with its course replaced by `sources`),
    shared by the tests that only read it.

    Under pytest-xdist the workers share it too: the first to get the lock builds it in the run's
    common temporary directory, the others wait and read it. `initial` keeps the checksums of that
    clean build for the reproducibility test.
    """
    import fcntl

    shared = run_temp(tmp_path_factory)
    root, done = shared / name, shared / f"{name}.built"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.is_file():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            Course(make_course(root, sources), FIXTURE_DAY).doit()
            done.write_text(json.dumps(output_checksums(root)))
    course = Course(root, FIXTURE_DAY)
    course.initial = json.loads(done.read_text())
    return course


@pytest.fixture(scope="session")
def fixture_course(tmp_path_factory) -> Course:
    """The fixture course (tests/fixture_course/), built once."""
    return built_once(tmp_path_factory, "fixture-course", FIXTURE_SOURCES)


@pytest.fixture(scope="session")
def elsewhere_course(tmp_path_factory) -> Course:
    """The second fixture course, notes from elsewhere (tests/fixture_elsewhere/), built once."""
    return built_once(tmp_path_factory, "elsewhere-course", ELSEWHERE_SOURCES)


def copy_course(course: Course, dest: Path, html: bool) -> Course:
    shutil.copytree(course.root, dest, symlinks=True)
    return Course(dest, FIXTURE_DAY, html)


@pytest.fixture
def fixture_copy(fixture_course, tmp_path) -> Course:
    """A private copy of the built fixture course, for tests that edit or break it.

    Task dependencies are recorded relative to the project, so the copy starts up to date. Its
    builds make the PDFs and the course page only (`html=no`): the HTML conversion adds seconds to
    every rebuild, and the tests of the HTML edition use `fixture_copy_html`.
    """
    return copy_course(fixture_course, tmp_path / "copy", html=False)


@pytest.fixture
def fixture_copy_html(fixture_course, tmp_path) -> Course:
    """The same, building the HTML edition too, as `./doit` does."""
    return copy_course(fixture_course, tmp_path / "copy", html=True)


@pytest.fixture(scope="session")
def built_course() -> Course:
    """The course in this checkout as `./doit` builds it, for the checks of what it holds.

    `./doit test` builds it before running the tests, past any task that fails, and names the
    failures in COURSE_BUILD_FAILURES (coursebuild/testrun.py), so here it is only read. Run by
    hand (`pytest`), the build is brought up to date first, the same way. A document's checks call
    `require` and fail with its build's message. Nothing may write into it: tests that edit or
    break a build use a fixture course.
    """
    from coursebuild.release import html_edition
    from coursebuild.testrun import failures

    course = Course(ROOT, html=html_edition())
    recorded = os.environ.get("COURSE_BUILD_FAILURES")
    if os.environ.get("COURSE_BUILT_BY_DOIT") and recorded and Path(recorded).is_file():
        course.failures = json.loads(Path(recorded).read_text())
    elif not os.environ.get("COURSE_BUILT_BY_DOIT"):
        proc = course.doit("--continue", check=False)
        course.failures = failures(proc.stdout + proc.stderr)
    return course


# A scripted git history in a fixture course (versions, revisions).
def git(root, *args, env=None) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})}).stdout.strip()


def commit(root, message: str, day: str) -> str:
    """Commit everything with a fixed date (no clock), as a fixed author; the short hash."""
    when = f"{day}T09:00:00+00:00"
    git(root, "add", "-A")
    git(root, "-c", "user.name=Fixture", "-c", "user.email=fixture@example.org", "-c", "commit.gpgsign=false",
        "commit", "-q", "-m", message,
        env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "TZ": "UTC"})
    return git(root, "rev-parse", "--short=7", "HEAD")
