"""Where figure sources, data and outputs live."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGGEN = ROOT / "figgen"
LIB = FIGGEN / "lib"
FIGURES = ROOT / "figures"
DATA = FIGURES / "data"

# Modules of figgen/ that are not figures.
NOT_FIGURES = {"__init__", "__main__"}


def figure_names() -> list[str]:
    """Every figure, in a stable order: one per top-level module of figgen/."""
    return sorted(p.stem for p in FIGGEN.glob("*.py") if p.stem not in NOT_FIGURES)


def module_path(name: str) -> Path:
    return FIGGEN / f"{name}.py"


def data_paths(name: str, mode: str, directory: Path | None = None) -> tuple[Path, Path]:
    """The arrays (.npz) and the metadata (.json) of one figure computed in one mode, in figures/data
    or in another folder laid out the same way (the tests' shared cache of quick-mode data)."""
    directory = directory or DATA
    return directory / f"{name}.{mode}.npz", directory / f"{name}.{mode}.json"


def figure_pdf(name: str) -> Path:
    return FIGURES / f"{name}.pdf"


def figure_tex(name: str) -> Path:
    """LaTeX beside the PDF: caption parameters and the provenance line (see templates/latex/course.sty)."""
    return FIGURES / f"{name}.tex"


def figure_claims(name: str) -> Path:
    """The verdicts of the figure's claims on the data it is drawn from (figgen/core/claims.py)."""
    return FIGURES / f"{name}.claims.json"
