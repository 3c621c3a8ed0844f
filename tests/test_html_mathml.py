"""The HTML edition's MathML with structure (coursebuild/mathml.py): each rule on formulas as latexmlpost
writes them with --noparse (the literals below have the markup latexmlpost writes for each construct, on
made-up formulas), its negative cases, and on the fixture course's build: no script without its base, no number in pieces, no
display limits beside their operator, on any page."""
import re

import pytest

from browser import html_pages as pages
from coursebuild import mathml
from html_quality import page_structure


def _math(inside: str, display: str = "inline", alttext: str = "x") -> str:
    return f'<math id="S1.m1" class="ltx_Math" alttext="{alttext}" display="{display}">{inside}</math>'


def _rewritten(inside: str, display: str = "inline", alttext: str = "x") -> str:
    """The content of the rewritten formula (the start tag is kept, checked once below)."""
    page = mathml.rewrite(_math(inside, display, alttext))
    return re.fullmatch(r"<math [^>]*>(.*)</math>", page, re.S)[1]


# ------------------------------------------------------------------------------------------
# 1. Every script on its base

def test_a_script_takes_the_identifier_before_it_as_base():
    assert _rewritten('<mrow><mi>a</mi><msub><mi></mi><mi>j</mi></msub><mo>+</mo><mi>b</mi></mrow>') == \
        '<mrow><msub><mi>a</mi><mi>j</mi></msub><mo>+</mo><mi>b</mi></mrow>'


def test_a_subscript_then_a_superscript_make_one_msubsup():
    # x_{i}^{2}, and u^{2}_{t} written the other way round
    assert _rewritten('<mrow><mi>x</mi><msub><mi></mi><mi>i</mi></msub><msup><mi></mi><mn>2</mn></msup></mrow>') == \
        '<mrow><msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup></mrow>'
    assert _rewritten('<mrow><mi>u</mi><msup><mi></mi><mn>2</mn></msup><msub><mi></mi><mi>t</mi></msub></mrow>') == \
        '<mrow><msubsup><mi>u</mi><mi>t</mi><mn>2</mn></msubsup></mrow>'


def test_a_script_after_a_closing_fence_takes_the_group_back_to_its_opener():
    # c(p-g(q))^{\top} and a nested group: only the outer parentheses' group is the base
    inside = ('<mrow><mi>c</mi><mo stretchy="false">(</mo><mi>p</mi><mo>−</mo><mi>g</mi><mo stretchy="false">(</mo>'
              '<mi>q</mi><mo stretchy="false">)</mo><mo stretchy="false">)</mo><msup><mi></mi><mo>⊤</mo></msup></mrow>')
    assert _rewritten(inside) == (
        '<mrow><mi>c</mi><msup><mrow><mo stretchy="false">(</mo><mi>p</mi><mo>−</mo><mi>g</mi><mo stretchy="false">(</mo>'
        '<mi>q</mi><mo stretchy="false">)</mo><mo stretchy="false">)</mo></mrow><mo>⊤</mo></msup></mrow>')


def test_a_half_open_interval_is_scripted_from_its_opening_bracket():
    # [0,1)^{d}
    inside = ('<mrow><mo stretchy="false">[</mo><mn>0</mn><mo>,</mo><mn>1</mn><mo stretchy="false">)</mo>'
              '<msup><mi></mi><mi>d</mi></msup></mrow>')
    assert _rewritten(inside) == ('<mrow><msup><mrow><mo stretchy="false">[</mo><mn>0</mn><mo>,</mo><mn>1</mn>'
                                  '<mo stretchy="false">)</mo></mrow><mi>d</mi></msup></mrow>')


def test_a_norm_squared_is_scripted_as_a_whole():
    # c\|p_{k}-q\|^{2}: the bars open and close with the same glyph
    inside = ('<mrow><mi>c</mi><mo>∥</mo><mi>p</mi><msub><mi></mi><mi>k</mi></msub><mo>−</mo><mi>q</mi><mo>∥</mo>'
              '<msup><mi></mi><mn>2</mn></msup></mrow>')
    assert _rewritten(inside) == ('<mrow><mi>c</mi><msup><mrow><mo>∥</mo><msub><mi>p</mi><mi>k</mi></msub><mo>−</mo>'
                                  '<mi>q</mi><mo>∥</mo></mrow><mn>2</mn></msup></mrow>')


def test_a_prime_sits_on_its_base():
    assert _rewritten('<mrow><mi>θ</mi><msup><mi></mi><mo>′</mo></msup></mrow>') == \
        '<mrow><msup><mi>θ</mi><mo>′</mo></msup></mrow>'


def test_a_script_with_nothing_before_it_keeps_its_empty_base():
    # {}^{t}A: TeX's own empty base, on purpose
    lone = '<mrow><msup><mi></mi><mi>t</mi></msup><mi>A</mi></mrow>'
    assert _rewritten(lone) == lone


# ------------------------------------------------------------------------------------------
# 2. Numbers whole

def test_a_decimal_in_pieces_is_one_number():
    # -0.571 and 300 as latexmlpost splits them
    inside = ('<mrow><mo>−</mo><mn>0</mn><mo lspace="0em" rspace="0.167em">.</mo><mn>5</mn><mn>7</mn><mn>1</mn>'
              '<mo>+</mo><mn>3</mn><mn>0</mn><mn>0</mn></mrow>')
    assert _rewritten(inside) == '<mrow><mo>−</mo><mn>0.571</mn><mo>+</mo><mn>300</mn></mrow>'


def test_a_list_of_numbers_stays_a_list():
    listed = '<mrow><mo stretchy="false">(</mo><mn>1</mn><mo>,</mo><mn>2</mn><mo stretchy="false">)</mo></mrow>'
    assert _rewritten(listed) == listed
    # a sentence's full stop after a number, then a symbol: not a decimal point
    stop = '<mrow><mi>n</mi><mo>=</mo><mn>2</mn><mo lspace="0em">.</mo></mrow>'
    assert _rewritten(stop) == stop


# ------------------------------------------------------------------------------------------
# 3. Limits below and above in display style only

SUM = ('<mrow><mo movablelimits="false">∑</mo><msub><mi></mi><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow></msub>'
       '<msup><mi></mi><mi>n</mi></msup><mi>a</mi></mrow>')


def test_a_display_sum_has_its_limits_below_and_above():
    assert _rewritten(SUM, display="block") == (
        '<mrow><munderover><mo movablelimits="false">∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi>'
        '</munderover><mi>a</mi></mrow>')


def test_an_inline_sum_keeps_its_limits_beside():
    inline = SUM.replace(' movablelimits="false"', "")
    assert _rewritten(inline) == ('<mrow><msubsup><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi>'
                                  '</msubsup><mi>a</mi></mrow>')


def test_a_sum_in_a_fraction_of_a_display_keeps_its_limits_beside():
    # TeX sets a fraction's parts in text style
    inside = "<mfrac>" + SUM.replace(' movablelimits="false"', "") + "<mi>n</mi></mfrac>"
    assert "<msubsup><mo>∑</mo>" in _rewritten(inside, display="block")
    assert "munder" not in _rewritten(inside, display="block")


def test_a_sum_in_the_cases_of_a_display_keeps_its_limits_beside_and_one_in_an_aligned_display_does_not():
    # TeX sets the cells of cases and pmatrix in text style; LaTeXML marks their table displaystyle="true"
    table = ('<mrow><mi>f</mi><mo>=</mo><mrow><mo>{</mo><mtable columnspacing="5pt" displaystyle="true" rowspacing="0pt">'
             '<mtr><mtd><mrow>' + SUM + '</mrow></mtd></mtr></mtable></mrow></mrow>')
    cases = _rewritten(table, display="block", alttext=r"f=\begin{cases}\sum_{i=1}^{n}a\end{cases}")
    assert "<msubsup><mo movablelimits=\"false\">∑</mo>" in cases and "munder" not in cases
    aligned = _rewritten(table, display="block", alttext=r"f=\begin{aligned}\sum_{i=1}^{n}a\end{aligned}")
    assert "<munderover><mo movablelimits=\"false\">∑</mo>" in aligned


def test_limit_names_and_operatorname_star_take_their_limits_below_in_a_display():
    max_i = '<mrow><mi>max</mi><msub><mi></mi><mi>i</mi></msub><mi>x</mi></mrow>'
    assert _rewritten(max_i, display="block") == '<mrow><munder><mi>max</mi><mi>i</mi></munder><mi>x</mi></mrow>'
    argmin = ('<mrow><mrow><mi mathvariant="normal">a</mi><mi mathvariant="normal">r</mi><mi mathvariant="normal">g</mi>'
              '<mspace width="0.166666666666667em"></mspace><mi mathvariant="normal">m</mi><mi mathvariant="normal">i</mi>'
              '<mi mathvariant="normal">n</mi></mrow><msub><mi></mi><mi>z</mi></msub><mi>r</mi></mrow>')
    assert _rewritten(argmin, display="block", alttext=r"\operatorname*{arg\,min}_{z}r") == \
        '<mrow><munder><mrow><mi>arg</mi><mo lspace="0.166666666666667em" rspace="0em">\u2062</mo><mi>min</mi></mrow><mi>z</mi></munder><mi>r</mi></mrow>'
    # \operatorname (no star) keeps its scripts beside
    assert _rewritten(argmin, display="block", alttext=r"\operatorname{arg\,min}_{z}r").startswith(
        '<mrow><msub><mrow><mi>arg</mi>')


def test_an_integral_keeps_its_limits_beside_in_a_display():
    integral = '<mrow><mo>∫</mo><msub><mi></mi><mn>0</mn></msub><msup><mi></mi><mn>1</mn></msup><mi>f</mi></mrow>'
    assert _rewritten(integral, display="block").startswith('<mrow><msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup>')


def test_a_cell_whose_tex_begins_displaystyle_is_in_display_style():
    # LaTeXML writes each cell of an aligned display as an inline formula: \displaystyle\max_{k}c_{k}
    max_k = '<mrow><mi>max</mi><msub><mi></mi><mi>k</mi></msub><mi>c</mi></mrow>'
    assert _rewritten(max_k, alttext=r"\displaystyle\max_{k}c").startswith('<mrow><munder><mi>max</mi><mi>k</mi></munder>')
    # a formula that only uses \displaystyle later, or a longer macro's name, is not
    for tex in (r"c+{\displaystyle\max_{k}c}", r"\displaystylefoo\max_{k}c"):
        assert _rewritten(max_k, alttext=tex).startswith('<mrow><msub><mi>max</mi><mi>k</mi></msub>')


UNDERBRACE = ('<mrow><mi>c</mi><mo>=</mo><munder accentunder="true"><mrow><mi>p</mi><mo>+</mo><mi>q</mi></mrow>'
              '<mo>⏟</mo></munder><msub><mi></mi><mtext>part</mtext></msub></mrow>')


@pytest.mark.parametrize("display", ["block", "inline"])
def test_an_underbrace_label_goes_below_the_brace_in_every_style(display):
    assert _rewritten(UNDERBRACE, display=display) == (
        '<mrow><mi>c</mi><mo>=</mo><munder><munder accentunder="true"><mrow><mi>p</mi><mo>+</mo><mi>q</mi></mrow>'
        '<mo>⏟</mo></munder><mtext>part</mtext></munder></mrow>')
    over = UNDERBRACE.replace("munder accentunder", "mover accent").replace("</munder>", "</mover>") \
        .replace("⏟", "⏞").replace("msub>", "msup>")
    assert '<mover><mover accent="true">' in _rewritten(over, display=display)
    # a script on an <munder> that is not a brace stays a script
    plain = UNDERBRACE.replace("⏟", "~")
    assert "<msub><munder" in _rewritten(plain, display=display)


def test_the_base_of_a_script_keeps_the_display_style():
    # \underbrace{\inf_{f} c}_{x} in a display: the body is in display style, the label in text style
    inside = ('<mrow><munder accentunder="true"><mrow><mi>inf</mi><msub><mi></mi><mi>f</mi></msub><mi>c</mi></mrow>'
              '<mo>⏟</mo></munder><msub><mi></mi><mrow><mi>inf</mi><msub><mi></mi><mi>g</mi></msub><mi>x</mi></mrow></msub></mrow>')
    rewritten = _rewritten(inside, display="block")
    assert '<munder><mi>inf</mi><mi>f</mi></munder>' in rewritten
    assert '<msub><mi>inf</mi><mi>g</mi></msub>' in rewritten
    # and the base LaTeXML gives \overset{c}{\sum_{i=1}^{n} a}
    overset = '<mover>' + SUM + '<mi>c</mi></mover>'
    assert '<munderover><mo movablelimits="false">∑</mo>' in _rewritten(overset, display="block")


# ------------------------------------------------------------------------------------------
# 4. Names and function application; 5. the conditioning bar

def test_an_operatorname_is_one_identifier_applied_to_its_argument():
    relu = ('<mrow><mrow><mi mathvariant="normal">R</mi><mi mathvariant="normal">e</mi><mi mathvariant="normal">L</mi>'
            '<mi mathvariant="normal">U</mi></mrow><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>')
    assert _rewritten(relu) == '<mrow><mi>ReLU</mi><mo>\u2061</mo><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>'


def test_mathrm_letters_make_one_name_and_log_applies_to_what_follows():
    gh = ('<mrow><mi mathvariant="normal">G</mi><mi mathvariant="normal">H</mi><mo stretchy="false">(</mo><mi>Q</mi>'
          '<mo stretchy="false">)</mo><mo>−</mo><mi>log</mi><mi>s</mi></mrow>')
    assert _rewritten(gh) == ('<mrow><mi>GH</mi><mo>\u2061</mo><mo stretchy="false">(</mo><mi>Q</mi><mo stretchy="false">)</mo>'
                              '<mo>−</mo><mi>log</mi><mo rspace="0.167em">\u2061</mo><mi>s</mi></mrow>')
    # \mathrm{d}y: one upright letter is a letter, and a name before a relation applies to nothing
    assert _rewritten('<mrow><mi mathvariant="normal">d</mi><mi>y</mi></mrow>') == '<mrow><mi mathvariant="normal">d</mi><mi>y</mi></mrow>'
    assert "\u2061" not in _rewritten('<mrow><mi>ReLU</mi><mo>:</mo><mi>ℝ</mi></mrow>')


def test_the_conditioning_bar_is_a_bar_not_a_divides_sign():
    given = '<mrow><mi>q</mi><mo stretchy="false">(</mo><mi>s</mi><mo lspace="0em" rspace="0.167em">∣</mo><mi>t</mi><mo stretchy="false">)</mo></mrow>'
    assert _rewritten(given) == '<mrow><mi>q</mi><mo stretchy="false">(</mo><mi>s</mi><mtext>\u00a0|\u00a0</mtext><mi>t</mi><mo stretchy="false">)</mo></mrow>'


def test_a_conditioning_bar_in_a_subscript_has_narrow_spaces():
    # \mathcal{Q}_{A\mid b}: TeX puts no space around a relation in a script
    law = ('<mrow><mi class="ltx_font_mathcaligraphic">𝒬</mi><msub><mi></mi><mrow><mi>A</mi>'
           '<mo lspace="0em" rspace="0.167em">∣</mo><mi>b</mi></mrow></msub></mrow>')
    assert _rewritten(law) == ('<mrow><msub><mi class="ltx_font_mathcaligraphic">𝒬</mi><mrow><mi>A</mi>'
                               '<mtext>\u202f|\u202f</mtext><mi>b</mi></mrow></msub></mrow>')


def test_the_one_bar_of_an_expectation_is_a_conditioning_bar_and_an_absolute_value_stays():
    # \mathbb{E}\big[G\,\big|\,Z\big] and \mathbb{E}[|x|]; the \big bar keeps its size, as text set at it
    given = ('<mrow><mi>𝔼</mi><mo maxsize="120%" minsize="120%">[</mo><mi>G</mi><mspace width="0.167em"></mspace>'
             '<mo maxsize="120%" minsize="120%">|</mo><mspace width="0.167em"></mspace><mi>Z</mi><mo maxsize="120%" minsize="120%">]</mo></mrow>')
    assert _rewritten(given) == given.replace('<mo maxsize="120%" minsize="120%">|</mo>',
                                              '<mtext mathsize="120%">\u00a0|\u00a0</mtext>')
    # a bar LaTeXML sized with mathsize keeps that size
    sized = '<mrow><mi>q</mi><mo>(</mo><mi>s</mi><mo mathsize="160%" minsize="120%">∣</mo><mi>t</mi><mo>)</mo></mrow>'
    assert '<mtext mathsize="160%">\u00a0|\u00a0</mtext>' in _rewritten(sized)
    absolute = ('<mrow><mi>𝔼</mi><mo stretchy="false">[</mo><mo stretchy="false">|</mo><mi>x</mi><mo stretchy="false">|</mo>'
                '<mo stretchy="false">]</mo></mrow>')
    assert _rewritten(absolute) == absolute


def test_normal_is_dropped_only_where_the_symbol_is_upright_anyway():
    # \ell_2 and \infty: upright whatever the attribute says; \Delta and \mathrm{d}: italic without it
    assert _rewritten('<mrow><mi mathvariant="normal">ℓ</mi><msub><mi></mi><mn>2</mn></msub></mrow>') == '<mrow><msub><mi>ℓ</mi><mn>2</mn></msub></mrow>'
    assert _rewritten('<mi mathvariant="normal">∞</mi>') == '<mi>∞</mi>'
    for upright in ('<mi mathvariant="normal">Δ</mi>', '<mi mathvariant="normal">d</mi>', '<mi mathvariant="normal">∇</mi>'):
        assert _rewritten(upright) == upright


# ------------------------------------------------------------------------------------------
# The page around the formulas

def test_only_the_inside_of_math_changes():
    page = ('<p id="p1">Text &amp; <a href="#x">link</a> ' + _math('<mrow><mi>a</mi><msub><mi></mi><mi>j</mi></msub></mrow>',
            alttext="a_{j}%\n") + ' and ' + _math('<mi>n</mi>', alttext="n") + '</p>')
    rewritten = mathml.rewrite(page)
    assert '<msub><mi>a</mi><mi>j</mi></msub>' in rewritten
    assert rewritten.replace('<msub><mi>a</mi><mi>j</mi></msub>', '<mi>a</mi><msub><mi></mi><mi>j</mi></msub>') == page
    untouched = '<math alttext="broken" display="inline"><mi>a<mi></math>'  # not XML: left as it is
    assert mathml.rewrite(untouched) == untouched


def _defects(page: str) -> dict[str, int]:
    counts = page_structure(page)
    return {k: counts[k] for k in ("detached_scripts", "split_numbers", "limits_beside")}


def test_the_checks_own_count_sees_what_the_rewrite_removes():
    # tests/html_quality.py counts the defects with code of its own, not the rewrite's.
    page = (_math(SUM, display="block")
            + _math('<mrow><mn>2</mn><mo>.</mo><mn>2</mn><mn>5</mn><mi>x</mi><msub><mi></mi><mi>i</mi></msub></mrow>'))
    assert _defects(page) == {"detached_scripts": 3, "split_numbers": 1, "limits_beside": 1}
    assert _defects(mathml.rewrite(page)) == {"detached_scripts": 0, "split_numbers": 0, "limits_beside": 0}
    # an underbrace's label beside its brace is a limit beside, inline too
    braced = _math(UNDERBRACE)
    assert _defects(braced) == {"detached_scripts": 1, "split_numbers": 0, "limits_beside": 1}
    assert _defects(mathml.rewrite(braced)) == {"detached_scripts": 0, "split_numbers": 0, "limits_beside": 0}
    attached = ('<mrow><msub><munder accentunder="true"><mi>p</mi><mo>⏟</mo></munder><mtext>part</mtext></msub></mrow>')
    assert _defects(_math(attached)) == {"detached_scripts": 0, "split_numbers": 0, "limits_beside": 1}


# ------------------------------------------------------------------------------------------
# On the fixture course's build

@pytest.mark.slow
def test_no_page_of_the_fixture_course_has_a_script_without_base_a_split_number_or_limits_beside(fixture_course):
    seen = ""
    for page in pages(fixture_course):
        html = page.read_text()
        assert _defects(html) == {"detached_scripts": 0, "split_numbers": 0, "limits_beside": 0}, page.name
        seen += html
    # The fixture's formulas have each construct, so the zero counts above mean something.
    assert "<munderover><mo" in seen and "<munder><mrow><mi>arg</mi><mo" in seen    # display sum, \operatorname*
    assert re.search(r"<mfrac><mrow><msubsup><mo[^>]*>∑</mo>", seen)            # a sum in a display's fraction
    assert re.search(r"<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>", seen)
    assert re.search(r"<msup><mrow><mo[^>]*>\(</mo><mi>a</mi><mo>\+</mo><mi>b</mi><mo[^>]*>\)</mo></mrow><mn>2</mn></msup>", seen)
    assert re.search(r"<msup><mrow><mo[^>]*>∥</mo><mi>x</mi><mo[^>]*>∥</mo></mrow><mn>2</mn></msup>", seen)
    assert re.search(r"<msup><mi>a</mi><mo>⊤</mo></msup>|<msubsup><mi>a</mi><mi>i</mi><mo>⊤</mo></msubsup>", seen)
    assert re.search(r"<munder><munder[^>]*><mrow>.*?</mrow><mo>⏟</mo></munder><mtext>two terms</mtext></munder>", seen)
    assert "<mn>2.25</mn>" in seen and "<mi>ReLU</mi><mo>\u2061</mo>" in seen and "<mtext>\u00a0|\u00a0</mtext>" in seen
