"""Rendering each document's LaTeX wrapper from syllabus.yaml and its template."""
from __future__ import annotations

from corelib import atomic
from coursebuild import paths, render
from coursebuild.documents import Document, cites, scripts_named
from coursebuild.preamble import latex_file
from coursebuild.syllabus import Syllabus


def lectures_with(s: Syllabus, kind: str, ref: str):
    return [lec for lec in s.schedule if any(m.kind == kind and m.ref == ref for m in lec.materials)]


def context(doc: Document, s: Syllabus) -> dict:
    ctx = {
        "course": s.course,
        "template_name": doc.template,
        "pdf_title": doc.title if doc.kind == "notes" else f"{s.course.title}: {doc.title}",
        "has_citations": cites(doc.sources, without_solutions=doc.kind == "homework"),
        # Its version is a file of its own (from git, by the versions task), so that a new commit
        # recompiles only the documents whose version it changed, and re-renders no wrapper.
        "version_name": paths.version_file(doc.name).name,
    }
    ctx.update(source_links(doc, s))
    if doc.kind == "notes":
        ctx["chapters"] = s.chapters
    elif doc.kind == "chapter":
        chapter = s.chapter(doc.params["chapter"])
        ctx.update(chapter=chapter, lectures=lectures_with(s, "chapter", chapter.id),
                   xref_name=paths.xref_file(chapter.stem).name)
    elif doc.kind in ("homework", "solutions"):
        sheet = s.sheet(doc.params["homework"])
        lectures = lectures_with(s, "homework", sheet.id)
        ctx.update(sheet=sheet, solutions=doc.params["solutions"], lecture=lectures[0] if lectures else None,
                   due=s.due(sheet.id), xref_name=paths.xref_file(sheet.id).name,
                   sheet_preamble=[latex_file(paths.rel(f)) for f in doc.preamble])
        if doc.params["solutions"]:
            ctx["pdf_title"] += " (solutions)"
    elif doc.kind == "checklist":
        # \input takes the source by its path from the project's root, where LaTeX runs (a path the
        # loader allows letters, digits and _./- only in: nothing to escape).
        ctx.update(checklist=s.checklist, checklist_input=render.Raw(s.checklist.source.removesuffix(".tex")))
    return ctx


def document_label(doc: Document, s: Syllabus) -> str:
    """How a report of an error names the document."""
    if doc.kind == "chapter":
        chapter = s.chapter(doc.params["chapter"])
        return f"Chapter {chapter.number}: {chapter.title}"
    if doc.kind in ("homework", "solutions"):
        sheet = s.sheet(doc.params["homework"])
        return f"Homework {sheet.number}: {sheet.title}" + (" (solutions)" if doc.kind == "solutions" else "")
    return doc.title


# Stands for the version in the report link, replaced by \courseversionquery (the version file's),
# so that a new version changes no wrapper.
_VERSION_SLOT = "COURSEVERSIONSLOT"


def source_links(doc: Document, s: Syllabus) -> dict:
    """The repository's links a PDF prints: the scripts its source names, the new-issue form."""
    from corelib.latex_escape import escape_latex

    from coursebuild import forge

    repo = forge.repository(s.course.repository)
    if not repo:
        return {"scripts": [], "report_url": None}
    scripts = [{"path": p, "url": render.Raw(escape_latex(forge.source_url(repo, p), url=True))}
               for p in scripts_named(doc.sources)]
    report = None
    if doc.kind in ("chapter", "homework", "solutions"):
        url = escape_latex(forge.report_url(repo, document_label(doc, s), _VERSION_SLOT), url=True)
        report = render.Raw(url.replace(_VERSION_SLOT, r"\courseversionquery"))
    return {"scripts": scripts, "report_url": report}


def render_document(doc: Document, s: Syllabus) -> str:
    return render.render_latex(doc.template, **context(doc, s))


def write_document(doc: Document, s: Syllabus) -> bool:
    """Render and write the wrapper only if its text changed, so unchanged documents do not rebuild."""
    return atomic.write_text_if_changed(doc.tex, render_document(doc, s))
