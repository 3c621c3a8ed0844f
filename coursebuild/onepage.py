"""The full notes as one page of the HTML edition (dist/html/lecture-notes.html), so that a
browser's find (Ctrl-F) searches every chapter at once, offline.

It is assembled from the chapters' articles that `htmlpost` already made (build/html/NN-*.article.html),
not converted again: a LaTeXML run over the full notes would take minutes and redo everything at each
edit (docs/html.md). What assembling changes in each chapter's text:

- **ids.** A chapter's own ids (its chapter element's, `Ch2`, and those below it, `Ch2.S1`, `Ch2.E3`)
  are unique across chapters and stay as on the chapter's page, so that a permalink of either page
  names the same place. The ids LaTeXML numbers per document instead (its bibliography's `bib`,
  `bib.L1`, `bib.bibN`) get the chapter's own id in front: `Ch2.bib.bib1` (not its page's name,
  `02-duality`: a <math> element's id is an XML name, which starts with a letter).
- **links.** `#id` within a chapter and `NN-x.html#id` to another chapter on the page become `#id`
  on this page (renamed as above); links to anything else (a chapter not on the page, a figure)
  stay as they are.
- **headings.** One level down, under the page's own <h1>: a chapter's title is an <h2>, its
  sections and references <h3> (a chapter's article nests them under its title: coursebuild/pagelayout.py).
- LaTeXML's per-document metadata (`ltx_rdf`) is left out.
"""
from __future__ import annotations

import re
from collections import Counter

from corelib import atomic
from coursebuild import paths
from coursebuild.documents import FULL_NOTES
from coursebuild.html import CHAPTER_SECTION, HtmlError

_BODY = re.compile(r"\A\s*<article\b[^>]*>(?P<body>.*)</article>\s*\Z", re.S)
_ID = re.compile(r'(?<=\sid=")[^"]+(?=")')
_HREF = re.compile(r'(?<=\shref=")[^"]*(?=")')
_PAGE_LINK = re.compile(r"(?P<page>[A-Za-z0-9_.-]+)\.html(?:#(?P<fragment>.*))?")
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_RDF = re.compile(r'<div class="ltx_rdf"[^>]*>\s*</div>\s*')


class _Chapter:
    """One chapter's article, read for the page: its body, its top id, and how its ids are renamed."""

    def __init__(self, name: str, article: str):
        body = _BODY.match(article)
        top = CHAPTER_SECTION.search(article)
        if not body or not top:
            raise HtmlError(f"{paths.rel(paths.html_article(name))}: not a chapter's article (no <section class=\"ltx_chapter\">)")
        self.name, self.body, self.top = name, body["body"], top["id"]

    def renamed(self, ident: str) -> str:
        own = ident == self.top or ident.startswith(self.top + ".")
        return ident if own else f"{self.top}.{ident}"


def _link(href: str, chapter: _Chapter, on_page: dict[str, _Chapter]) -> str:
    if href.startswith("#"):
        return "#" + chapter.renamed(href[1:])
    m = _PAGE_LINK.fullmatch(href)
    other = on_page.get(m["page"]) if m else None
    if other is None:
        return href
    return "#" + (other.renamed(m["fragment"]) if m["fragment"] else other.top)


def _text(chapter: _Chapter, on_page: dict[str, _Chapter]) -> str:
    body = _RDF.sub("", chapter.body)
    body = _ID.sub(lambda m: chapter.renamed(m[0]), body)
    body = _HREF.sub(lambda m: _link(m[0], chapter, on_page), body)
    return _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 1, 6)}", body)


def assemble(articles: list[tuple[str, str]]) -> str:
    """The one page's article from the chapters' (page name, article), in the notes' order.

    Refuses a page where two elements would share an id (naming the id and the chapters)."""
    chapters = [_Chapter(name, article) for name, article in articles]
    on_page = {c.name: c for c in chapters}
    texts = [_text(c, on_page) for c in chapters]
    owners: dict[str, list[str]] = {}
    for chapter, text in zip(chapters, texts):
        for ident, count in Counter(_ID.findall(text)).items():
            owners.setdefault(ident, []).extend([chapter.name] * count)
    clashes = sorted(i for i, names in owners.items() if len(names) > 1)
    if clashes:
        raise HtmlError(f"{paths.rel(paths.html_article(FULL_NOTES))}: id '{clashes[0]}' would be given twice "
                        f"(in {', '.join(sorted(set(owners[clashes[0]])))})")
    if not chapters:
        return '<article class="ltx_document">\n<p>No chapter is released yet.</p>\n</article>'
    return '<article class="ltx_document">' + "".join(texts) + "</article>"


def write_article(chapters: list[str]) -> None:
    """build/html/lecture-notes.article.html from the released chapters' articles (rewritten only if it changed)."""
    articles = [(name, paths.html_article(name).read_text(encoding="utf-8")) for name in chapters]
    atomic.write_text_if_changed(paths.html_article(FULL_NOTES), assemble(articles))
