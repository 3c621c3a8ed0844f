"""Baseline for the no-op benchmark: 40 trivial file tasks, all up to date after a first run."""
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "build" / "bench-trivial"
DOIT_CONFIG = {"dep_file": str(OUT / "doit-state.json"), "backend": "json", "verbosity": 0}


def _write(path):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(path)


def task_trivial():
    """40 tasks that each write one small file."""
    for i in range(40):
        target = str(OUT / f"t{i:02d}.txt")
        yield {"name": f"t{i:02d}", "actions": [(_write, [target])], "targets": [target],
               "file_dep": [__file__], "uptodate": [True]}
