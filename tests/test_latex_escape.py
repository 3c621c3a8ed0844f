"""The escaping filter, table-driven: every value from syllabus.yaml comes out literally."""
import pytest

from corelib.latex_escape import escape_latex

CASES = [
    ("plain text", "plain text"),
    ("Systèmes, Données", "Systèmes, Données"),
    ("Mézard", "Mézard"),
    ("R&D", r"R\&D"),
    ("100%", r"100\%"),
    ("x_1", r"x\_1"),
    ("$5", r"\$5"),
    ("#1", r"\#1"),
    ("{a}", r"\{a\}"),
    ("~user", r"\textasciitilde{}user"),
    ("2^10", r"2\textasciicircum{}10"),
    (r"\input{/etc/passwd}", r"\textbackslash{}input\{/etc/passwd\}"),
    ("a<b>c", r"a\textless{}b\textgreater{}c"),
    ("a|b", r"a\textbar{}b"),
    ('say "hi"', r"say \textquotedbl{}hi\textquotedbl{}"),
    ("pages 1--2", "pages 1-{}-2"),
    ("a---b", "a-{}-{}-b"),
    ("''quoted''", r"\textquotesingle{}\textquotesingle{}quoted\textquotesingle{}\textquotesingle{}"),
    ("?`", r"?\textasciigrave{}"),
    ("don't", r"don\textquotesingle{}t"),
    (",,", ",{},"),
    ("line\nbreak", "line break"),
    ("bell\x07", r"bell\textless{}U+0007\textgreater{}"),
    ("9:00\u201312:15", "9:00--12:15"),
    ("\u201cquoted\u201d", "``quoted''"),
    (None, ""),
    (42, "42"),
]


@pytest.mark.parametrize("value, expected", CASES)
def test_escape_latex(value, expected):
    assert escape_latex(value) == expected


def test_characters_outside_the_fonts_are_spelled_out_not_passed_to_latex():
    out = escape_latex("日")
    assert "日" not in out and "cjk unified ideograph" in out


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a_b#frag", r"https://example.org/a_b\#frag"),
    ("https://example.org/~me/100%", r"https://example.org/\~me/100\%"),
])
def test_escape_url(url, expected):
    assert escape_latex(url, url=True) == expected
