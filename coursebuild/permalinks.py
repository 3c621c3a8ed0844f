"""Permalinks: each section heading, theorem-like statement, numbered equation and figure (or table)
of a page of the HTML edition gets a link to itself, so that a reader can copy the address of
"Theorem 4.2" or "equation (6.3)" and send it.

The link is `<a class="course_permalink" href="#ID" aria-label="Link to Theorem 4.2"></a>`: its
glyph is notes.css's (generated content, so that copying the text copies no stray mark), and it
is out of sight until the reader points at its element or a keyboard reaches it (notes.css, no
script). It goes where the element's number is printed: at the end of a heading or statement's
title, after an equation's number, at the end of a figure's caption.

It works on latexmlpost's HTML as text, as the rest of the page's post-processing does
(coursebuild/html.py): the ids are LaTeXML's, already in the page and in the labels' index.
"""
from __future__ import annotations

import re
from html import escape, unescape

CLASS = "course_permalink"

# What a section of each kind is called in a link's name (its LaTeXML tag is its number alone).
_SECTION_WORD = {"chapter": "", "part": "Part", "appendix": "Appendix", "section": "Section",
                 "subsection": "Section", "subsubsection": "Section", "paragraph": "paragraph",
                 "subparagraph": "paragraph", "bibliography": "section", "index": "section"}

_SECTION = re.compile(r'(<section id="(?P<id>[^"]+)" class="ltx_(?P<kind>' + "|".join(_SECTION_WORD)
                      + r')\b[^"]*">\s*<h(?P<level>[1-6]) class="ltx_title\b[^"]*">)(?P<title>.*?)(?P<close></h(?P=level)>)', re.S)
_STATEMENT = re.compile(r'(<div id="(?P<id>[^"]+)" class="ltx_theorem\b[^"]*">\s*'
                        r'<h(?P<level>[1-6]) class="ltx_title\b[^"]*ltx_title_theorem\b[^"]*">)(?P<title>.*?)(?P<close></h(?P=level)>)',
                        re.S)
_TAG = re.compile(r'<span class="ltx_tag ltx_tag_\w+[^"]*">(.*?)</span>(?:</span>)*', re.S)
# An equation's number and the element it numbers: the last table (a single equation) or tbody (a
# row of a group) with an id opened before it.
_EQUATION_PART = re.compile(r'<(?:table|tbody)\b[^>]*\bid="(?P<id>[^"]+)"|'
                            r'(?P<tag><span class="ltx_tag ltx_tag_equation\b[^"]*">(?P<number>[^<]*)</span>)')
_FIGURE_PART = re.compile(r'<figure id="(?P<id>[^"]+)" class="ltx_(?:figure|table)\b[^"]*">|(?P<close></figure>)|'
                          r'(?P<caption><figcaption\b[^>]*>\s*<span class="ltx_tag ltx_tag_(?:figure|table)\b[^"]*">'
                          r'(?P<number>.*?)</span>.*?)(?P<end></figcaption>)', re.S)


def _plain(html: str) -> str:
    """The text of a piece of HTML, on one line."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def link(ident: str, name: str) -> str:
    return f'<a class="{CLASS}" href="#{escape(ident)}" aria-label="Link to {escape(name)}"></a>'


def _section(m) -> str:
    tag = _TAG.search(m["title"])
    number = _plain(tag[1]) if tag else ""
    word = _SECTION_WORD[m["kind"]]
    if re.match(r"[^\W\d]{2,}\s", number):  # a chapter's tag says "Chapter 1" itself
        name = number
    elif number:  # "1.2": Section 1.2
        name = f"{word} {number}"
    else:  # an unnumbered section (the references, a \paragraph): by its title
        name = f"the {word} “{_plain(m['title']).rstrip('.')}”"
    return m[1] + m["title"] + link(m["id"], name) + m["close"]


def _statement(m) -> str:
    tag = _TAG.search(m["title"])
    name = _plain(tag[1]) if tag else _plain(m["title"]).rstrip(".")  # "Theorem 4.2", or "Remark"
    return m[1] + m["title"] + link(m["id"], name) + m["close"]


def _equations(article: str) -> str:
    out, at, owner = [], 0, None
    for m in _EQUATION_PART.finditer(article):
        if m["id"]:
            owner = m["id"]
            continue
        if owner is None:
            continue
        out += [article[at:m.end()], link(owner, f"equation {_plain(m['number'])}")]
        at = m.end()
    return "".join(out) + article[at:]


def _figures(article: str) -> str:
    """A figure's or table's link at the end of its caption; a panel of a figure (a subfigure) has none."""
    out, at, open_figures = [], 0, []
    for m in _FIGURE_PART.finditer(article):
        if m["id"]:
            open_figures.append(m["id"])
        elif m["close"]:
            if open_figures:
                open_figures.pop()
        elif len(open_figures) == 1:
            name = _plain(m["number"]).rstrip(":")  # "Figure 1.1: " -> "Figure 1.1"
            out += [article[at:m.start("end")], link(open_figures[0], name)]
            at = m.start("end")
    return "".join(out) + article[at:]


def add_permalinks(article: str) -> str:
    """The article with a link to itself in each section heading, statement, numbered equation and figure."""
    article = _SECTION.sub(_section, article)
    article = _STATEMENT.sub(_statement, article)
    return _figures(_equations(article))
