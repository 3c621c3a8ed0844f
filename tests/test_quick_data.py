"""The course tests' quick-mode data (conftest.quick_data), where the build has none current: computed
by the first test process that needs it, and read, not recomputed, by the others of the same run;
computed again when the figure's code has changed since (its hash, as figgen records it)."""
import numpy as np

import conftest
from figgen.core import hashing, runner, status
from figgen.core.paths import figure_names


def fake_compute(calls):
    def run_compute(name, mode, device=None):
        calls.append(name)
        cfg = hashing.read_config(name)[mode]
        return {"x": np.arange(3.0) + len(calls)}, {"mode": mode, "config": cfg,
                                                    "hash": hashing.compute_hash(name, mode, cfg)}
    return run_compute


def test_a_figures_quick_data_is_computed_once_for_all_the_processes_of_a_run(tmp_path, monkeypatch):
    name = figure_names()[0]  # any figure of the course: its computation is replaced
    calls = []
    monkeypatch.setattr(runner, "run_compute", fake_compute(calls))
    monkeypatch.setattr(conftest, "_RUN_TEMP", [tmp_path])
    first, meta = conftest._run_quick_data(name)
    # Another process of the same run (its own in-memory cache empty) reads the saved data.
    second, _ = conftest._run_quick_data(name)
    assert calls == [name]
    assert np.array_equal(first["x"], [1.0, 2.0, 3.0]) and np.array_equal(second["x"], first["x"])
    assert status.is_current(name, "quick", tmp_path / "quick-data")


def test_quick_data_saved_by_other_code_is_computed_again(tmp_path, monkeypatch):
    name = figure_names()[0]
    calls = []
    monkeypatch.setattr(runner, "run_compute", fake_compute(calls))
    monkeypatch.setattr(conftest, "_RUN_TEMP", [tmp_path])
    conftest._run_quick_data(name)
    meta = tmp_path / "quick-data" / f"{name}.quick.json"
    meta.write_text(meta.read_text().replace('"hash": "', '"hash": "0'))  # as if the module had changed
    again, _ = conftest._run_quick_data(name)
    assert calls == [name, name] and np.array_equal(again["x"], [2.0, 3.0, 4.0])
