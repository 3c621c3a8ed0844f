"""A pytest plugin that records the CPU time each test file costs, for bench/bench_tests.py.

CPU, not wall time: the machine is shared, and on a quiet 2-core machine the suite's wall time is
about the CPU of its busiest xdist worker. A test's CPU is its process's own (user + system) plus
that of the children it waited for (builds, LaTeX, the browser), from the start of its setup to
the end of its teardown: a session fixture is charged to the first test that asks for it.

Each process (the xdist controller and every worker) writes <TESTCPU_OUT>/<worker>.json:
{"files": {file: seconds}, "order": [file, ...] (as run), "total": seconds (the whole process,
collection and start included), "tests": {test: seconds}, costliest first}. Loaded with `-p testcpu` and bench/ on PYTHONPATH.
"""
from __future__ import annotations

import json
import os
import resource
from pathlib import Path

import pytest

_files: dict[str, float] = {}
_order: list[str] = []
_tests: dict[str, float] = {}


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    start = _cpu()
    yield
    spent = _cpu() - start
    path = item.nodeid.split("::")[0]
    if path not in _files:
        _order.append(path)
    _files[path] = _files.get(path, 0.0) + spent
    _tests[item.nodeid] = spent


def pytest_collection_modifyitems(config, items):
    """TESTCPU_SKIP_BUILT=1: leave out the checks of the real course's build (the built_course
    fixture), to measure the rest in a checkout where the course is not built."""
    if os.environ.get("TESTCPU_SKIP_BUILT"):
        kept = [i for i in items if "built_course" not in getattr(i, "fixturenames", ())]
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_sessionfinish(session):
    out = os.environ.get("TESTCPU_OUT")
    if not out or not _files:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / f"{worker}.json").write_text(json.dumps(
        {"files": {k: round(v, 2) for k, v in _files.items()}, "order": _order, "total": round(_cpu(), 2),
         "tests": {k: round(v, 2) for k, v in sorted(_tests.items(), key=lambda kv: -kv[1])}},
        indent=1))
