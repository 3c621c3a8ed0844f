"""The HTML edition: each chapter, sheet and the checklist as a web page with MathML.

LaTeXML (Debian's `latexml`) converts a document's own LaTeX wrapper, the one its PDF is made
from, with `templates/latex/course.sty.ltxml` standing in for what a web page does differently
(SVG figures, solutions as elements, no PDF header), `templates/latex/course-html.ltxml` for what
LaTeXML has no binding for, and the course's own declarations (notes/html-bindings.yaml). docs/html.md says why LaTeXML and what
each step costs. Per document, in doit tasks:

1. `latexml:NAME`  LaTeX -> LaTeXML's XML (the slow step), and the index of the labels it defines:
                   build/html/NAME.xml and NAME.labels.json (rewritten only when it changes).
2. `htmlrefs`      for each page, the labels it quotes from other chapters, from their indexes
                   (NAME.refs.json, rewritten only when a quoted number or anchor changes).
3. `htmlpost:NAME` the quoted references filled in, then latexmlpost (XML -> HTML5 + MathML), the
                   MathML given its structure (coursebuild/mathml.py), the figures placed, the
                   permalinks added (coursebuild/permalinks.py) and the result checked:
                   build/html/NAME.article.html.
4. `html:NAME`     the page template around it (course, navigation, contents, version, revision
                   notice) -> dist/html/NAME.html, with the figures it shows beside it.

A student's sheet is its solutions' page without the solutions (the solutions number nothing,
which step 3 checks), so each sheet is converted once. Figures are their PDFs as SVG (`svg:NAME`),
and so are the images of the notes (`image:PATH`; a PNG or JPEG is copied).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from corelib import atomic
from coursebuild import mathml, paths
from coursebuild.documents import FULL_NOTES
from coursebuild.pagelayout import headings_in_order, number_boxes, scroll_boxes
from coursebuild.permalinks import add_permalinks

LTX = "http://dlmf.nist.gov/LaTeXML"
NS = {"ltx": LTX}
ET.register_namespace("", LTX)
NBSP = "\u00a0"


def is_solution(element) -> bool:
    """Whether an element of LaTeXML's XML is a sheet's solution (the notation's solution
    environment, a proof of class course_solution)."""
    return element.tag == f"{{{LTX}}}proof" and "course_solution" in (element.get("class") or "")


class HtmlError(ValueError):
    """A conversion problem, reported as FILE:LINE: message (like a LaTeX error)."""


# ------------------------------------------------------------------------------------------
# 1. LaTeX -> XML

def latexml_command(tex: Path, dest: Path, log: Path) -> list[str]:
    # --noparse: the MathML is presentation MathML from TeX's own structure (scripts, fractions,
    # fences), without LaTeXML's grammar-based guess of each formula's meaning, which doubled the
    # conversion time (docs/html.md). No --includestyles: a package LaTeXML has no binding for is
    # not read from its .sty (course-html.ltxml, preloaded, says what happens instead).
    search = [paths.LATEXML_BINDINGS, paths.HTML_DECLARED.parent, paths.NOTES, paths.BUILD_TEX, paths.PREAMBLE.parent,
              paths.FIGURES, paths.ROOT]
    return ["latexml", "--quiet", "--noparse", "--nocomments", *[f"--path={p}" for p in search],
            "--preload=course-html.ltxml", f"--preload={paths.HTML_DECLARED.name}",
            f"--log={log}", f"--dest={dest}", str(tex)]


DEFAULT_TIMEOUT_S = 300
TIMEOUT_VARIABLE = "COURSE_HTML_TIMEOUT"  # ./doit html_timeout=SECONDS


def conversion_timeout() -> float:
    """The time limit of one LaTeXML conversion, in seconds: html_timeout= or the default."""
    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise HtmlError(f"html_timeout={text}: expected a number of seconds above 0 (default {DEFAULT_TIMEOUT_S})")
    return value


_PROBLEM = re.compile(r"^(Error|Fatal):(\S+)\s+(.*)$")
_UNBOUND = re.compile(r"^Warning:course_unbound_(package|environment):(\S+)\s+(.*)$")
_AT = re.compile(r"\bat (?P<file>[^;\s]+); line (?P<line>\d+)")


def _location(lines: list[str], sources: dict[str, str]) -> str:
    """'FILE:LINE: ' of a message, from the lines that follow it in LaTeXML's log: a file of the
    course's where one is named (not TeX Live's code that the course's line led into)."""
    found = []
    for follow in lines:
        if follow and not follow[0].isspace():
            break
        found += [at for at in _AT.finditer(follow)]
    ours = [at for at in found if at["file"] in sources]
    at = (ours or found or [None])[0]
    return f"{sources.get(at['file'], at['file'])}:{at['line']}: " if at else ""


def problems(log_text: str, sources: dict[str, str]) -> list[str]:
    """LaTeXML's errors (undefined macros and environments among them) as 'FILE:LINE: message'.

    `sources` maps a file name as LaTeXML prints it (its base name) to the path to show. An
    undefined macro while some package had no binding names those packages."""
    out = []
    lines = log_text.splitlines()
    unbound = sorted({m[2] for m in map(_UNBOUND.match, lines) if m and m[1] == "package"})
    for i, line in enumerate(lines):
        m = _PROBLEM.match(line)
        if not m:
            continue
        message = f"{_location(lines[i + 1:i + 8], sources)}LaTeXML {m[1].lower()} ({m[2]}): {m[3].strip()}"
        if m[2].startswith("undefined") and unbound:
            message += (f" (LaTeXML has no binding for {', '.join(unbound)}: bind the macro in "
                        f"{paths.rel(paths.HTML_DECLARATIONS)})")
        if message not in out:
            out.append(message)
    return out


def unbound_environments(log_text: str, sources: dict[str, str]) -> list[str]:
    """One warning per environment that nothing binds (shown as its content), where it is first used."""
    lines = log_text.splitlines()
    out = {}
    for i, line in enumerate(lines):
        m = _UNBOUND.match(line)
        if m and m[1] == "environment" and m[2] not in out:
            out[m[2]] = (f"{_location(lines[i + 1:i + 8], sources)}warning: LaTeXML has no binding for environment "
                         f"{{{m[2]}}}: the page shows its content as a plain block (declare it in "
                         f"{paths.rel(paths.HTML_DECLARATIONS)} to keep it so without this warning)")
    return list(out.values())


def source_names(tex: Path, doc_sources) -> dict[str, str]:
    """The files of the course by the base name LaTeXML prints: the wrapper, the document's sources
    and the course's other LaTeX (its preamble files)."""
    names = {p.name: paths.rel(p) for p in sorted(paths.NOTES.rglob("*")) if p.suffix in (".tex", ".sty")}
    names.update({p.name: paths.rel(p) for p in sorted(paths.LATEXML_BINDINGS.glob("*.sty"))})
    names.update({Path(s).name: paths.rel(s) for s in doc_sources})
    names[tex.name] = paths.rel(tex)
    return names


def convert(name: str, tex: str, sources: list[str]):
    """latexml on the document's wrapper, within the time limit; fails with the source file and
    line of every error, and warns once of each environment shown as its plain content."""
    import sys

    tex_path, xml, labels = Path(tex), paths.html_xml(name), paths.html_labels(name)
    xml.parent.mkdir(parents=True, exist_ok=True)
    log = paths.BUILD_HTML / f"{name}.latexml.log"
    limit = conversion_timeout()
    with tempfile.TemporaryDirectory(dir=paths.BUILD_HTML) as tmp:
        out = Path(tmp) / f"{name}.xml"
        try:
            run = subprocess.run(latexml_command(tex_path, out, log), cwd=paths.ROOT, capture_output=True, text=True,
                                 timeout=limit)
        except subprocess.TimeoutExpired:
            raise HtmlError(f"{name}: the HTML conversion took longer than its limit of {limit:g} s and was stopped "
                            f"(./doit html_timeout=SECONDS sets another; log so far: {paths.rel(log)})") from None
        log_text = log.read_text(errors="replace") if log.is_file() else run.stderr
        names = source_names(tex_path, sources)
        found = problems(log_text, names)
        if run.returncode != 0 or found or not out.is_file():
            detail = found or [run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "no output"]
            raise HtmlError(f"{name}: the HTML conversion failed (log: {paths.rel(log)})\n  " + "\n  ".join(detail))
        for warning in unbound_environments(log_text, names):
            print(warning, file=sys.stderr)
        data = out.read_bytes()
    atomic.write_bytes(xml, data)
    root = ET.fromstring(data)
    index = {"defines": label_index(root), "quotes": sorted(_refs_in(root))}
    atomic.write_text_if_changed(labels, json.dumps(index, indent=1, sort_keys=True) + "\n")


def element_text(element) -> str:
    """An XML element's text, its white space as one space."""
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def label_index(root) -> dict[str, dict]:
    """label -> its anchor (xml:id, which is the HTML id) and LaTeXML's tags (refnum, creftype...)."""
    index = {}
    for element in root.iter():
        labels = element.get("labels")
        ident = element.get("{http://www.w3.org/XML/1998/namespace}id")
        if not labels or not ident:
            continue
        tags = {}
        holder = element.find("ltx:tags", NS)
        for tag in (holder.findall("ltx:tag", NS) if holder is not None else element.findall("ltx:tag", NS)):
            tags[tag.get("role") or "tag"] = element_text(tag)
        for label in labels.split():
            index[label.removeprefix("LABEL:")] = {"id": ident, "tags": tags}
    return index


# ------------------------------------------------------------------------------------------
# 2. References into other chapters

def _refs_in(root) -> set[str]:
    return {r.get("labelref").removeprefix("LABEL:") for r in root.iter(f"{{{LTX}}}ref") if r.get("labelref")}


def write_refs(pages: list[str], indexed: list[tuple[str, str]]) -> None:
    """For each converted document, the labels it quotes from the indexed documents (name, page)."""
    where = {}
    for name, page in indexed:
        for label, entry in json.loads(paths.html_labels(name).read_text())["defines"].items():
            where.setdefault(label, {**entry, "page": page})
    for name in pages:
        index = json.loads(paths.html_labels(name).read_text())
        quoted = {label: where[label] for label in index["quotes"] if label not in index["defines"] and label in where}
        atomic.write_text_if_changed(paths.html_refs(name), json.dumps(quoted, indent=1, sort_keys=True) + "\n")


def show_text(show: str | None, tags: dict) -> str:
    """What LaTeXML prints for a reference shown as `show` (e.g. 'creftypecap~refnum')."""
    parts = re.split(r"(~| )", show or "refnum")
    return "".join(NBSP if p == "~" else p if p == " " else tags.get(p, "") for p in parts)


def link_external(root, quoted: dict, source: str) -> None:
    """Fill in the references to other chapters: LaTeXML only knows the document it converts."""
    missing = []
    for ref in root.iter(f"{{{LTX}}}ref"):
        label = (ref.get("labelref") or "").removeprefix("LABEL:")
        if label not in quoted:
            continue
        entry = quoted[label]
        text = show_text(ref.get("show"), entry["tags"])
        if not text.strip():
            missing.append(label)
        for key in ("labelref", "show", "_force_font"):
            ref.attrib.pop(key, None)
        ref.set("href", f"{entry['page']}#{entry['id']}")
        ref.set("class", "ltx_ref")
        ref.text = text
    if missing:
        raise HtmlError(f"{source}: no number for {', '.join(sorted(set(missing)))} in the other chapters' pages")


# ------------------------------------------------------------------------------------------
# 3. The page

def drop_solutions(root, source: str) -> None:
    """A student's sheet: the solutions' XML without the solutions, nor what only they cite."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for solution in [e for e in root.iter(f"{{{LTX}}}proof") if is_solution(e)]:
        # A list's items are numbered within their list: only labels and other numbers matter.
        numbered = [e for e in solution.iter() if e.get("labels") or (
            e.tag != f"{{{LTX}}}item" and e.find("ltx:tags", NS) is not None)]
        if numbered:
            raise HtmlError(f"{source}: a solution numbers or labels something ({numbered[0].get('labels', '')}); "
                            "the student's sheet would then number differently from its PDF")
        parents[solution].remove(solution)
    if not any(True for _ in root.iter(f"{{{LTX}}}cite")):
        for bibliography in list(root.iter(f"{{{LTX}}}bibliography")):
            parents[bibliography].remove(bibliography)


def _parse(path: Path):
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_pis=True))
    return ET.parse(path, parser)


def latexmlpost_command(xml: Path, dest: Path, log: Path) -> list[str]:
    return ["latexmlpost", "--quiet", "--format=html5", "--pmml", "--nodefaultresources", "--nographicimages",
            f"--bibliography={paths.HTML_BIBLIOGRAPHY}", f"--sourcedirectory={paths.ROOT}", f"--log={log}",
            f"--dest={dest}", str(xml)]


_ARTICLE = re.compile(r"<article\b.*</article>", re.S)
_BROKEN = re.compile(r"ltx_ERROR|ltx_missing|LABEL:|ltx_ref_self\"[^>]*>\?|ltx_unknown")


def figures_in(root) -> dict[str, tuple[str, str]]:
    """xml:id of each figure graphic -> (figure name, its text alternative)."""
    out = {}
    for g in root.iter(f"{{{LTX}}}graphics"):
        graphic = g.get("graphic") or ""
        m = re.fullmatch(r"figures/([A-Za-z0-9_]+)\.svg", graphic)
        if m:
            out[g.get("{http://www.w3.org/XML/1998/namespace}id")] = (m[1], g.get("description") or "")
    return out


_MISSING_IMG = re.compile(r'<img src="" id="([^"]+)" class="([^"]*)" alt="[^"]*">')


def place_figures(article: str, figures: dict[str, tuple[str, str]], source: str) -> str:
    """latexmlpost leaves the figures' images empty (it cannot measure an SVG without ImageMagick's
    SVG reader): point each at its SVG beside the page, with its text alternative, in a link to it."""
    from html import escape

    def image(m):
        if m[1] not in figures:
            return m[0]
        name, alt = figures[m[1]]
        if not alt.strip():
            raise HtmlError(f"{source}: figure {name} has no text alternative (ALT in figgen/{name}.py)")
        classes = " ".join(c for c in m[2].split() if not c.startswith("ltx_missing"))
        # A tap (or click) opens the drawing full size, its labels as large as the reader zooms them;
        # the link's name is the figure's text alternative.
        return (f'<a class="course_figure_link" href="figures/{name}.svg">'
                f'<img src="figures/{name}.svg" id="{m[1]}" class="{classes}" alt="{escape(alt)}"></a>')

    return _MISSING_IMG.sub(image, article)


def _post_once(xml: Path, html: Path, log: Path) -> tuple[subprocess.CompletedProcess, str, list[str]]:
    """One latexmlpost run: the process, its log's text and the problems the log names."""
    log.unlink(missing_ok=True)
    html.unlink(missing_ok=True)
    run = subprocess.run(latexmlpost_command(xml, html, log), cwd=paths.ROOT, capture_output=True, text=True)
    log_text = log.read_text(errors="replace") if log.is_file() else ""
    said = log_text or run.stderr
    found = problems(said, {}) + [f"LaTeXML: {line.strip()}" for line in said.splitlines()
                                  if line.startswith("Warning:expected:ids")]
    return run, log_text, found


def _unexplained(run: subprocess.CompletedProcess, log: Path, log_text: str) -> str:
    """What is known of a failure that names no problem: the exit status, the end of the log."""
    said = [line for line in log_text.splitlines() if line.strip()][-5:]
    stderr = [line for line in run.stderr.splitlines() if line.strip()][-5:]
    what = f"latexmlpost exited with status {run.returncode} and wrote no page"
    if said:
        what += f"; the end of its log ({paths.rel(log)}): " + " / ".join(line.strip() for line in said)
    else:
        what += f"; its log ({paths.rel(log)}) is empty"
    if stderr:
        what += "; it printed: " + " / ".join(line.strip() for line in stderr)
    return what


def _caption_text(figure) -> str:
    """A figure's caption without its number ("Figure 3.2:")."""
    caption = figure.find("ltx:caption", NS) if figure is not None else None
    parts = []

    def walk(element):
        if element.tag != f"{{{LTX}}}tag":
            parts.append(element.text or "")
            for child in element:
                walk(child)
                parts.append(child.tail or "")

    if caption is not None:
        walk(caption)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def images_in(root, source: str) -> dict[str, tuple[str, str]]:
    """xml:id of each image the author included (\\includegraphics, not a figgen figure) -> (its src
    beside the page, its text alternative: the alt= given, or else its figure's caption).

    Refuses, with the source's file and line, an image not found under notes/ or without either."""
    from coursebuild.documents import image_uses

    uses = {use.written: use for use in image_uses([paths.ROOT / source])}
    parents = {child: parent for parent in root.iter() for child in parent}
    out = {}
    for g in root.iter(f"{{{LTX}}}graphics"):
        if "course_figure" in (g.get("class") or ""):
            continue
        written = g.get("graphic") or ""
        use = uses.get(written)
        if use is None:  # inside a macro, or in a file the source inputs: no dependency the build knows of
            raise HtmlError(f"{source}: image '{written}' is not included by an \\includegraphics of {source} itself "
                            "(the build finds a document's images there)")
        image, where = use.file, use.where
        if image is None:
            raise HtmlError(f"{where}: image '{written}' is not a file under {paths.rel(paths.NOTES)}/ (its path is "
                            f"written relative to {paths.rel(paths.NOTES)}/; a PDF, PNG or JPEG)")
        alt = g.get("description")
        if not (alt or "").strip():
            holder = parents.get(g)
            while holder is not None and holder.tag != f"{{{LTX}}}figure":
                holder = parents.get(holder)
            alt = _caption_text(holder)
        if not alt.strip():
            raise HtmlError(f"{where}: image '{written}' has no text alternative: give one "
                            "(\\includegraphics[alt={...}]) or put it in a figure with a \\caption")
        out[g.get("{http://www.w3.org/XML/1998/namespace}id")] = (
            paths.html_image(image).relative_to(paths.BUILD_HTML).as_posix(), alt)
    return out


def place_images(article: str, images: dict[str, tuple[str, str]]) -> str:
    """The author's images, like the figures: latexmlpost left them empty (--nographicimages)."""
    from html import escape

    def image(m):
        if m[1] not in images:
            return m[0]
        src, alt = images[m[1]]
        classes = " ".join(c for c in m[2].split() if not c.startswith("ltx_missing"))
        return f'<img src="{escape(src)}" id="{m[1]}" class="{classes}" alt="{escape(alt)}">'

    return _MISSING_IMG.sub(image, article)


def post(name: str, tree, source: str) -> str:
    """latexmlpost on the prepared XML: the <article> of its HTML5.

    A run that fails without naming any problem (no page, an empty log) has been seen to pass on a
    second try: it is retried once; a second such failure says what the log and the process said."""
    with tempfile.TemporaryDirectory(dir=paths.BUILD_HTML) as tmp:
        xml, html, log = Path(tmp) / f"{name}.xml", Path(tmp) / f"{name}.html", paths.BUILD_HTML / f"{name}.post.log"
        tree.write(xml, encoding="utf-8", xml_declaration=True)
        for attempt in (1, 2):
            run, log_text, found = _post_once(xml, html, log)
            failed = run.returncode != 0 or not html.is_file()
            if found or not failed:
                break
        if found or failed:
            raise HtmlError(f"{source}: the HTML post-processing failed (log: {paths.rel(log)})\n  "
                            + "\n  ".join(found or [f"{_unexplained(run, log, log_text)} (tried twice)"]))
        text = html.read_text(encoding="utf-8")
    article = _ARTICLE.search(text)
    if not article:
        raise HtmlError(f"{source}: latexmlpost wrote no <article>")
    return article.group(0)


_IMG = re.compile(r'<img src="figures/([A-Za-z0-9_]+)\.svg"')
_IMAGE = re.compile(r'<img src="(images/[^"]+)"')


def finish_article(article: str, source: str) -> str:
    """Adjust LaTeXML's article for the page: headings in order under one h1, scroll boxes (only those that
    scroll are Tab stops: coursebuild/pagelayout.py), permalinks; then refuse anything broken (an error box,
    a missing image, an unresolved label)."""
    # A chapter's title is the page's <h1>; any other page's <h1> is the template's.
    article = headings_in_order(article, top=1 if 'class="ltx_title ltx_title_chapter"' in article else 2)
    article = scroll_boxes(article)
    # A link to itself in each heading, statement, numbered equation and figure (the ids are final here).
    article = add_permalinks(article)
    broken = _BROKEN.search(article)
    if broken:
        context = re.sub(r"<[^>]+>", "", article[max(0, broken.start() - 200):broken.end() + 200])
        raise HtmlError(f"{source}: the page would show {broken.group(0)!r} near: {' '.join(context.split())[:160]}")
    return article


def write_article(name: str, xml_name: str, student: bool, source: str) -> None:
    """Step 3: the page's text, build/html/NAME.article.html (rewritten only if it changed)."""
    from coursebuild import bibliography

    tree = _parse(paths.html_xml(xml_name))
    root = tree.getroot()
    link_external(root, json.loads(paths.html_refs(xml_name).read_text()), source)
    if student:
        drop_solutions(root, source)
    images = images_in(root, source)
    article = place_images(place_figures(post(name, tree, source), figures_in(root), source), images)
    # latexmlpost's MathML follows TeX's tokens (--noparse): given the formula's structure here (coursebuild/mathml.py).
    article = mathml.rewrite(article)
    # The bibliography's "Cited by" links named after the places they return to, which only the
    # XML knows (the numbered element around each citation), not LaTeXML's "2nd item".
    article = bibliography.name_back_links(article, bibliography.place_names(root))
    article = finish_article(article, source)
    atomic.write_text_if_changed(paths.html_article(name), article)


_SECTION = re.compile(r'<section id="([^"]+)" class="ltx_section">\s*<h[23] class="ltx_title ltx_title_section">(.*?)</h[23]>', re.S)
# A chapter's title is an <h2> only on the page of all chapters (coursebuild/onepage.py).
_CHAPTER_TITLE = re.compile(r'<section id="([^"]+)" class="ltx_chapter">\s*<h2 class="ltx_title ltx_title_chapter">(.*?)</h2>', re.S)


def _entry(ident: str, title: str) -> dict:
    return {"id": ident, "label": " ".join(re.sub(r"<[^>]+>", " ", title).split()), "sections": []}


def contents(article: str) -> list[dict]:
    """The page's sections, for its table of contents; on the page of all chapters, its chapters,
    each with its sections."""
    chapters = list(_CHAPTER_TITLE.finditer(article))
    if not chapters:
        return [_entry(ident, title) for ident, title in _SECTION.findall(article)]
    ends = [m.start() for m in chapters[1:]] + [len(article)]
    return [{**_entry(m[1], m[2]), "sections": [_entry(i, t) for i, t in _SECTION.findall(article, m.end(), end)]}
            for m, end in zip(chapters, ends)]


def revision_notice(name: str) -> dict | None:
    """The page's notice of its revisions since release, from build/revisions.json, as on the course page."""
    import datetime as dt

    from coursebuild import render
    from coursebuild.revisions import load_revisions

    entry = load_revisions().get(name) or {}
    if not entry.get("last_revised"):
        return None
    sections = sorted({section for r in entry["revisions"] for section in r["sections"]})
    return {"date": render.long_date(dt.date.fromisoformat(entry["last_revised"])),
            "iso": entry["last_revised"], "sections": sections,
            "changes": os.path.relpath(paths.DIST / entry["changes_pdf"], paths.DIST_HTML) if entry.get("changes_pdf")
            else None}


# A chapter's element in its article; its id (LaTeXML's, e.g. Ch2) names it on every page.
CHAPTER_SECTION = re.compile(r'<section id="(?P<id>[^"]+)" class="ltx_chapter\b')


def _chapter_id(doc) -> str:
    """The id of a chapter's element on its page, from its article."""
    article = paths.html_article(doc.name)
    found = CHAPTER_SECTION.search(article.read_text(encoding="utf-8")) if article.is_file() else None
    return found["id"] if found else ""


def page_context(doc, s, docs: dict) -> dict:
    """What the template prints around a document's text: every value from the syllabus."""
    from coursebuild import navigation, render, versions
    from coursebuild.tex import lectures_with

    ctx = {"course": s.course, "css": paths.HTML_CSS, "heading": None, "subtitle": [], "previous": None,
           "next": None, "related": [], "one_page": None, "pdf": os.path.relpath(doc.dist_pdf, paths.DIST_HTML),
           "version": versions.text(versions.read().get(doc.name)), "revised": revision_notice(doc.name)}
    if doc.kind == "chapter":
        chapter = s.chapter(doc.params["chapter"])
        ctx["title"] = f"Chapter {chapter.number}: {chapter.title}"
        dates = [render.long_date(lec.date) for lec in lectures_with(s, "chapter", chapter.id)]
        if dates:
            ctx["subtitle"] = [f"Lecture{'s' if len(dates) > 1 else ''} of {' and '.join(dates)}"]
        index = [c.id for c in s.chapters].index(chapter.id)
        if index > 0:
            before = s.chapters[index - 1]
            ctx["previous"] = navigation.released_link(docs[before.stem], f"Chapter {before.number}")
        if index + 1 < len(s.chapters):
            after = s.chapters[index + 1]
            ctx["next"] = navigation.released_link(docs[after.stem], f"Chapter {after.number}")
        # Its place on the page of all chapters, for a search across the notes (coursebuild/onepage.py).
        ctx["one_page"] = f"{docs[FULL_NOTES].dist_html.name}#{_chapter_id(doc)}"
    elif doc.kind in ("homework", "solutions"):
        sheet = s.sheet(doc.params["homework"])
        ctx["title"] = ctx["heading"] = f"Homework {sheet.number}: {sheet.title}"
        if doc.kind == "solutions":
            ctx["title"] += " (solutions)"
            ctx["subtitle"].append("Solutions")
        lectures = lectures_with(s, "homework", sheet.id)
        if lectures:
            ctx["subtitle"].append(f"Lecture of {render.long_date(lectures[0].date)} · {', '.join(lectures[0].topics)}")
        due = s.due(sheet.id)
        if due:
            ctx["subtitle"].append(f"Due {render.long_date(due)}")
        # Its solutions or its sheet, the chapters it covers, the sheets before and after it.
        ctx.update(navigation.sheet_links(doc, s, docs))
    elif doc.kind == "notes":
        ctx["title"] = ctx["heading"] = "Lecture notes"
        shown = [c for c in s.chapters if docs[c.stem].released]
        ctx["subtitle"] = ["Every chapter on one page" if len(shown) == len(s.chapters)
                           else f"The {len(shown)} chapters released so far, of {len(s.chapters)}, on one page"]
    else:
        ctx["title"] = ctx["heading"] = s.checklist.title
        ctx["subtitle"] = [s.checklist.subtitle]
    ctx.update(source_links(doc, s, ctx["version"]))
    return ctx


def source_links(doc, s, version: str) -> dict:
    """The repository's links around a page, as its PDF prints them (coursebuild/tex.py): the
    scripts its source names and, on a chapter or sheet, the new-issue form with its version."""
    from coursebuild import forge
    from coursebuild.documents import scripts_named
    from coursebuild.tex import document_label

    repo = forge.repository(s.course.repository)
    if not repo:
        return {"scripts": [], "report": None}
    scripts = [{"path": p, "url": forge.source_url(repo, p)} for p in scripts_named(doc.sources)]
    report = (forge.report_url(repo, document_label(doc, s), version)
              if doc.kind in ("chapter", "homework", "solutions") else None)
    return {"scripts": scripts, "report": report}


def write_page(name: str, context: dict, target: str, withdraw: str | None) -> None:
    """The template around the text, and the figures it shows beside it (dist/html/ works offline)."""
    from markupsafe import Markup

    from coursebuild import render

    article = paths.html_article(name).read_text(encoding="utf-8")
    figures = sorted(set(_IMG.findall(article)))
    missing = [f for f in figures if not paths.html_figure(f).is_file()]
    if missing:
        raise HtmlError(f"{name}: no SVG for figure {', '.join(missing)} (./doit svg:{missing[0]})")
    from html import unescape

    images = sorted({unescape(i) for i in _IMAGE.findall(article)})
    missing = [i for i in images if not (paths.BUILD_HTML / i).is_file()]
    if missing:
        raise HtmlError(f"{name}: no converted image {missing[0]} (./doit image)")
    # The article is LaTeXML's conversion of our own sources; the template escapes every syllabus value.
    html = number_boxes(render.render_html("page.html.j2", article=Markup(article), contents=contents(article), **context))
    target = Path(target)
    for figure in figures:
        dest = target.parent / "figures" / f"{figure}.svg"
        if not dest.is_file() or dest.read_bytes() != paths.html_figure(figure).read_bytes():
            atomic.copy_file(paths.html_figure(figure), dest, staging=paths.STAGING)
    for image in images:
        built, dest = paths.BUILD_HTML / image, target.parent / image
        if not dest.is_file() or dest.read_bytes() != built.read_bytes():
            atomic.copy_file(built, dest, staging=paths.STAGING)
    atomic.write_text(target, html, staging=paths.STAGING)
    if withdraw:
        Path(withdraw).unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------
# Figures and bibliography

def svg_figure(name: str) -> None:
    """The figure's PDF as SVG (poppler's pdftocairo): the same drawing and fonts, as vectors."""
    pdf, svg = paths.FIGURES / f"{name}.pdf", paths.html_figure(name)
    svg.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=svg.parent) as tmp:
        out = Path(tmp) / f"{name}.svg"
        subprocess.run(["pdftocairo", "-svg", str(pdf), str(out)], check=True, capture_output=True)
        # Glyph and clip ids are unique within a file only; a page shows each SVG through <img>,
        # so that they never meet.
        atomic.write_bytes(svg, out.read_bytes())


def convert_image(image: str) -> None:
    """An image of the notes as its page shows it: a PDF as SVG (as the figures), a PNG or JPEG copied."""
    source = paths.ROOT / image
    target = paths.html_image(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix != ".svg":
        atomic.copy_file(source, target, staging=paths.STAGING)
        return
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = Path(tmp) / target.name
        run = subprocess.run(["pdftocairo", "-svg", "-f", "1", "-l", "1", str(source), str(out)],
                             capture_output=True, text=True)
        if run.returncode != 0 or not out.is_file():
            raise HtmlError(f"{image}: pdftocairo could not make it an SVG ({run.stderr.strip() or 'no output'})")
        atomic.write_bytes(target, out.read_bytes())


def convert_bibliography(bibliography: list[str]) -> None:
    """The course's .bib files (syllabus.yaml: bibliography) as one LaTeXML XML, once for every page
    (each page lists what it cites)."""
    target = paths.HTML_BIBLIOGRAPHY
    target.parent.mkdir(parents=True, exist_ok=True)
    log = paths.BUILD_HTML / "references.latexml.log"
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = Path(tmp) / "references.bib.xml"
        bib = Path(tmp) / "references.bib"
        bib.write_text("\n".join(paths.course_file(f).read_text(encoding="utf-8") for f in bibliography) + "\n",
                       encoding="utf-8")
        run = subprocess.run(["latexml", "--quiet", "--preload=url.sty", f"--log={log}", f"--dest={out}", str(bib)],
                             cwd=paths.ROOT, capture_output=True, text=True)
        found = problems(log.read_text(errors="replace") if log.is_file() else "", {})
        if run.returncode != 0 or found or not out.is_file():
            raise HtmlError(f"{', '.join(bibliography) or 'bibliography'}: the bibliography's conversion failed\n  "
                            + "\n  ".join(found or [run.stderr.strip()]))
        # arXiv ids and DOIs as links, links named by what they show (coursebuild/bibliography.py).
        from coursebuild.bibliography import link_identifiers

        tree = _parse(out)
        link_identifiers(tree.getroot())
        tree.write(out, encoding="utf-8", xml_declaration=True)
        atomic.write_bytes(target, out.read_bytes())


def copy_stylesheet() -> None:
    atomic.copy_file_if_changed(paths.TEMPLATES / paths.HTML_CSS, paths.DIST_HTML / paths.HTML_CSS,
                                staging=paths.STAGING)


def figures_shown(doc) -> list[str]:
    """The figures a page shows, as its text says (read from its article)."""
    article = paths.html_article(doc.name)
    return _IMG.findall(article.read_text(encoding="utf-8")) if article.is_file() else []


def images_shown(doc) -> list[str]:
    """The images of the notes a page shows (paths below dist/html/), as its text says."""
    from html import unescape

    article = paths.html_article(doc.name)
    return [unescape(i) for i in _IMAGE.findall(article.read_text(encoding="utf-8"))] if article.is_file() else []


def prune(keep_pages: set[str], keep_figures: set[str], keep_images: set[str] = frozenset()) -> None:
    """Remove from dist/html/ what no released page shows any more (a withdrawn page's figures and images)."""
    if not paths.DIST_HTML.is_dir():
        return
    for page in paths.DIST_HTML.glob("*.html"):
        if page.name not in keep_pages:
            page.unlink()
    for svg in (paths.DIST_HTML / "figures").glob("*.svg"):
        if svg.stem not in keep_figures:
            svg.unlink()
    for image in sorted((paths.DIST_HTML / "images").rglob("*"), reverse=True):
        if image.is_file() and image.relative_to(paths.DIST_HTML).as_posix() not in keep_images:
            image.unlink()


