"""The one style of every figure: sizes from the notes' text width, the notes' fonts, one palette.

Functions return rcParams dictionaries that ``figure()`` applies in a context, so nothing global
changes (after tueplots). Text is typeset by pdflatex through matplotlib's PGF backend with the same
Latin Modern fonts as the notes, so no second typeface appears and no Type 3 font is embedded.
"""
from __future__ import annotations

# templates/latex/course.sty sets textwidth=150mm (unless the course's preamble loads geometry
# itself: figures are then included at this width still); 72.27 TeX points to the inch.
TEXTWIDTH_PT = 150 / 25.4 * 72.27
GOLDEN = (5 ** 0.5 - 1) / 2
BASE_FONTSIZE = 9  # pt; the notes are set in 11pt, figure text is a little smaller, like captions.

# Okabe & Ito's colour-blind-safe palette, black first for theory lines.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
CYCLE = [PALETTE[c] for c in ("blue", "vermillion", "green", "orange", "purple", "sky", "yellow")]

LATEX_PREAMBLE = "\n".join([
    r"\usepackage[T1]{fontenc}",
    r"\usepackage[utf8]{inputenc}",
    r"\usepackage{lmodern}",
    r"\usepackage{amsmath,amssymb}",
])


def figsize(rel_width: float = 1.0, ratio: float = GOLDEN, nrows: int = 1, ncols: int = 1) -> tuple[float, float]:
    """Width from the text width; height from the aspect ratio of one panel and the grid."""
    width = TEXTWIDTH_PT / 72.27 * rel_width
    height = width / ncols * ratio * nrows
    return width, height


def fonts() -> dict:
    return {
        "text.usetex": False,
        "pgf.texsystem": "pdflatex",
        "pgf.rcfonts": False,
        "pgf.preamble": LATEX_PREAMBLE,
        "font.family": "serif",
        "font.size": BASE_FONTSIZE,
        "axes.labelsize": BASE_FONTSIZE,
        "axes.titlesize": BASE_FONTSIZE,
        "legend.fontsize": BASE_FONTSIZE - 1,
        "xtick.labelsize": BASE_FONTSIZE - 1,
        "ytick.labelsize": BASE_FONTSIZE - 1,
    }


def axes() -> dict:
    from cycler import cycler

    return {
        "axes.prop_cycle": cycler(color=CYCLE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.linewidth": 0.6,
        "axes.grid": True,
        "grid.linewidth": 0.4,
        "grid.alpha": 0.35,
        "lines.linewidth": 1.2,
        "lines.markersize": 3.5,
        "errorbar.capsize": 1.5,
        "legend.frameon": False,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "figure.constrained_layout.use": True,
        "savefig.dpi": 300,
        "pdf.compression": 9,
    }


def rc() -> dict:
    return {**fonts(), **axes()}


def new_figure(rel_width: float = 1.0, ratio: float = GOLDEN, nrows: int = 1, ncols: int = 1, **subplot_kw):
    """A figure of the right size and its axes (no pyplot, so no global state).

    figgen runs ``plot`` inside ``matplotlib.rc_context(rc())``, so the style applies to it.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize(rel_width, ratio, nrows, ncols), layout="constrained")
    axs = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axs


def pdf_bytes(fig) -> bytes:
    """Render a figure to PDF through pdflatex (fonts identical to the notes); call in rc()."""
    import io

    buf = io.BytesIO()
    # No creator, producer or dates in the file (pdflatex takes SOURCE_DATE_EPOCH from the build):
    # two builds give byte-identical figures.
    fig.savefig(buf, format="pdf", backend="pgf",
                metadata={"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None})
    return buf.getvalue()


def latex_failure(output: str) -> str:
    """The first TeX error line ("! ...") of a failed figure, or the output's first line."""
    for line in output.splitlines():
        if line.startswith("! "):
            hint = " (too many markers for vector output? draw them with rasterized=True)" \
                if "capacity exceeded" in line else ""
            return line[2:].strip() + hint
    return output.strip().splitlines()[0] if output.strip() else "no output"
