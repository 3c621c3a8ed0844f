"""The course page, dist/index.html, generated from syllabus.yaml and the built PDFs.

Every link points at a PDF that the build put in dist/; section pointers ("Sec. 3.1 to 3.3") are
read from the full notes' .aux, so they follow the notes' real numbering.
"""
from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from corelib import atomic
from coursebuild import html, paths, render
from coursebuild.ics import CALENDAR_NAME, course_calendar, meetings_on
from coursebuild.navigation import section_anchors, sections_label
from coursebuild.documents import CHECKLIST, FULL_NOTES, Document, documents, solutions_name
from coursebuild.release import decision_date, document_name, html_edition, preview, release_dates
from coursebuild.syllabus import Syllabus, where

CSS_NAME = "course.css"


class PageError(ValueError):
    pass


@dataclass(frozen=True)
class Link:
    label: str
    href: str | None      # None: not released yet
    detail: str           # "PDF, 312 kB, 14 pages" or "available 24 January 2025"
    kind: str
    revised: dt.date | None = None  # its last revision since release (coursebuild/revisions.py)
    changes: str | None = None      # its "what changed" PDF
    html: str | None = None  # its page in the HTML edition, when it has one and is released
    due: dt.date | None = None  # a homework sheet's due date, when the schedule gives one
    # A lecture's range of a chapter's sections: each end's place on the chapter's HTML page
    # ({"label": "Sec. 3.1", "href": ...}), shown instead of the whole page's link.
    sections: tuple = ()


def human_size(size: int) -> str:
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1e6:.1f} MB"


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pdf_detail(pdf: Path) -> str:
    pages = page_count(pdf)
    return f"PDF, {human_size(pdf.stat().st_size)}, {pages} page{'s' if pages != 1 else ''}"


def section_numbers(aux: Path) -> dict[str, str]:
    text = aux.read_text(errors="replace") if aux.is_file() else ""
    return dict(re.findall(r"\\newlabel\{([^}@]+)\}\{\{([^}]*)\}", text))


def _link(doc: Document, label: str, kind: str, release, revised: dict | None = None) -> Link:
    if doc.released:
        page = doc.html.relative_to(paths.DIST).as_posix() if html_edition() else None
        entry = (revised or {}).get(doc.name) or {}
        last = dt.date.fromisoformat(entry["last_revised"]) if entry.get("last_revised") else None
        return Link(label, doc.pdf.relative_to(paths.DIST).as_posix(), pdf_detail(doc.pdf), kind,
                    last, entry.get("changes_pdf") if last else None, page)
    return Link(label, None, f"available {render.long_date(release)}", kind)


def schedule_rows(s: Syllabus, docs: dict[str, Document], numbers: dict[str, str],
                  revised: dict | None = None) -> list[dict]:
    dates = release_dates(s)
    rows = []
    for index, lecture in enumerate(s.schedule):
        links = []
        for m_index, m in enumerate(lecture.materials):
            name = document_name(m.kind, m.ref, s)
            doc = docs[name]
            if m.kind == "chapter":
                chapter = s.chapter(m.ref)
                label = f"Chapter {chapter.number}: {chapter.title}"
                if m.sections:
                    first, last = (numbers.get(key) for key in m.sections)
                    missing = [k for k, n in zip(m.sections, (first, last)) if n is None]
                    if missing:
                        key = ("schedule", index, "materials", m_index, "sections")
                        raise PageError(f"{where(key)}: no label {', '.join(missing)} in the full notes")
                    label = sections_label(first, last, chapter)
            elif m.kind == "homework":
                label = f"Homework {s.sheet(m.ref).number}: {s.sheet(m.ref).title}"
            else:
                label = f"Solutions to homework {s.sheet(m.ref).number}"
            link = _link(doc, label, m.kind, dates.get(name), revised)
            if m.kind == "chapter" and m.sections and link.html:
                link = _with_sections(link, doc, m.sections, (first, last))
            links.append(replace(link, due=m.due) if m.kind == "homework" else link)
        rows.append({"lecture": lecture, "links": links, "id": lecture_anchor(lecture.date)})
    return rows


def _with_sections(link: Link, doc: Document, labels: tuple[str, str], numbers: tuple[str, str]) -> Link:
    """A chapter's link that opens the lecture's first and last sections on its page (their
    anchors from the page's labels index); the whole page's where the page lacks one of them."""
    anchors = section_anchors(doc, labels)
    if not anchors:
        return link
    ends = [{"label": f"Sec.\u00a0{number}", "href": f"{link.html}#{anchor['id']}"}
            for number, anchor in zip(numbers, anchors)]
    return replace(link, html=None, sections=tuple(ends[:1] if ends[0] == ends[1] else ends))


def lecture_anchor(day: dt.date) -> str:
    return f"lecture-{day.isoformat()}"


def coming_lecture(s: Syllabus, day: dt.date) -> dict | None:
    """The lecture of `day` or, failing one, the next (a `no_class` row is none): what the page
    marks and links near its top, with how it names it, or None once the last lecture is past."""
    lecture = min((lec for lec in s.schedule if not lec.no_class and lec.date >= day), key=lambda lec: lec.date,
                  default=None)
    if lecture is None:
        return None
    wait = (lecture.date - day).days
    when = "Today's lecture" if wait == 0 else "This week's lecture" if wait < 7 else "Next lecture"
    return {"lecture": lecture, "when": when, "anchor": lecture_anchor(lecture.date),
            "day": f"{lecture.date:%A} {render.long_date(lecture.date)}",
            "times": [f"{m.start}\u2013{m.end}" for m in meetings_on(s, lecture.date)]}


def document_labels(s: Syllabus) -> dict[str, str]:
    """How the page names each document, in the order it lists them."""
    labels = {c.stem: f"Chapter {c.number}: {c.title}" for c in s.chapters}
    for h in s.homework:
        labels[h.id] = f"Homework {h.number}: {h.title}"
        if h.solutions:
            labels[solutions_name(h.id)] = f"Solutions to homework {h.number}"
    if s.checklist is not None:
        labels[CHECKLIST] = s.checklist.title
    return {**labels, FULL_NOTES: "Lecture notes (all chapters)"}


def revision_rows(revised: dict, labels: dict[str, str], chapters: set[str] = frozenset()) -> list[dict]:
    """Every revision of a released document, one row per commit (a chapter's correction is also
    one of the full notes), newest first: date, documents with their changes PDFs, what changed,
    the reason the commit gives. Where the full notes are revised too, their section titles, which
    name the chapter ("Chapter 1, Convex sets"), stand for the chapters' own."""
    rows: dict[str, dict] = {}
    in_notes = {r["commit"] for r in (revised.get(FULL_NOTES) or {}).get("revisions", [])}
    for name in labels:
        entry = revised.get(name) or {}
        for r in entry.get("revisions", []):
            row = rows.setdefault(r["commit"], {"date": dt.date.fromisoformat(r["date"]), "commit": r["commit"],
                                                "documents": [], "sections": [], "reason": r["reason"]})
            row["documents"].append({"label": labels[name], "href": entry.get("changes_pdf")})
            what = r["sections"] or [*(["figures"] if r["figures"] else []), *(["heading"] if r["syllabus"] else [])]
            if name in chapters and r["commit"] in in_notes:
                what = []
            row["sections"] += [t for t in what if t not in row["sections"]]
    return sorted(rows.values(), key=lambda row: row["date"], reverse=True)


def page_context(s: Syllabus) -> dict:
    from coursebuild import forge
    from coursebuild.revisions import load_revisions

    docs = {d.name: d for d in documents(s)}
    full = docs[FULL_NOTES]
    revised = load_revisions()
    coming = coming_lecture(s, decision_date())
    return {
        "course": s.course,
        "repository": forge.repository(s.course.repository),
        "checklist": _link(docs[CHECKLIST], s.checklist.title, "checklist", None, revised) if s.checklist else None,
        "notes": _link(full, "Lecture notes (all chapters)", "notes", None, revised),
        "chapters": [_link(docs[c.stem], f"Chapter {c.number}: {c.title}", "chapter", release_dates(s).get(c.stem),
                           revised) for c in s.chapters],
        "rows": schedule_rows(s, docs, section_numbers(full.aux), revised),
        "revisions": revision_rows(revised, document_labels(s), {c.stem for c in s.chapters}),
        "css": CSS_NAME,
        "calendar": CALENDAR_NAME,
        "coming": coming,
        "has_due": any(s.due(h.id) for h in s.homework),
        "decision_date": decision_date(),
        "preview": preview(),
    }


def render_page(s: Syllabus) -> str:
    return render.render_html("index.html.j2", **page_context(s))


def write_page(s: Syllabus) -> None:
    atomic.write_text(paths.DIST / "index.html", render_page(s), staging=paths.STAGING)
    # Unchanged style sheets keep their time stamps (a browser's or a mirror's cache stays valid).
    atomic.copy_file_if_changed(paths.TEMPLATES / CSS_NAME, paths.DIST / CSS_NAME, staging=paths.STAGING)
    atomic.write_bytes(paths.DIST / CALENDAR_NAME, course_calendar(s, decision_date()), staging=paths.STAGING)
    # The HTML edition's style sheet, and nothing in dist/html/ that no released page shows (with
    # `html=no`, no page at all: the course page then links none).
    html.copy_stylesheet()
    docs = documents(s)
    released = [d for d in docs if d.released and html_edition()]
    html.prune({d.dist_html.name for d in released}, {f for d in released for f in html.figures_shown(d)},
               {i for d in released for i in html.images_shown(d)})
    prune(published(docs))


def published(docs: list[Document]) -> set[Path]:
    """What dist/ holds outside dist/html/ after a build: the course page, its style sheet and its
    calendar, each released document's PDF and, where it was revised, its "what changed" PDF."""
    keep = {paths.DIST / "index.html", paths.DIST / CSS_NAME, paths.DIST / CALENDAR_NAME}
    for doc in docs:
        if doc.released:
            keep |= {doc.pdf, paths.changes_pdf(doc.name)}
    return keep


def prune(keep: set[Path]) -> None:
    """Remove from dist/ (outside dist/html/, which html.prune sees to) every file the build no longer
    makes: a removed chapter's PDF, the solutions of a sheet that has none now. dist/ is what is
    published (`rsync --delete`), so it holds what the syllabus makes and nothing else."""
    if not paths.DIST.is_dir():
        return
    for path in sorted(paths.DIST.rglob("*"), reverse=True):  # files before their directories
        if path == paths.DIST_HTML or path.is_relative_to(paths.DIST_HTML):
            continue
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif path not in keep:
            path.unlink()


def serve(port: int = 8000) -> None:
    """Serve dist/ on localhost (./doit serve) until Ctrl-C."""
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(paths.DIST))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"serving dist/ at http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    import sys

    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 8000)
