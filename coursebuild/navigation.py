"""Where a page of the HTML edition leads, besides its text: a homework sheet's solutions, the
chapters it covers and the sheets before and after it; a solutions page's sheet; the sections a
lecture's materials name. Everything is read from the syllabus, and a page not released yet is
never linked (its label may still be shown, as text).

What a sheet covers is what the course page shows beside it: the chapters (or their sections)
listed among the materials of the lecture(s) that list the sheet.
"""
from __future__ import annotations

import json

from coursebuild import paths


def sections_label(first: str, last: str, chapter) -> str:
    """How a lecture's range of sections is named, on the course page and on a sheet's page: one
    section alone when the range starts and ends there, as the course page's links are collapsed."""
    span = first if first == last else f"{first} to {last}"
    return f"Sec. {span} of chapter {chapter.number}: {chapter.title}"


def section_anchors(doc, labels: tuple[str, str]) -> list[dict] | None:
    """The id and number on a chapter's page of each section label, from its labels index
    (build/html/NAME.labels.json); None for a label its page does not define."""
    index = paths.html_labels(doc.name)
    defines = json.loads(index.read_text())["defines"] if index.is_file() else {}
    found = [defines.get(label) for label in labels]
    if None in found:
        return None
    return [{"id": entry["id"], "number": entry["tags"].get("refnum", "")} for entry in found]


def page_link(doc, label: str, fragment: str = "") -> dict:
    """A link to a document's page, or its label alone (`href` None) while it is not released."""
    return {"label": label, "href": f"{doc.dist_html.name}{fragment}" if doc.released else None}


def released_link(doc, label: str) -> dict | None:
    """A link to a document's page once it is released; None (nothing shown) before."""
    link = page_link(doc, label)
    return link if link["href"] else None


def covered(sheet, s, docs: dict) -> list[dict]:
    """The chapters a sheet covers, in the schedule's order, each once: linked to the first of the
    lecture's sections on the chapter's page when the lecture names sections."""
    out, seen = [], set()
    for lecture in s.schedule:
        if not any(m.kind == "homework" and m.ref == sheet.id for m in lecture.materials):
            continue
        for m in lecture.materials:
            if m.kind != "chapter" or (m.ref, m.sections) in seen:
                continue
            seen.add((m.ref, m.sections))
            chapter = s.chapter(m.ref)
            doc = docs[chapter.stem]
            anchors = section_anchors(doc, m.sections) if m.sections else None
            if anchors:
                out.append(page_link(doc, sections_label(anchors[0]["number"], anchors[1]["number"], chapter),
                                     f"#{anchors[0]['id']}"))
            else:
                out.append(page_link(doc, f"Chapter {chapter.number}: {chapter.title}"))
    return out


def sheet_links(doc, s, docs: dict) -> dict:
    """The links of a sheet's page or of its solutions' page: previous and next (sheets, or
    solutions, of the sheets before and after that have them), each only once released; the
    solutions (from the sheet) or the sheet (from its solutions); the chapters it covers."""
    from coursebuild.documents import solutions_name

    sheet = s.sheet(doc.params["homework"])
    solutions = doc.kind == "solutions"
    # The sheets whose page of this kind exists, in order: every sheet, or those with solutions.
    sheets = [h for h in s.homework if h.solutions or not solutions]
    at = [h.id for h in sheets].index(sheet.id)

    def neighbour(h):
        if solutions:
            return released_link(docs[solutions_name(h.id)], f"Solutions to homework {h.number}")
        return released_link(docs[h.id], f"Homework {h.number}")

    related = []
    # The sheet's other page (its solutions, or the sheet from them) only once released: a solutions
    # page not out yet is not even named. The chapters it covers are named, and linked once released.
    if solutions:
        other = released_link(docs[sheet.id], f"Homework {sheet.number}: {sheet.title}")
    else:
        other = (released_link(docs[solutions_name(sheet.id)], f"Solutions to homework {sheet.number}")
                 if sheet.solutions else None)
    if other:
        related.append({"what": "Sheet" if solutions else "Solutions", "links": [other]})
    chapters = covered(sheet, s, docs)
    if chapters:
        related.append({"what": "Covers", "links": chapters})
    return {"previous": neighbour(sheets[at - 1]) if at > 0 else None,
            "next": neighbour(sheets[at + 1]) if at + 1 < len(sheets) else None,
            "related": related}
