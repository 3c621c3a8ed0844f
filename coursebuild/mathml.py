"""Presentation MathML with structure, rewritten from latexmlpost's `--noparse` output.

LaTeXML runs with --noparse (docs/html.md, "Why LaTeXML": its parser doubles the conversion time), so
its MathML follows TeX's token stream, not the formula's shape: every script hangs off an empty `<mi>`
after its base (`x<msub><mi></mi>i</msub>`), a number is one `<mn>` per digit group, a display sum
keeps its limits beside it, `\\operatorname{ReLU}` is four one-letter identifiers. Browsers then draw
limits beside sums and screen readers speak "normal R normal e normal L normal U". This module gives
each formula the structure TeX gave it, with the same glyphs (docs/html.md, "Mathematics"):

1. every script on its base, a sub- and a superscript together as one `<msubsup>`, a script after a
   closing fence on the whole fenced group;
2. numbers whole (`2.25` one `<mn>`);
3. in display style (a display, or a formula whose TeX begins \\displaystyle, as LaTeXML writes an
   aligned display's cells), big operators and limit-like names with their limits below and above; an
   \\underbrace's (\\overbrace's) label below (above) its brace in every style, as TeX sets it;
4. multi-letter upright names as one identifier, and function application (U+2061) between a
   function's name and its argument;
5. the conditioning bar `\\mid` as text, so that speech says "vertical bar", not "divides";
6. no `mathvariant="normal"` on a one-character identifier that is upright anyway (`\\ell`, `\\infty`).

Only the inside of each `<math>` changes: its start tag (id, alttext, tabindex) and everything outside
it are kept byte for byte, and a formula the rules leave alone is kept as written.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_MATH = re.compile(r"(<math\b[^>]*>)(.*?)(</math>)", re.S)

# Elements whose children are read one after another (a row), where a script's base is the sibling
# before it. In the others (mfrac, msub, munder, mroot, ...) each child is an argument of its own.
_ROWS = {"math", "mrow", "mstyle", "mpadded", "mphantom", "menclose", "msqrt", "merror", "mtd", "mlabeledtr"}
_SCRIPTS = {"msub", "msup", "msubsup", "munder", "mover", "munderover"}
# A child here is set in text style by TeX (fraction parts, scripts, a root's index), except the base
# of a script (and an underbrace's body), which TeX keeps in the style around it.
_TEXT_STYLE_PARENTS = {"mfrac", "msub", "msup", "msubsup", "munder", "mover", "munderover", "mroot", "mmultiscripts"}
_BASE_FIRST = _SCRIPTS | {"mmultiscripts"}

_OPENERS = {"(": ")", "[": "]", "{": "}", "⟨": "⟩", "⌈": "⌉", "⌊": "⌋", "⦃": "⦄", "〈": "〉"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}
# Fences that open and close with the same glyph: | and the double bars \| (∥) and \lVert (‖).
_SYMMETRIC = {"|", "‖", "∥", "∣"}

# \underbrace, \overbrace, \underbracket, \overbracket as LaTeXML writes them: an <munder>/<mover> of the
# body and this glyph. TeX sets a brace's label below (above) it in every style, as a limit.
_BRACES = set("⏟⏞︸︷⎵⎴")

# Big operators that TeX sets with limits below and above in display style (integrals keep theirs
# beside, as TeX does), and the names amsmath declares with limits (\lim, \max, ..., \operatorname*).
_BIG_OPERATORS = set("∑∏∐⋃⋂⨁⨂⨀⨄⨆⋁⋀")
# (arg min and the like are not TeX's: a course declares them with \operatorname*, read from the alttext.)
_LIMIT_NAMES = {"lim", "lim sup", "lim inf", "limsup", "liminf", "max", "min", "sup", "inf", "det", "gcd", "Pr",
                "inj lim", "proj lim"}
_OPERATORNAME_STAR = re.compile(r"\\operatorname\*\{((?:[^{}]|\{[^{}]*\})*)\}")
# TeX's thin spaces inside an operator's name ("arg\,min") are one space in the name.
_TEX_SPACE = re.compile(r"\\[,;:! ]|\\(?:thinspace|quad|qquad)\b|~")

_DIGITS = re.compile(r"[0-9]+")
_LETTER = re.compile(r"[A-Za-z]")
APPLY_FUNCTION = "\u2061"
INVISIBLE_TIMES = "\u2062"


def _is_empty_base(element) -> bool:
    return element.tag == "mi" and not (element.text or "").strip() and len(element) == 0


def _is_loose_script(element) -> bool:
    """A script LaTeXML wrote after its base instead of on it: its base is an empty <mi>."""
    return element.tag in ("msub", "msup", "msubsup") and len(element) >= 2 and _is_empty_base(element[0])


# The characters a one-character <mi> draws in italic (MathML Core's italic mapping, `math-auto`): Latin
# and Greek letters, dotless i and j, nabla, partial and the Greek variants.
_ITALIC_BY_DEFAULT = re.compile("[A-Za-z\u0131\u0237\u0391-\u03A9\u03B1-\u03C9\u03D1\u03D5\u03D6\u03F0\u03F1"
                                "\u03F4\u03F5\u2202\u2207]")


def _needless_normal(element) -> bool:
    """mathvariant="normal" on a one-character <mi> that is upright anyway (\\ell, \\infty, \\emptyset):
    LaTeXML writes it, it changes nothing on screen, and speech engines say "normal" before the symbol."""
    text = element.text or ""
    return (element.tag == "mi" and element.get("mathvariant") == "normal" and len(element) == 0
            and len(text) == 1 and not _ITALIC_BY_DEFAULT.match(text))


def _mo_text(element) -> str | None:
    return (element.text or "").strip() if element.tag == "mo" and len(element) == 0 else None


def _upright_letter(element) -> bool:
    """\\mathrm{X} or one letter of \\operatorname{...}: <mi mathvariant="normal">X</mi>, a Latin letter."""
    return (element.tag == "mi" and element.get("mathvariant") == "normal" and len(element) == 0
            and bool(_LETTER.fullmatch(element.text or "")))


def _name_of(element) -> str | None:
    """The name a function-like identifier spells (after the merge of its letters), else None."""
    if element.tag == "mi" and len(element) == 0 and len((element.text or "").strip()) > 1:
        return element.text.strip()
    if (element.tag == "mrow" and len(element) >= 3 and len(element) % 2
            and all(c.tag == "mi" and len(c) == 0 for c in element[::2])
            and all(_mo_text(c) == INVISIBLE_TIMES for c in element[1::2])):
        return " ".join((c.text or "").strip() for c in element[::2])  # arg min, as _identifier writes it
    if element.tag == "mo" and (element.text or "").strip() in _LIMIT_NAMES:
        return element.text.strip()
    return None


def _is_brace(element) -> bool:
    """\\underbrace{...} or \\overbrace{...} (and the brackets) as LaTeXML writes it, before its label."""
    return (element.tag in ("munder", "mover") and len(element) == 2
            and _mo_text(element[1]) is not None and _mo_text(element[1]) in _BRACES)


class _Rewriter:
    """The rewrite of one formula; `limit_names` are the \\operatorname* names its TeX declares."""

    def __init__(self, limit_names: set[str], matrices: bool = False):
        self.limit_names = _LIMIT_NAMES | limit_names
        self.matrices = matrices  # its tables are matrices or cases, in text style (see _style)
        self.changed = False
        self.built: set[int] = set()  # ids of the scripted elements built here: a later script may join them

    # -- the walk ---------------------------------------------------------------------------
    def walk(self, element, display: bool) -> None:
        if self._spelled_name(element) is not None:
            return  # \operatorname{...}'s letters: the row around it makes them one identifier
        if _needless_normal(element):
            del element.attrib["mathvariant"]
            self.changed = True
        display = _style(element, display, self.matrices)
        for index, child in enumerate(element):
            # Scripts, a fraction's parts and a root's index are in text style in TeX.
            text_style = element.tag in _TEXT_STYLE_PARENTS and not (element.tag in _BASE_FIRST and index == 0)
            self.walk(child, display and not text_style)
        if element.tag in _ROWS:
            self.row(element, display)
        else:
            # An argument of its own (a script, a fraction's part): x^{\mathrm{lin}}'s letters are one name too.
            for index, child in enumerate(list(element)):
                name = self._spelled_name(child)
                if name is not None:
                    element.remove(child)
                    element.insert(index, self._identifier(name, child))
                    self.changed = True

    def row(self, element, display: bool) -> None:
        children = list(element)
        if not children:
            return
        new = self.function_application(_given_bars(self.scripts(self.names(self.numbers(children)), display)))
        if [id(c) for c in new] != [id(c) for c in children]:
            self.changed = True
            for child in children:
                element.remove(child)
            element.extend(new)

    # -- rule 2: numbers whole -----------------------------------------------------------------
    def numbers(self, children: list) -> list:
        """Adjacent digit groups and a decimal point between digits make one number: 0 . 2 5 -> 0.25."""
        out: list = []
        for child in children:
            digits = child.tag == "mn" and len(child) == 0 and _DIGITS.fullmatch(child.text or "")
            if digits and out and out[-1].tag == "mn" and len(out[-1]) == 0 and re.fullmatch(r"[0-9]+(\.[0-9]*)?", out[-1].text or ""):
                out[-1] = self._copy(out[-1], text=out[-1].text + child.text)
                continue
            if (digits and len(out) >= 2 and _mo_text(out[-1]) == "." and out[-2].tag == "mn"
                    and _DIGITS.fullmatch(out[-2].text or "")):
                out.pop()
                out[-1] = self._copy(out[-1], text=out[-1].text + "." + child.text)
                continue
            out.append(child)
        return out

    # -- rule 4a: a multi-letter upright name is one identifier -------------------------------------
    def names(self, children: list) -> list:
        out: list = []
        run: list = []  # upright letters side by side: \mathrm{KL}

        def end_run():
            if len(run) > 1:
                out.append(self._identifier("".join(c.text for c in run), run[0]))
            else:
                out.extend(run)
            run.clear()

        for child in children:
            if _upright_letter(child):
                run.append(child)
                continue
            end_run()
            name = self._spelled_name(child)
            out.append(child if name is None else self._identifier(name, child))
        end_run()
        return out

    @staticmethod
    def _spelled_name(element) -> str | None:
        """\\operatorname{sign}: an <mrow> of upright letters (and thin spaces: arg\\,min)."""
        if element.tag != "mrow" or len(element) < 2:
            return None
        letters = [c.text for c in element if _upright_letter(c)]
        spaces = [c for c in element if c.tag == "mspace"]
        if len(letters) + len(spaces) != len(element) or len(letters) < 2:
            return None
        return " ".join("".join(c.text if c.tag == "mi" else " " for c in element).split())

    @staticmethod
    def _identifier(name: str, like) -> ET.Element:
        """One <mi> for the name; words apart ("arg min") as LaTeXML's own parser writes them, an invisible
        times with the thin space before it, which speech reads "arg min", not spelled out."""
        attributes = {k: v for k, v in like.attrib.items() if k != "mathvariant"}
        words = name.split(" ")
        if len(words) == 1:
            mi = ET.Element("mi", attributes)
            mi.text = name
            return mi
        space = next((c.get("width") for c in like if c.tag == "mspace" and c.get("width")), "0.167em")
        row = ET.Element("mrow", attributes)
        for index, word in enumerate(words):
            if index:
                ET.SubElement(row, "mo", {"lspace": space, "rspace": "0em"}).text = INVISIBLE_TIMES
            ET.SubElement(row, "mi").text = word
        return row

    # -- rules 1 and 3: scripts on their base, limits below and above in display style -----------------
    def scripts(self, children: list, display: bool) -> list:
        out: list = []
        for child in children:
            if not _is_loose_script(child) or not out:
                out.append(child)  # a script with nothing before it keeps its empty base ({}^t)
                continue
            sub, sup = (child[1], None) if child.tag == "msub" else (None, child[1]) if child.tag == "msup" else (child[1], child[2])
            previous = out[-1]
            first_is_sup = previous.tag in ("msup", "mover")
            if (previous.tag in ("msub", "msup", "munder", "mover") and id(previous) in self.built
                    and (sub is None) != first_is_sup):
                # x_i^2, \max_i^n: a subscript then a superscript (or the other way round) on one base.
                base = previous[0]
                sub = sub if sub is not None else previous[1]
                sup = sup if sup is not None else previous[1]
                out.pop()
            else:
                start = self._group_start(out)
                group = out[start:]
                del out[start:]
                base = group[0] if len(group) == 1 else self._mrow(group)
            out.append(self._scripted(base, sub, sup, display))
        return out

    def _group_start(self, out: list) -> int:
        """Where the base of a script ends in `out`: the last element, or for a closing fence the group
        back to its opener ((a+b)^2, \\|x\\|^2, |x|^2)."""
        last = len(out) - 1
        closing = _mo_text(out[last])
        if closing in _CLOSERS:
            # Any opener closes the group, not only the matching glyph: a half-open interval [0,1)^d.
            depth = 0
            for index in range(last, -1, -1):
                text = _mo_text(out[index])
                if text in _CLOSERS:
                    depth += 1
                elif text in _OPENERS:
                    depth -= 1
                    if depth == 0:
                        return index
            return last
        if closing in _SYMMETRIC:
            # The nearest same bar before it that is not inside a bracket opened after it.
            depth = 0
            for index in range(last - 1, -1, -1):
                text = _mo_text(out[index])
                if text in _CLOSERS:
                    depth += 1
                elif text in _OPENERS:
                    if depth == 0:
                        return last
                    depth -= 1
                elif text == closing and depth == 0:
                    return index
            return last
        return last

    def _limits_below(self, base, display: bool) -> bool:
        if _is_brace(base):
            return True
        if not display:
            return False
        text = _mo_text(base)
        if text is not None:
            return base.get("movablelimits") == "false" or text in _BIG_OPERATORS or text in self.limit_names
        name = _name_of(base)
        return name is not None and name in self.limit_names

    def _scripted(self, base, sub, sup, display: bool):
        below = self._limits_below(base, display)
        if sub is not None and sup is not None:
            tag, args = ("munderover" if below else "msubsup"), [base, sub, sup]
        elif sub is not None:
            tag, args = ("munder" if below else "msub"), [base, sub]
        else:
            tag, args = ("mover" if below else "msup"), [base, sup]
        element = ET.Element(tag)
        element.extend(args)
        self.built.add(id(element))
        return element

    @staticmethod
    def _mrow(children: list) -> ET.Element:
        row = ET.Element("mrow")
        row.extend(children)
        return row

    # -- rule 4b: function application ---------------------------------------------------------------
    def function_application(self, children: list) -> list:
        """U+2061 between a function's name (log, sin, \\operatorname{rank}, \\mathrm{KL}, log^2) and what
        follows it, unless that is an operator (a relation, a comma, a closing fence) or nothing."""
        out: list = []
        for index, child in enumerate(children):
            out.append(child)
            base = child[0] if child.tag in ("msub", "msup", "msubsup") and len(child) else child
            name = _name_of(base)
            if name is None or name in self.limit_names or index + 1 == len(children):
                continue
            following = children[index + 1]
            text = _mo_text(following)
            if text is not None and text not in _OPENERS and text not in _SYMMETRIC:
                continue
            if following.tag == "mspace" and index + 2 == len(children):
                continue
            # TeX puts a thin space between an operator's name and an ordinary argument (\log x), none
            # before a parenthesis (\log(x)); a browser gives U+2061 no space of its own.
            apply = ET.Element("mo", {} if text in _OPENERS or following.tag == "mspace" else {"rspace": "0.167em"})
            apply.text = APPLY_FUNCTION
            out.append(apply)
        return out

    @staticmethod
    def _copy(element, text: str) -> ET.Element:
        copy = ET.Element(element.tag, dict(element.attrib))
        copy.text = text
        return copy


# Probability and expectation: the one bar at the top level of P(...|...) or E[...|...] is a conditioning bar.
_PROBABILITY = {"ℙ", "𝔼", "P", "E", "Pr"}


def _given_bars(children: list) -> list:
    """P(A | B), E[X \\big| Y]: the one bar (U+007C) is \\mid's; it becomes \\mid's glyph, which
    _conditioning_bars then writes as speech should read it."""
    out = list(children)
    for index, child in enumerate(out[:-1]):
        base = child[0] if child.tag in ("msub", "msup", "msubsup", "munder") and len(child) else child
        if not (base.tag == "mi" and (base.text or "").strip() in _PROBABILITY and _mo_text(out[index + 1]) in _OPENERS):
            continue
        depth, bars = 0, []
        for position in range(index + 1, len(out)):
            text = _mo_text(out[position])
            if text in _OPENERS:
                depth += 1
            elif text in _CLOSERS:
                depth -= 1
                if depth == 0:
                    break
            elif text == "|" and depth == 1:
                bars.append(position)
        if len(bars) == 1 and depth == 0:
            out[bars[0]] = ET.Element("mo", dict(out[bars[0]].attrib))
            out[bars[0]].text = "∣"
    return out


def _conditioning_bars(element, script: bool = False) -> bool:
    """\\mid (U+2223, an <mo>) is read "divides" by speech engines; as text, with spaces, it is read
    "vertical bar". It keeps TeX's space around a relation: a thick space each side (a no-break space),
    a narrow one in a script, where TeX puts none (a bare bar would be read "divides" again)."""
    changed = False
    for index, child in enumerate(list(element)):
        if _mo_text(child) == "∣":
            text = ET.Element("mtext", {k: v for k, v in child.attrib.items()
                                        if k in ("mathsize", "mathcolor", "mathbackground")})
            # \big| is an <mo> stretched to minsize; text does not stretch, so it is set at that size.
            if "mathsize" not in text.attrib and child.get("minsize"):
                text.set("mathsize", child.get("minsize"))
            space = "\u202f" if script else "\u00a0"
            text.text = f"{space}|{space}"
            text.tail = child.tail
            element.remove(child)
            element.insert(index, text)
            changed = True
        else:
            in_script = script or (element.tag in _SCRIPTS and index > 0)
            changed = _conditioning_bars(child, in_script) or changed
    return changed


def limit_names(alttext: str) -> set[str]:
    """The \\operatorname* names in a formula's TeX (LaTeXML's alttext has the macros expanded), in the
    form `names` gives them: letters, with one space where TeX put a thin space."""
    found = set()
    for body in _OPERATORNAME_STAR.findall(alttext):
        found.add(" ".join(_TEX_SPACE.sub(" ", body.replace("{", "").replace("}", "")).split()))
    return found


# TeX sets a matrix's and a case distinction's cells in text style, though LaTeXML marks their table
# displaystyle="true"; aligned, gathered, multline and split keep display style.
_MATRIX = re.compile(r"\\begin\{(?:[pbvVB]?matrix|smallmatrix|cases|array|subarray)\*?\}")


def _style(element, display: bool, matrices: bool) -> bool:
    """Whether element's content is in display style, given its parent's (display): \\displaystyle and
    \\textstyle (<mstyle displaystyle>), and a display's tables (see _MATRIX)."""
    if element.tag == "mstyle" and element.get("displaystyle") in ("true", "false"):
        return element.get("displaystyle") == "true"
    if element.tag == "mtable":
        return display and not matrices
    return display


_ALTTEXT = re.compile(r'\balttext="([^"]*)"')
_DISPLAY = re.compile(r'\bdisplay="block"')
# LaTeXML writes each cell of an aligned display as an inline formula whose TeX begins \displaystyle.
_DISPLAYSTYLE = re.compile(r"\s*\\displaystyle(?![A-Za-z])")


def rewrite_math(start_tag: str, inside: str) -> str:
    """One formula's content (what is between <math ...> and </math>), rewritten; unchanged if no rule applies."""
    try:
        root = ET.fromstring(f"<math>{inside}</math>")
    except ET.ParseError:
        return inside  # not what latexmlpost writes; left as it is rather than guessed at
    alttext = _ALTTEXT.search(start_tag)
    tex = _unescape(alttext.group(1)) if alttext else ""
    rewriter = _Rewriter(limit_names(tex), bool(_MATRIX.search(tex)))
    rewriter.walk(root, display=bool(_DISPLAY.search(start_tag) or _DISPLAYSTYLE.match(tex)))
    bars = _conditioning_bars(root)
    if not (rewriter.changed or bars):
        return inside
    text = "" if root.text is None else _escape(root.text)
    return text + "".join(ET.tostring(child, encoding="unicode", short_empty_elements=False) for child in root)


def _unescape(value: str) -> str:
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rewrite(html: str) -> str:
    """Every <math> of a page or article rewritten (module docstring); the rest kept byte for byte."""
    return _MATH.sub(lambda m: m[1] + rewrite_math(m[1], m[2]) + m[3], html)
