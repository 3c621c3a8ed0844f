"""Compute and plot one figure: the two steps doit runs, and ``python -m figgen`` by hand."""
from __future__ import annotations

import importlib
import math
import numbers
import platform
import string
import sys
import time

import numpy as np

from corelib import atomic
from figgen.core import claims, status, store
from figgen.core.hashing import compute_hash, read_alt_claims, read_claims, read_config
from figgen.core.modes import MODES, FigureError, select_device
from figgen.core.paths import figure_claims, figure_names, figure_pdf, figure_tex
from figgen.core.threads import single_cpu_thread


def load_module(name: str):
    if name not in figure_names():
        raise FigureError(f"no figure named {name!r}; figures are: {', '.join(figure_names())}")
    return importlib.import_module(f"figgen.{name}")


def config(name: str, mode: str) -> dict:
    cfg = read_config(name)
    if set(cfg) != set(MODES):
        raise FigureError(f"figgen/{name}.py: CONFIG must have exactly the keys {MODES}")
    return dict(cfg[mode])


def _versions() -> dict:
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for lib in ("torch", "scipy"):
        if lib in sys.modules:
            versions[lib] = sys.modules[lib].__version__
    return versions


def check_finite(name: str, arrays: dict) -> None:
    for key, value in arrays.items():
        value = np.asarray(value)
        if value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
            raise FigureError(f"figure {name}: data[{key!r}] has NaN or inf (training diverged?)")


def run_compute(name: str, mode: str, device: str | None = None) -> tuple[dict, dict]:
    """Compute a figure's data in memory (tests use this directly) and return (arrays, meta)."""
    module = load_module(name)
    cfg = config(name, mode)
    if device is None:
        device = select_device() if _uses_torch(module) else "cpu"
    start = time.perf_counter()
    with single_cpu_thread(device):
        arrays = module.compute(cfg, device)
    wall = time.perf_counter() - start
    check_finite(name, arrays)
    meta = {
        "figure": name,
        "mode": mode,
        "config": cfg,
        "seed": cfg.get("seed"),
        "device": _device_name(device),
        "versions": _versions(),
        "wall_time_s": round(wall, 3),
        "hash": compute_hash(name, mode, cfg),
        "code": f"figgen/{name}.py",
    }
    return arrays, meta


def compute(name: str, mode: str | None = None, device: str | None = None) -> dict:
    mode = mode or status.resolve_mode(name)
    arrays, meta = run_compute(name, mode, device)
    store.save(name, mode, arrays, meta)
    return meta


def _uses_torch(module) -> bool:
    return "torch" in getattr(module, "__dict__", {}) or getattr(module, "USES_TORCH", False)


def _device_name(device: str) -> str:
    if device == "cuda":
        import torch

        return f"cuda ({torch.cuda.get_device_name(0)})"
    return device


def format_param(value) -> str:
    """A config value as LaTeX text for captions: 2000 -> 2000, 1e-05 -> 10^{-5}, lists joined."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
            exponent = math.floor(math.log10(abs(value)))
            mantissa = value / 10 ** exponent
            if math.isclose(mantissa, round(mantissa)) and round(mantissa) == 1:
                return f"\\ensuremath{{10^{{{exponent}}}}}"
            return f"\\ensuremath{{{mantissa:g}\\times 10^{{{exponent}}}}}"
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_param(v) for v in value)
    from corelib.latex_escape import escape_latex

    return escape_latex(str(value))


def _plain_param(value) -> str:
    """A parameter as plain text for a figure's text alternative: 20, 0.5, 1e-05, "64, 128"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain_param(v) for v in value)
    return str(value)


def alt_text(name: str, module, params: dict) -> str:
    """The module's ALT with its {key} placeholders filled from the figure's parameters.

    ALT is what the HTML edition shows a reader who cannot see the figure, so it must exist, be
    plain text (no LaTeX: it is read aloud, not typeset) and name only parameters the run has.
    """
    where = f"figgen/{name}.py: ALT"
    alt = getattr(module, "ALT", None)
    if not isinstance(alt, str) or not alt.strip():
        raise FigureError(f"{where} is missing or empty; give the figure a plain-text description (a non-empty str)")
    if "$" in alt or "\\" in alt:
        raise FigureError(f"{where} must be plain text, without $ or backslash (no LaTeX)")
    filled = []
    try:
        fields = list(string.Formatter().parse(alt))
    except ValueError as exc:
        raise FigureError(f"{where} has a malformed placeholder ({exc}); write {{{{ and }}}} for braces") from None
    for text, key, spec, conversion in fields:
        filled.append(text)
        if key is None:
            continue
        if key not in params:
            raise FigureError(f"{where} names {{{key}}}, which is no parameter of the figure "
                              f"(known: {', '.join(sorted(params))})")
        if spec or conversion:
            raise FigureError(f"{where}: placeholder {{{key}}} takes no format or conversion")
        filled.append(_plain_param(params[key]))
    out = " ".join("".join(filled).split())
    if "$" in out or "\\" in out:
        raise FigureError(f"{where}: a filled-in parameter brings $ or a backslash into the text")
    return out


def figure_tex_source(name: str, meta: dict, extra: dict, repository: str | None, commit: str | None = None,
                      verdicts: dict | None = None) -> str:
    from corelib.latex_escape import escape_latex

    lines = [f"% Written by figgen from figures/data/{name}.{meta['mode']}.json; do not edit."]
    params = dict(meta["config"])
    params.update(extra)
    params["mode"] = meta["mode"]
    for key in sorted(params):
        if not key.replace("_", "").isalnum():
            raise FigureError(f"figure {name}: parameter name {key!r} must be letters, digits and _")
        lines.append(f"\\figsetparam{{{name}}}{{{key}}}{{{format_param(params[key])}}}")
    if "alt" in params:
        raise FigureError(f"figure {name}: the parameter name 'alt' is taken by the text alternative")
    alt = alt_text(name, load_module(name), params)
    lines.append(f"\\figsetparam{{{name}}}{{alt}}{{{escape_latex(alt)}}}")
    script = f"figgen/{name}.py"
    label = f"\\texttt{{{escape_latex(script)}}}"
    if repository:
        # The module at the commit the document is built from (what the figure shows), else main.
        url = repository.rstrip("/") + f"/blob/{commit or 'main'}/" + script
        label = f"\\href{{{escape_latex(url, url=True)}}}{{{label}}}"
    provenance = f"Computed by {label}, {meta['mode']} mode."
    lines.append(f"\\figsetparam{{{name}}}{{provenance}}{{{provenance}}}")
    # A claim's value is LaTeX made by the module (a rounded number); the checks themselves are
    # read back from figures/NAME.claims.json by the build, before LaTeX runs.
    for key, verdict in sorted((verdicts or {}).items()):
        lines.append(f"\\figsetclaim{{{name}}}{{{key}}}{{{verdict.value or ''}}}")
    return "\n".join(lines) + "\n"


def plot(name: str, repository: str | None = None, commit: str | None = None) -> str:
    """Draw a figure from its saved data into figures/NAME.pdf and figures/NAME.tex."""
    import matplotlib

    from figgen.core import style

    mode = status.resolve_mode(name)
    if not status.is_current(name, mode):
        raise FigureError(f"figure {name}: no up-to-date {mode}-mode data; run ./doit figdata:{name}")
    arrays, meta = store.load(name, mode)
    module = load_module(name)
    with matplotlib.rc_context(style.rc()):
        fig = module.plot(arrays, meta["config"])
        try:
            pdf = style.pdf_bytes(fig)
        # pdflatex refused the drawing (matplotlib raises ValueError for a label it cannot measure,
        # RuntimeError for a drawing it cannot typeset): say why in one line.
        except (RuntimeError, ValueError) as exc:
            raise FigureError(f"figgen/{name}.py: pdflatex could not typeset the drawing of {mode}-mode data "
                              f"({style.latex_failure(str(exc))})") from None
    extra = module.caption_params(arrays, meta["config"]) if hasattr(module, "caption_params") else {}
    verdicts = claims.evaluate(name, module, read_claims(name), arrays, meta["config"], read_alt_claims(name))
    atomic.write_bytes(figure_pdf(name), pdf)
    atomic.write_text_if_changed(figure_claims(name), claims.verdicts_json(mode, verdicts))
    atomic.write_text_if_changed(figure_tex(name), figure_tex_source(name, meta, extra, repository, commit, verdicts))
    return mode


__all__ = ["compute", "plot", "run_compute", "config", "load_module", "FigureError"]
