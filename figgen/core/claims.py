"""Claims: what the text says a figure's data shows, as checks the build runs on that data.

A figure module declares its claims by name in a literal dict (read without importing the module,
like CONFIG), each with the statement the text makes::

    CLAIMS = {
        "below_bound": "the simulated tail stays below Hoeffding's bound at every t",
    }

and evaluates every one of them on the data the document is drawn from::

    def claims(data, cfg) -> dict:
        from figgen.core.claims import at_most, holds
        return {"below_bound": holds(bool(np.all(...)), measured=..., claimed=CLAIMS["below_bound"])}

A sentence of the notes cites a claim with \\figclaim{FIGURE}{CLAIM} (or prints its measured value
with \\figclaimvalue{FIGURE}{CLAIM}); coursebuild/claims.py refuses to compile a document that
cites a claim its data does not support. The tolerance of each check belongs to the run (its
standard errors, its bands), as in the figure's theory checks; the helpers here only compare and
round. A printed value is rounded in the direction that keeps the sentence true: an upper bound
("within", "at most") rounds up, a lower bound ("at least") rounds down.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

from figgen.core.modes import FigureError


@dataclass(frozen=True)
class Verdict:
    """One claim evaluated on one run's data."""
    holds: bool
    measured: str              # plain text: what the data gives, for the build's error line
    claimed: str               # plain text: what the text claims
    value: str | None = None   # LaTeX printed by \figclaimvalue (None: the claim prints nothing)


def _scaled(x: float, digits: int, direction) -> float:
    # The tiny margin keeps an exact 0.12 (stored as 0.12000000000000001) from becoming 0.13.
    scale = 10 ** digits
    shifted = x * scale
    nearest = round(shifted)
    if math.isclose(shifted, nearest, rel_tol=0, abs_tol=1e-9):
        return nearest / scale
    return direction(shifted) / scale


def round_up(x: float, digits: int) -> float:
    """x rounded up to `digits` decimals: the printed value of a "within" or "at most"."""
    return _scaled(float(x), digits, math.ceil)


def round_down(x: float, digits: int) -> float:
    """x rounded down to `digits` decimals: the printed value of an "at least"."""
    return _scaled(float(x), digits, math.floor)


def _text(x: float, digits: int) -> str:
    return f"{x:.{max(digits, 0)}f}"


def at_most(measured: float, bound: float, digits: int = 2, unit: str = "") -> Verdict:
    """The measured value is at most `bound`; it prints rounded up."""
    measured = float(measured)
    return Verdict(bool(measured <= bound), f"{measured:.4g}{unit}", f"at most {bound:g}{unit}",
                   _text(round_up(measured, digits), digits))


def at_least(measured: float, bound: float, digits: int = 2, unit: str = "") -> Verdict:
    """The measured value is at least `bound`; it prints rounded down."""
    measured = float(measured)
    return Verdict(bool(measured >= bound), f"{measured:.4g}{unit}", f"at least {bound:g}{unit}",
                   _text(round_down(measured, digits), digits))


def between(measured: float, low: float, high: float, digits: int = 2, unit: str = "") -> Verdict:
    """The measured value lies in [low, high]; it prints rounded to the nearest."""
    measured = float(measured)
    return Verdict(bool(low <= measured <= high), f"{measured:.4g}{unit}", f"between {low:g} and {high:g}{unit}",
                   _text(round(measured, digits), digits))


def holds(condition: bool, measured: str, claimed: str) -> Verdict:
    """A claim that is a statement about the data (every run, each marker...), printing nothing."""
    return Verdict(bool(condition), measured, claimed)


def count_of(flags, claimed: str, what: str = "runs") -> Verdict:
    """Every one of the flagged items satisfies the claim ("at every interpolating run")."""
    flags = [bool(f) for f in flags]
    return Verdict(len(flags) > 0 and all(flags), f"{sum(flags)} of {len(flags)} {what}", claimed)


def evaluate(name: str, module, declared: dict, data: dict, cfg: dict, alt: list[str] = ()) -> dict[str, Verdict]:
    """Every claim the module declares, evaluated; the names must be exactly those declared, and
    those its ALT text states (`alt`, its ALT_CLAIMS) among them."""
    for key in alt:
        if key not in declared:
            raise FigureError(f"figgen/{name}.py: ALT_CLAIMS names '{key}', which CLAIMS does not declare")
    if not declared:
        return {}
    if not hasattr(module, "claims"):
        raise FigureError(f"figgen/{name}.py declares CLAIMS but has no claims(data, cfg) to evaluate them")
    verdicts = module.claims(data, cfg)
    if not isinstance(verdicts, dict) or not all(isinstance(v, Verdict) for v in verdicts.values()):
        raise FigureError(f"figgen/{name}.py: claims() must return a dict of figgen.core.claims.Verdict")
    if set(verdicts) != set(declared):
        missing, extra = sorted(set(declared) - set(verdicts)), sorted(set(verdicts) - set(declared))
        raise FigureError(f"figgen/{name}.py: claims() must evaluate exactly the claims CLAIMS declares"
                          + (f"; not evaluated: {', '.join(missing)}" if missing else "")
                          + (f"; not declared: {', '.join(extra)}" if extra else ""))
    return verdicts


def verdicts_json(mode: str, verdicts: dict[str, Verdict]) -> str:
    """What the build reads back (coursebuild/claims.py): the mode and every verdict."""
    return json.dumps({"mode": mode, "claims": {k: asdict(v) for k, v in sorted(verdicts.items())}},
                      indent=1, sort_keys=True) + "\n"
