"""The bibliography of the HTML edition, where LaTeXML's would leave a reader without a way on.

Two steps of coursebuild/html.py call these:
- `link_identifiers`, on the .bib files' XML (task bibxml): an arXiv id or a DOI links to its page
  (https://arxiv.org/abs/ID, https://doi.org/DOI) whether it is a field of its own (eprint with
  archivePrefix = arXiv, doi) or written in a note ("arXiv:2101.00001", "doi:10.1000/x"); a url
  field's link shows its address, as the PDF prints it, not "Link"; a DOI shows itself, not "Document".
- `name_back_links`, on a page (task htmlpost): each "Cited by" link back into the text is named
  after the place it returns to ("Section 2.1", "Exercise 3", "Solution of Exercise 3"), not
  LaTeXML's "2nd item" or "item (a)" (the place's numbered item, which a reader cannot find).
"""
from __future__ import annotations

import re

from coursebuild.html import LTX, NBSP, NS, element_text, is_solution

XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

# arXiv's identifiers, new (2101.00001, with a version or not) and old (math/0601001, hep-th/9901001).
ARXIV_ID = r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
# As a note writes one: "arXiv:ID" (any case, a space allowed), or a DOI as "doi:10.NNNN/...".
# A DOI runs to the next space; a final full stop, comma or parenthesis is the sentence's.
_IN_TEXT = re.compile(rf"(?i:arxiv):\s*(?P<arxiv>{ARXIV_ID})\b|(?i:doi):\s*(?P<doi>10\.\d{{4,9}}/\S*[^\s.,;:)\]])")


def arxiv_url(ident: str) -> str:
    return f"https://arxiv.org/abs/{ident}"


def doi_url(doi: str) -> str:
    from urllib.parse import quote

    return f"https://doi.org/{quote(doi, safe='/:;()-._')}"


def _tag(element) -> str:
    return element.tag.removeprefix(f"{{{LTX}}}")


def link_identifiers(root) -> None:
    """Rewrite the bibliography's XML (LaTeXML's, of the .bib files) so that identifiers link."""
    for entry in root.iter(f"{{{LTX}}}bibentry"):
        data = {e.get("role"): element_text(e).lower() for e in entry.findall("ltx:bib-data", NS)}
        declared_arxiv = "arxiv" in (data.get("archiveprefix"), data.get("eprinttype"))
        for field in list(entry):
            kind = _tag(field)
            if kind == "bib-url" and field.get("href"):
                field.text = field.get("href")
                del field[:]
            elif kind == "bib-identifier" and field.get("scheme") == "doi" and field.get("id"):
                field.set("href", doi_url(field.get("id")))
                field.text = f"doi:{field.get('id')}"
                del field[:]
            elif kind == "bib-links":
                # An eprint field: LaTeXML shows it as unlinked text.
                text = element_text(field)
                m = re.fullmatch(rf"(?:(?i:arxiv):\s*)?({ARXIV_ID})", text)
                if m and (declared_arxiv or text.lower().startswith("arxiv")):
                    field.tag = f"{{{LTX}}}bib-identifier"
                    field.attrib.update(scheme="arxiv", id=m[1], href=arxiv_url(m[1]))
                    field.text = f"arXiv:{m[1]}"
                    del field[:]
            elif kind != "bib-data":
                _link_in_text(field)


def _link_in_text(element) -> None:
    """Each arXiv id or DOI written in the element's text (not in a link already) as a link."""
    if _tag(element) == "ref":
        return
    element.text = _split(element.text, element, 0)
    for child in list(element):
        _link_in_text(child)
        child.tail = _split(child.tail, element, list(element).index(child) + 1)


def _split(text: str | None, parent, at: int) -> str | None:
    """`text` up to its first identifier; the identifiers as <ref> elements inserted into `parent`
    from position `at`, each followed (as its tail) by the text up to the next."""
    import xml.etree.ElementTree as ET

    matches = list(_IN_TEXT.finditer(text or ""))
    if not matches:
        return text
    for i, m in enumerate(matches):
        href = arxiv_url(m["arxiv"]) if m["arxiv"] else doi_url(m["doi"])
        ref = ET.Element(f"{{{LTX}}}ref", href=href)
        ref.text = m[0]
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        ref.tail = text[m.end():end]
        parent.insert(at + i, ref)
    return text[:matches[0].start()]


# ------------------------------------------------------------------------------------------
# "Cited by": the places the links return to

def _place(element) -> str | None:
    """How a numbered element is named in the text ("Section 2.1", "Exercise 3"): its cleveref
    name and number, which LaTeXML records for what it numbers. A list's item is no place: its
    number means nothing outside its list."""
    if _tag(element) == "item":
        return None
    holder = element.find("ltx:tags", NS)
    if holder is None:
        return None
    tags = {t.get("role"): element_text(t) for t in holder.findall("ltx:tag", NS)}
    if not (tags.get("creftypecap") and tags.get("refnum")):
        return None
    return f"{tags['creftypecap']}{NBSP}{tags['refnum']}"


INTRODUCTION = "the introduction"


def place_names(root) -> dict[str, str]:
    """xml:id of every element of a document -> the name of the place it is in: the nearest
    numbered element around it (itself included), "Solution of ..." inside a sheet's solution, or
    "the introduction" before the first numbered one."""
    names = {}

    def walk(element, place: str, in_solution: bool):
        own = _place(element)
        place = own or place
        in_solution = in_solution or is_solution(element)
        if element.get(XML_ID):
            names[element.get(XML_ID)] = f"Solution of {place}" if in_solution and place != INTRODUCTION else place
        for child in element:
            walk(child, place, in_solution)

    walk(root, INTRODUCTION, False)
    return names


_CITED = re.compile(r'<span class="ltx_bibblock ltx_bib_cited">Cited by: ((?:<a .*?</a>,?\s*)+)', re.S)
_BACK_LINK = re.compile(r'(<a href="#([^"]+)"[^>]*>)<span class="ltx_text ltx_ref_tag">.*?</span></a>', re.S)


def ordinal(n: int) -> str:
    """n as an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 101st, 111th."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def name_back_links(article: str, places: dict[str, str]) -> str:
    """Name each "Cited by" link of the page's bibliography after the place it returns to. Two
    links to one place are told apart by their order ("Section 1.3 (2nd citation)")."""
    def block(m):
        seen: dict[str, int] = {}

        def link(a):
            name = places.get(a[2])
            if name is None:
                return a[0]
            seen[name] = seen.get(name, 0) + 1
            count = seen[name]
            shown = name if count == 1 else f"{name} ({ordinal(count)} citation)"
            return f"{a[1]}{shown}</a>"

        return m[0].replace(m[1], _BACK_LINK.sub(link, m[1]))

    return _CITED.sub(block, article)
