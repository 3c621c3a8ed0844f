"""The claims the notes cite, checked: a sentence about a figure's data holds on that data.

A figure module declares its claims (figgen/core/claims.py) and the figure step writes their
verdicts on the data it draws from (figures/NAME.claims.json). Here the build holds the notes to
them, in two places:

- when the task list is made (`undeclared_or_uncited`): a cited claim that its module does not
  declare, and a declared claim that no document cites, stop the build at the line concerned;
- before a document is compiled or converted (`false_claims`): a claim its sources cite that the
  data does not support stops that document, at the sentence, with what was measured, and nothing
  of it is published. A figure's text alternative (its module's ALT) is a sentence of every
  document that shows the figure: the claims it states (ALT_CLAIMS) are checked there, at the
  \coursefigure line.
"""
from __future__ import annotations

import json

from coursebuild import paths
from coursebuild.documents import ClaimUse, claims_cited


def undeclared_or_uncited(sources: list, shown: list[str]) -> list[str]:
    """Problems between the claims the documents cite and those the shown figures declare.

    `sources` are every document's sources, each once; `shown` lists the figures some document
    shows (the only ones the build computes: a figure nobody shows has nothing to cite it).
    """
    from figgen.core.hashing import read_alt_claims, read_claims

    cited: dict[tuple[str, str], ClaimUse] = {}
    for use in claims_cited(sources):
        cited.setdefault((use.figure, use.claim), use)
    problems = []
    declared = {name: read_claims(name) for name in shown}
    for (figure, claim), use in sorted(cited.items(), key=lambda kv: (str(kv[1].source), kv[1].line)):
        if figure in declared and claim not in declared[figure]:
            known = ", ".join(sorted(declared[figure])) or "none"
            problems.append(f"{use.where}: claim '{claim}' is not declared by figgen/{figure}.py "
                            f"(its CLAIMS: {known})")
    for figure in shown:
        stated_in_alt = set(read_alt_claims(figure))
        for claim, line in sorted(declared[figure].items(), key=lambda kv: kv[1]):
            if (figure, claim) not in cited and claim not in stated_in_alt:
                problems.append(f"figgen/{figure}.py:{line}: claim '{claim}' is cited by no document "
                                f"(cite it with \\figclaim{{{figure}}}{{{claim}}} at its sentence, or remove it)")
    return problems


def _verdicts(figure: str) -> dict | None:
    from figgen.core.paths import figure_claims

    try:
        return json.loads(figure_claims(figure).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def false_claims(sources) -> list[str]:
    """One line per claim the sources cite that its figure's data does not support."""
    from figgen.core.hashing import read_alt_claims
    from figgen.core.paths import module_path

    def alt_claims(figure):
        return read_alt_claims(figure) if module_path(figure).is_file() else []

    problems = []
    for use in claims_cited([paths.ROOT / s for s in sources], alt_claims):
        recorded = _verdicts(use.figure)
        verdict = (recorded or {}).get("claims", {}).get(use.claim)
        said = f"claim {use.figure}/{use.claim}"
        if use.in_alt:
            said = f"the text alternative of figure {use.figure} (its ALT_CLAIMS) states {said}, which"
        if verdict is None:
            problems.append(f"{use.where}: {said} has no verdict; run ./doit figure:{use.figure}")
        elif not verdict["holds"]:
            problems.append(f"{use.where}: {said} fails on the "
                            f"{recorded['mode']}-mode data: measured {verdict['measured']}, "
                            f"claimed {verdict['claimed']}")
    return problems
