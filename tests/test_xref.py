"""Cross-chapter references: a chapter's PDF gets exactly the numbers of the labels it uses from
other chapters, taken from the full notes' .aux, with links to elsewhere removed."""
from coursebuild.xref import aux_labels, labels_used, xref_source

AUX = r"""\relax
\newlabel{ch:lazy-limit}{{4}{40}{The lazy limit}{chapter.4}{}}
\newlabel{ch:lazy-limit@cref}{{[chapter][4][]4}{[1][40][]40}}
\newlabel{thm:ntk}{{4.2}{45}{Convergence {\em in} the lazy regime}{theorem.4.2}{}}
\newlabel{thm:ntk@cref}{{[theorem][2][4]4.2}{[1][45][]45}}
\newlabel{eq:own}{{1.3}{3}{}{equation.1.3}{}}
"""


def test_labels_used_and_defined():
    used, defined = labels_used(r"\label{eq:own} see \cref{thm:ntk, eq:own} and \Cref{ch:lazy-limit} % \ref{x}")
    assert used == {"thm:ntk", "eq:own", "ch:lazy-limit"} and defined == {"eq:own"}


def test_page_is_dropped_links_point_into_the_full_notes_and_nested_braces_survive():
    labels = aux_labels(AUX, "../lecture-notes.pdf")
    assert labels["thm:ntk"] == "{{4.2}{}{Convergence {\\em in} the lazy regime}{theorem.4.2}{../lecture-notes.pdf}}"
    assert labels["thm:ntk@cref"] == "{{[theorem][2][4]4.2}{[1][][]}}"


def test_only_external_labels_are_copied():
    out = xref_source(r"\label{eq:own}\cref{thm:ntk}\eqref{eq:own}\cref{ch:lazy-limit}", AUX, {"ch:lazy-limit"})
    assert "\\newlabel{thm:ntk}" in out and "\\newlabel{thm:ntk@cref}" in out
    assert "eq:own" not in out and "ch:lazy-limit" not in out


def test_unknown_labels_are_left_out_so_latex_reports_them():
    assert "nope" not in xref_source(r"\cref{nope}", AUX)
