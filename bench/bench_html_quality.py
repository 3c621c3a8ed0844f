"""How well an HTML edition reads, counted on every page of a folder laid out as dist/html/:

    .venv/bin/python bench/bench_html_quality.py DIR [--course-page FILE] [--json OUT]
                                                 [--no-browser] [--no-speech] [--pages NAME ...]

- the MathML's structure: scripts without a base, numbers in several <mn>, big operators of a
  display with their limits beside them (tests/html_quality.py, `structure`);
- the Nu Html Checker's errors, by message (one Java run for every page);
- axe-core's violations with every rule on, by rule, at 390 px in the dark scheme and at 1280 px
  in the light one; and what the browser shows there: boxes cut off, and of those without a
  cue that they scroll, equation numbers out of view, inline formulas off the baseline, Tab stops
  that scroll nothing, <math> with a tabindex, headings that skip a level (browser.LAYOUT, the
  measure tests/test_html_browser_layout.py holds the fixture course to);
- the speech of every formula (each distinct one once) in ClearSpeak and MathSpeak, by
  misreading pattern (tests/speech_patterns.py), with two samples of each.

Prints Markdown tables; --json writes every count, per page too. It reads the pages and writes
nothing beside them. On the course's whole edition it takes many minutes (axe on every page, twice).
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import browser  # noqa: E402
import html_quality as quality  # noqa: E402
import tools  # noqa: E402
from speech_patterns import PATTERNS, misreadings  # noqa: E402

SAMPLES = 2


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def table(header: tuple, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def measure_structure(pages: list[Path]) -> dict:
    per_page = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        per_page[page.name] = {**quality.page_structure(text), "heading_skips": len(quality.heading_skips(text))}
    total = Counter()
    for counts in per_page.values():
        total.update(counts)
    return {"total": dict(total), "pages": per_page}


def measure_nu(pages: list[Path]) -> dict:
    errors = tools.nu_errors(pages)
    by_message, by_page = Counter(m for _, _, m in errors), Counter(Path(f).name for f, _, _ in errors)
    return {"total": len(errors), "by_message": dict(by_message.most_common()), "pages": dict(by_page)}


def alttext(mathml: str) -> str:
    found = re.search(r'alttext="([^"]*)"', mathml)
    return html.unescape(found.group(1)).replace("%\n", "") if found else ""


def around(spoken: str, pattern: str, width: int = 50) -> str:
    """The stretch of the speech where the pattern matched, with `width` characters either side."""
    match = PATTERNS[pattern][0].search(spoken)
    start, end = max(match.start() - width, 0), min(match.end() + width, len(spoken))
    return ("..." if start else "") + spoken[start:end] + ("..." if end < len(spoken) else "")


def tally(keys: list[str], spoken: list[str]) -> dict:
    """Formulas misread, by pattern, with SAMPLES samples of each (of formulas whose TeX differs)."""
    by_pattern, samples, misread = Counter(), defaultdict(list), 0
    for key, text in zip(keys, spoken):
        found = misreadings(text)
        misread += bool(found)
        for name in found:
            by_pattern[name] += 1
            tex = alttext(key)
            if len(samples[name]) < SAMPLES and all(s["tex"] != tex for s in samples[name]):
                samples[name].append({"tex": tex, "speech": text, "at": around(text, name)})
    return {"misread": misread, "by_pattern": dict(by_pattern.most_common()), "samples": dict(samples)}


def measure_speech(pages: list[Path]) -> dict:
    distinct = {}
    for page in pages:
        for mathml in quality.formulas(page.read_text(encoding="utf-8")):
            distinct.setdefault(quality.formula_key(mathml), mathml)
    keys = list(distinct)
    result = {"formulas": len(keys)}
    for domain in tools.DOMAINS:
        started = time.perf_counter()
        result[domain] = tally(keys, tools.speech(keys, domain))
        result[domain]["seconds"] = round(time.perf_counter() - started, 1)
        log(f"speech, {domain}: {len(keys)} formulas in {result[domain]['seconds']} s")
    return result


def measure_browser(pages: list[Path]) -> dict:
    found = browser.browse(pages, progress=lambda page, width, scheme: log(f"browser: {page.name} at {width}px {scheme}"))
    views = {}
    for width, _, scheme in browser.VIEWS:
        view = browser.view_name(width, scheme)
        rules, rule_pages, layout = Counter(), Counter(), Counter()
        impacts = {}
        for page in pages:
            result = found[page][view]
            layout.update({k: v for k, v in result["layout"].items() if isinstance(v, int)})
            for rule, (impact, nodes, _) in result["axe"].items():
                rules[rule] += nodes
                rule_pages[rule] += 1
                impacts[rule] = impact
        views[view] = {"axe": {r: {"impact": impacts[r], "elements": n, "pages": rule_pages[r]}
                               for r, n in rules.most_common()},
                       "layout": dict(layout)}
    return {"views": views, "pages": {p.name: v for p, v in found.items()}}


def report(result: dict) -> str:
    out = [f"# HTML quality of {result['dir']} ({result['pages']} pages)", ""]
    s = result["structure"]["total"]
    out += ["## MathML structure", "", table(("count", "total"), [
        ("formulas", s.get("formulas", 0)), ("display formulas", s.get("displays", 0)),
        ("scripts without a base", s.get("detached_scripts", 0)), ("numbers split in several <mn>", s.get("split_numbers", 0)),
        ("display big operators with limits beside", s.get("limits_beside", 0)),
        ("<math> with a tabindex", s.get("math_tabindex", 0)), ("headings that skip a level", s.get("heading_skips", 0))]), ""]
    if "nu" in result:
        nu = result["nu"]
        out += [f"## Nu Html Checker: {nu['total']} errors", "",
                table(("message", "errors"), list(nu["by_message"].items())[:30] or [("(none)", 0)]), ""]
    if "browser" in result:
        for view, found in result["browser"]["views"].items():
            seen = Counter(found["layout"])
            out += [f"## axe-core, every rule, {view}", "",
                    table(("rule", "impact", "elements", "pages"),
                          [(r, v["impact"], v["elements"], v["pages"]) for r, v in found["axe"].items()]
                          or [("(none)", "", 0, 0)]),
                    "", f"## What the browser shows, {view}", "", table(("count", "total"), [
                        ("boxes that scroll sideways, and bare displays", seen["boxes"]),
                        ("of which hold a display", seen["displays"]),
                        ("boxes cut off", seen["cut"]),
                        ("boxes cut off without a cue", seen["no_cue"]),
                        ("equation numbers out of view", f"{seen['numbers_hidden']} of {seen['numbers']}"),
                        ("inline formulas off the baseline", f"{seen['inline_off_baseline']} of {seen['inline']}"),
                        ("Tab stops other than links", seen["tab_stops"]),
                        ("extra Tab stops (scroll nothing)", seen["extra_tab_stops"]),
                        ("<math> with a tabindex", seen["math_tabindex"]),
                        ("headings that skip a level", seen["heading_skips"])]), ""]
    if "speech" in result:
        sp = result["speech"]
        for domain in tools.DOMAINS:
            d = sp[domain]
            out += [f"## Speech, {domain}: {d['misread']} of {sp['formulas']} distinct formulas misread", "",
                    table(("pattern", "formulas", "sample (TeX: speech)"),
                          [(name, n, " / ".join(f"`{x['tex'][:70]}`: {x['at']}" for x in d["samples"][name]))
                           for name, n in d["by_pattern"].items()] or [("(none)", 0, "")]), ""]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="a folder of pages laid out as dist/html/")
    parser.add_argument("--course-page", type=Path, help="the course page (dist/index.html) too, when given")
    parser.add_argument("--json", type=Path, help="write every count here")
    parser.add_argument("--no-browser", action="store_true", help="leave out axe and the layout (the slow part)")
    parser.add_argument("--no-speech", action="store_true", help="leave out the speech of the formulas")
    parser.add_argument("--pages", nargs="+", metavar="NAME", help="only these pages of DIR (file names, globs allowed)")
    args = parser.parse_args()
    # Absolute paths: the browser opens each page by its file URI.
    pages = sorted(p.resolve() for p in args.dir.glob("*.html") if not args.pages or any(p.match(n) for n in args.pages))
    pages += [args.course_page.resolve()] if args.course_page else []
    if not pages:
        print(f"{args.dir}: no .html page here", file=sys.stderr)
        return 2
    result = {"dir": str(args.dir), "pages": len(pages), "tools": {
        "vnu-jar": tools.VNU[1], "speech-rule-engine": tools.SRE[1], "axe-core": browser.AXE_VERSION}}
    started = time.perf_counter()
    result["structure"] = measure_structure(pages)
    log("structure counted")
    result["nu"] = measure_nu(pages)
    log(f"Nu Html Checker: {result['nu']['total']} errors")
    if not args.no_speech:
        result["speech"] = measure_speech(pages)
    if not args.no_browser:
        result["browser"] = measure_browser(pages)
    result["seconds"] = round(time.perf_counter() - started)
    text = report(result)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
