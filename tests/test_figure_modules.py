"""What every figure module of the course in this checkout must be, whatever the course: a literal
CONFIG with both modes and a seed, a plain-text ALT that fills in both modes, and committed
full-mode data that is current with its code and records its provenance."""
import json

import pytest

from figgen.core import hashing, runner, status, store
from figgen.core.paths import DATA, figure_names, module_path


def test_every_figure_has_a_literal_config_with_both_modes_and_a_seed():
    for name in figure_names():
        cfg = hashing.read_config(name)
        assert set(cfg) == {"quick", "full"}, name
        assert "seed" in cfg["quick"] and "seed" in cfg["full"], name


_CAPTIONS: dict = {}


def _alt_params(name: str, mode: str) -> dict:
    """The parameters a figure's ALT is filled from in `mode`: its CONFIG for the mode, "mode", and
    its caption_params. Those are computed from the mode's own data where it is current (the build's
    quick data, the committed full data); a mode without current data (full mode of a figure whose
    full data is not committed) takes them from data of the other mode: the keys are the same,
    since every caption_params key that an ALT uses is a literal key, whatever the mode."""
    from conftest import quick_data

    module = runner.load_module(name)
    current = [m for m in (mode, "quick", "full") if status.is_current(name, m)]
    source = current[0] if current else "computed quick"
    if (name, source) not in _CAPTIONS:
        extra = {}
        if hasattr(module, "caption_params"):
            arrays, meta = store.load(name, source) if current else quick_data(name)
            extra = module.caption_params(arrays, meta["config"])
        _CAPTIONS[name, source] = extra
    return {**runner.config(name, mode), **_CAPTIONS[name, source], "mode": mode}


@pytest.mark.parametrize("name", figure_names())
def test_every_figure_has_a_plain_text_alt_that_fills_in_both_modes(name):
    module = runner.load_module(name)
    assert isinstance(getattr(module, "ALT", None), str) and module.ALT.strip(), f"figgen/{name}.py has no ALT"
    for mode in ("quick", "full"):
        alt = runner.alt_text(name, module, _alt_params(name, mode))
        # Filled and plain: no placeholder, no LaTeX, and short enough to be heard (1-3 sentences).
        assert not set("{}$\\") & set(alt), (name, mode, alt)
        assert 1 <= alt.count(". ") + 1 <= 3 and alt.endswith("."), (name, mode, alt)
    # Placeholders name parameters, never a number typed by hand beside them: the quick and full
    # texts differ exactly where their parameters do.
    quick, full = runner.config(name, "quick"), runner.config(name, "full")
    if any(quick[k] != full[k] for k in quick if f"{{{k}}}" in module.ALT):
        assert runner.alt_text(name, module, _alt_params(name, "quick")) != \
            runner.alt_text(name, module, _alt_params(name, "full"))


def test_committed_full_data_is_current():
    """Full-mode data in figures/data/ must match today's code, or a fresh clone draws stale figures."""
    stale = [name for name in figure_names() if status.stale_committed(name)]
    messages = [f"figures/data/{name}.full.json no longer matches figgen/{name}.py or its CONFIG['full']; "
                f"regenerate it with `python -m figgen {name} --mode full` (on a GPU machine) and commit it"
                for name in stale]
    assert not stale, "\n".join(messages)


def test_committed_full_data_records_its_provenance():
    for js in sorted(DATA.glob("*.full.json")):
        meta = json.loads(js.read_text())
        assert {"figure", "mode", "config", "seed", "device", "versions", "wall_time_s", "hash"} <= set(meta), js
        assert meta["mode"] == "full" and module_path(meta["figure"]).is_file()
