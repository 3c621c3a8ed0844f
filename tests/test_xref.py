"""Cross-chapter references: a chapter's PDF gets exactly the numbers of the labels it quotes from
other chapters, taken from the full notes' .aux, with links to elsewhere removed."""
from coursebuild.xref import aux_labels, defined_labels, read_quoted, record_quoted, xref_source

AUX = r"""\relax
\newlabel{ch:second}{{4}{40}{The second chapter}{chapter.4}{}}
\newlabel{ch:second@cref}{{[chapter][4][]4}{[1][40][]40}}
\newlabel{thm:far}{{4.2}{45}{A theorem {\em of} the second chapter}{theorem.4.2}{}}
\newlabel{thm:far@cref}{{[theorem][2][4]4.2}{[1][45][]45}}
\newlabel{eq:own}{{1.3}{3}{}{equation.1.3}{}}
"""


def test_quoted_labels_grow_with_what_latex_found_undefined_less_what_the_document_defines(tmp_path):
    quoted, aux = tmp_path / "doc-quoted.txt", tmp_path / "doc.aux"
    aux.write_text(AUX)
    assert defined_labels(AUX) == {"ch:second", "thm:far", "eq:own"}
    assert record_quoted(quoted, {"lem:elsewhere"}, tmp_path / "no.aux")
    assert record_quoted(quoted, {"eq:own", "sec:other"}, aux)  # eq:own is now the document's own
    assert read_quoted(quoted) == {"lem:elsewhere", "sec:other"}
    assert not record_quoted(quoted, set(), aux)  # unchanged: not rewritten


def test_the_numbers_a_document_was_given_stay_quoted_when_its_list_is_lost(tmp_path):
    # Compiled with a numbers file, LaTeX reports none of those labels undefined: a list lost (or
    # from before the lists) must not drop them, or the next numbers file would lack them.
    quoted = tmp_path / "doc-quoted.txt"
    given = rb"\newlabel{thm:far}{{4.2}{}{}{theorem.4.2}{../lecture-notes.pdf}}" + b"\n"
    assert record_quoted(quoted, set(), tmp_path / "no.aux", given)
    assert read_quoted(quoted) == {"thm:far"}


def test_page_is_dropped_links_point_into_the_full_notes_and_nested_braces_survive():
    labels = aux_labels(AUX, "../lecture-notes.pdf")
    assert labels["thm:far"] == "{{4.2}{}{A theorem {\\em of} the second chapter}{theorem.4.2}{../lecture-notes.pdf}}"
    assert labels["thm:far@cref"] == "{{[theorem][2][4]4.2}{[1][][]}}"


def test_only_the_quoted_labels_are_copied():
    out = xref_source({"thm:far"}, AUX)
    assert "\\newlabel{thm:far}" in out and "\\newlabel{thm:far@cref}" in out
    assert "eq:own" not in out and "ch:second" not in out


def test_unknown_labels_are_left_out_so_latex_reports_them():
    assert "nope" not in xref_source({"nope", "thm:far"}, AUX)
    assert xref_source({"nope"}, AUX) == ""  # the same as no numbers file: nothing to recompile for
