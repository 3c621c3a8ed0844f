"""`./doit test`: build what can be built, then run every test, whatever the build did.

The build runs as its own doit process with --continue, so that one document that fails to build
stops neither the others nor the tests. Its failures (task name -> doit's message) are written to
build/test-build.json; the tests of the built course read them, and a document's checks fail with
the message of the task that did not build it instead of reading a stale or missing file.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from corelib import atomic
from coursebuild import paths

FAILURES = paths.BUILD / "test-build.json"
# doit's summary of a task that failed (TaskFailed, TaskError, DependencyError, ...), then its
# message up to the next rule of hashes.
_FAILED = re.compile(r"^(\w+) - taskid:(\S+)\s*$")
_RULE = re.compile(r"^#{10,}\s*$")


def failures(output: str) -> dict[str, str]:
    """Task name -> message (or the kind of failure, when doit gives none), from doit's output."""
    found, current = {}, None  # current: (task, kind, message lines)

    def close():
        if current:
            task, kind, message = current
            found[task] = "\n".join(message).strip() or kind

    for line in output.splitlines():
        head = _FAILED.match(line)
        if head or _RULE.match(line):
            close()
            current = (head.group(2), head.group(1), []) if head else None
        elif current:
            current[2].append(line)
    close()
    return found


def build() -> dict[str, str]:
    """The default build past its failures; its output is shown as it comes, and kept to be read."""
    proc = subprocess.Popen([sys.executable, "-m", "doit", "--continue"], cwd=paths.ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        lines.append(line)
    proc.wait()
    found = failures("".join(lines))
    if proc.returncode != 0 and not found:  # a failure doit did not attribute to a task
        found["build"] = "".join(lines[-20:]).strip()
    atomic.write_text(FAILURES, json.dumps(found, indent=1, sort_keys=True) + "\n")
    return found


def run(pytest_args: list[str]) -> bool:
    """pytest on tests/ after the build; False when the build or a test failed.

    Test files run on every core (pytest-xdist), a file per worker so that each file's module
    fixtures are made once, in the order tests/conftest.py gives them: the costliest first (xdist's
    own order is by number of tests). `./doit test -n 1` (or any -n)
    overrides.
    """
    failed = build()
    env = {**os.environ, "COURSE_BUILT_BY_DOIT": "1", "COURSE_BUILD_FAILURES": str(FAILURES)}
    workers = [] if any(a == "-n" or a.startswith("-n") for a in pytest_args) else \
        ["-n", str(os.cpu_count() or 1), "--dist", "loadfile", "--no-loadscope-reorder"]
    # `./doit test tests/test_build.py` runs that file; without a path, the whole of tests/.
    named = any(not a.startswith("-") and (paths.ROOT / a.split("::")[0]).exists() for a in pytest_args)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-ra", *workers, *([] if named else ["tests"]),
                           *pytest_args], cwd=paths.ROOT, env=env)
    if failed:
        print(f"doit test: {len(failed)} build task(s) failed ({', '.join(sorted(failed))}); "
              f"their documents' checks failed with their messages", file=sys.stderr)
    return proc.returncode == 0 and not failed
