"""The layout of an article of the HTML edition, on latexmlpost's HTML as text (as coursebuild/html.py
and permalinks.py work): headings that never skip a level, and the boxes that scroll sideways.

**Headings.** LaTeXML gives each kind of title a fixed level: a statement's or proof's title is an
<h6> (an <h5> on a chapter's page), a \\paragraph's an <h4>, whatever holds them; a sheet's page
then jumps from its <h1> to <h6>. Each title here gets the level below the title it follows in
the text's own nesting (a statement in a section is one level below the section's title), so that
no level is skipped and the outline is the notes'. Statements keep a heading: it is what a screen
reader's list of headings shows to find "Theorem 4.2".

**Scroll boxes.** A display (LaTeXML's equation tables), a table of the notes, verbatim code and a long
inline formula sit in a box that scrolls sideways when it is wider than the text (notes.css):

    <div class="course_scroll course_display"><div class="course_scroll_focus" tabindex="0"
         role="region" aria-label="Equation (4.2)"><table role="presentation" ...>...</table></div></div>

The outer element scrolls; the inner one is what the keyboard reaches: a region named by its
equations' numbers, or "Formula 3" (the page's third unnumbered one: number_boxes, when the page is
written), as ARIA's pattern of a scrolling region has it and axe asks (a focusable element needs a
role; regions need distinct names). notes.css hides the inner one (visibility: hidden, its content
visible) while its box does not scroll (a scroll-state container query), so that only a box that
scrolls is a Tab stop, and draws the focus ring around the box, never on <math>. A browser without
scroll-state queries keeps every box a Tab stop (docs/html.md, "Phone and keyboard"). The equation
tables are layout: role="presentation".
"""
from __future__ import annotations

import re

SCROLL = "course_scroll"
FOCUS = "course_scroll_focus"

# ------------------------------------------------------------------------------------------
# Headings

_HEADING = re.compile(r"<(?P<close>/?)h(?P<level>[1-6])\b(?P<rest>[^>]*)>")


def headings_in_order(article: str, top: int) -> str:
    """Each heading one level below the heading it is nested in, LaTeXML's levels saying the nesting;
    the first levels start at `top`. A chapter's title (on its own page, its only <h1>) holds the rest
    of its article, its references included."""
    stack: list[tuple[int, int, bool]] = []  # (LaTeXML's level, new level, holds the rest of the article)
    opened: list[int] = []
    out, at = [], 0
    for m in _HEADING.finditer(article):
        level = int(m["level"])
        if m["close"]:
            new = opened.pop() if opened else level
        else:
            while stack and stack[-1][0] >= level and not stack[-1][2]:
                stack.pop()
            new = stack[-1][1] + 1 if stack else top
            stack.append((level, new, "ltx_title_chapter" in m["rest"]))
            opened.append(new)
        out += [article[at:m.start()], f"<{m['close']}h{min(new, 6)}{m['rest']}>"]
        at = m.end()
    return "".join(out) + article[at:]


# ------------------------------------------------------------------------------------------
# Scroll boxes

def _box(kind: str, tag: str, inner: str, label: str) -> str:
    return (f'<{tag} class="{SCROLL} {kind}"><{tag} class="{FOCUS}" tabindex="0" role="region" '
            f'aria-label="{label}">{inner}</{tag}></{tag}>')


_NUMBER = re.compile(r'<span class="ltx_tag ltx_tag_equation\b[^"]*">([^<]*)</span>')


def _display_label(table: str) -> str:
    """A display's name: its equations' numbers, else "Formula" (numbered on the page: number_boxes)."""
    numbers = [n.strip() for n in _NUMBER.findall(table)]
    if not numbers:
        return UNNAMED["course_display"]
    return f"Equation {numbers[0]}" if len(numbers) == 1 else f"Equations {numbers[0]} to {numbers[-1]}"


_TABLE_TAG = re.compile(r"<(/?)table\b")
_EQUATION_TABLE = re.compile(r'<table ((?:id="[^"]*" )?class="ltx_equation)')


def _end_of_table(article: str, start: int) -> int:
    """The end of the table that opens at `start` (tables nest)."""
    depth = 0
    for m in _TABLE_TAG.finditer(article, start):
        depth += -1 if m[1] else 1
        if depth == 0:
            return article.index(">", m.end()) + 1
    return len(article)


def _tables(article: str, opening: re.Pattern, wrap, between) -> str:
    """Each table that `opening` finds, whole, through `wrap(match, rest of the table)`; `between` rewrites the
    text outside those tables (and only that)."""
    out, at = [], 0
    for m in opening.finditer(article):
        if m.start() < at:  # a table inside one already wrapped
            continue
        end = _end_of_table(article, m.start())
        out += [between(article[at:m.start()]), wrap(m, article[m.end():end])]
        at = end
    return "".join(out) + between(article[at:])


def _display(m, rest: str) -> str:
    table = f'<table role="presentation" {m[1]}' + rest
    return _box("course_display", "div", table, _display_label(table))


# A table of the notes (LaTeX's tabular): data, which a phone may have to scroll sideways.
_TABULAR = re.compile(r'<table (class="ltx_tabular\b)')


def _tabular(m, rest: str) -> str:
    return _box("course_table", "div", f"<table {m[1]}" + rest, UNNAMED["course_table"])


# An inline formula whose TeX is this long may not fit a phone's line (about 35 characters there).
_LONG_INLINE = re.compile(r'<math [^>]*\balttext="[^"]{40,}" display="inline".*?</math>', re.S)
_VERBATIM = re.compile(r'<pre (class="ltx_verbatim.*?</pre>)', re.S)


def _long_inline(text: str) -> str:
    return _LONG_INLINE.sub(lambda m: _box("course_inline", "span", m[0], UNNAMED["course_inline"]), text)


def scroll_boxes(article: str) -> str:
    """Each display, table, verbatim block and long inline formula in its scroll box, with no tabindex of its own."""
    # The cells of an aligned display are inline <math> too (display="inline", \displaystyle), and so are the
    # formulas in a table's cells: they scroll with their display's or table's box, so only formulas outside
    # both get a box of their own.
    article = _tables(article, _EQUATION_TABLE, _display,
                      lambda text: _tables(text, _TABULAR, _tabular, _long_inline))
    return _VERBATIM.sub(lambda m: _box("course_code", "div", f"<pre {m[1]}", UNNAMED["course_code"]), article)


# What a box without a number of its own is called; number_boxes numbers these names on the page.
UNNAMED = {"course_display": "Formula", "course_inline": "Formula", "course_code": "Code", "course_table": "Scrollable table"}
_UNNAMED_LABEL = re.compile(r'(<(?:div|span) class="' + FOCUS + r'" tabindex="0" role="region" aria-label=")('
                            + "|".join(sorted(set(UNNAMED.values()))) + r')"')


def number_boxes(page: str) -> str:
    """Each unnumbered box's name numbered in the page's order ("Formula 3", "Code 1"): a box that
    scrolls is a region of the page, and no two regions may share a name."""
    counts: dict[str, int] = {}

    def numbered(m):
        counts[m[2]] = counts.get(m[2], 0) + 1
        return f'{m[1]}{m[2]} {counts[m[2]]}"'

    return _UNNAMED_LABEL.sub(numbered, page)
