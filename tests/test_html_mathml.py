"""The HTML edition's MathML with structure (coursebuild/mathml.py): each rule on formulas as latexmlpost
writes them with --noparse (the literals below are its output, copied from real pages, shortened), its
negative cases, and on the fixture course's build: no script without its base, no number in pieces, no
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
    # x_{i}^{2}, and \dot{u}^{\mathrm{lin}}_{t} written the other way round
    assert _rewritten('<mrow><mi>x</mi><msub><mi></mi><mi>i</mi></msub><msup><mi></mi><mn>2</mn></msup></mrow>') == \
        '<mrow><msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup></mrow>'
    assert _rewritten('<mrow><mi>u</mi><msup><mi></mi><mn>2</mn></msup><msub><mi></mi><mi>t</mi></msub></mrow>') == \
        '<mrow><msubsup><mi>u</mi><mi>t</mi><mn>2</mn></msubsup></mrow>'


def test_a_script_after_a_closing_fence_takes_the_group_back_to_its_opener():
    # (u-y)^{\top} and a nested group: only the outer parentheses' group is the base
    inside = ('<mrow><mi>c</mi><mo stretchy="false">(</mo><mi>u</mi><mo>−</mo><mi>f</mi><mo stretchy="false">(</mo>'
              '<mi>y</mi><mo stretchy="false">)</mo><mo stretchy="false">)</mo><msup><mi></mi><mo>⊤</mo></msup></mrow>')
    assert _rewritten(inside) == (
        '<mrow><mi>c</mi><msup><mrow><mo stretchy="false">(</mo><mi>u</mi><mo>−</mo><mi>f</mi><mo stretchy="false">(</mo>'
        '<mi>y</mi><mo stretchy="false">)</mo><mo stretchy="false">)</mo></mrow><mo>⊤</mo></msup></mrow>')


def test_a_half_open_interval_is_scripted_from_its_opening_bracket():
    # [0,1)^{d}
    inside = ('<mrow><mo stretchy="false">[</mo><mn>0</mn><mo>,</mo><mn>1</mn><mo stretchy="false">)</mo>'
              '<msup><mi></mi><mi>d</mi></msup></mrow>')
    assert _rewritten(inside) == ('<mrow><msup><mrow><mo stretchy="false">[</mo><mn>0</mn><mo>,</mo><mn>1</mn>'
                                  '<mo stretchy="false">)</mo></mrow><mi>d</mi></msup></mrow>')


def test_a_norm_squared_is_scripted_as_a_whole():
    # x\|u_{t}-y\|^{2}: the bars open and close with the same glyph
    inside = ('<mrow><mi>x</mi><mo>∥</mo><mi>u</mi><msub><mi></mi><mi>t</mi></msub><mo>−</mo><mi>y</mi><mo>∥</mo>'
              '<msup><mi></mi><mn>2</mn></msup></mrow>')
    assert _rewritten(inside) == ('<mrow><mi>x</mi><msup><mrow><mo>∥</mo><msub><mi>u</mi><mi>t</mi></msub><mo>−</mo>'
                                  '<mi>y</mi><mo>∥</mo></mrow><mn>2</mn></msup></mrow>')


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
    # -0.394 and 0.250 as latexmlpost splits them
    inside = ('<mrow><mo>−</mo><mn>0</mn><mo lspace="0em" rspace="0.167em">.</mo><mn>3</mn><mn>9</mn><mn>4</mn>'
              '<mo>+</mo><mn>2</mn><mn>0</mn><mn>0</mn></mrow>')
    assert _rewritten(inside) == '<mrow><mo>−</mo><mn>0.394</mn><mo>+</mo><mn>200</mn></mrow>'


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


# ------------------------------------------------------------------------------------------
# 4. Names and function application; 5. the conditioning bar

def test_an_operatorname_is_one_identifier_applied_to_its_argument():
    relu = ('<mrow><mrow><mi mathvariant="normal">R</mi><mi mathvariant="normal">e</mi><mi mathvariant="normal">L</mi>'
            '<mi mathvariant="normal">U</mi></mrow><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>')
    assert _rewritten(relu) == '<mrow><mi>ReLU</mi><mo>\u2061</mo><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>'


def test_mathrm_letters_make_one_name_and_log_applies_to_what_follows():
    kl = ('<mrow><mi mathvariant="normal">K</mi><mi mathvariant="normal">L</mi><mo stretchy="false">(</mo><mi>P</mi>'
          '<mo stretchy="false">)</mo><mo>−</mo><mi>log</mi><mi>x</mi></mrow>')
    assert _rewritten(kl) == ('<mrow><mi>KL</mi><mo>\u2061</mo><mo stretchy="false">(</mo><mi>P</mi><mo stretchy="false">)</mo>'
                              '<mo>−</mo><mi>log</mi><mo rspace="0.167em">\u2061</mo><mi>x</mi></mrow>')
    # \mathrm{d}y: one upright letter is a letter, and a name before a relation applies to nothing
    assert _rewritten('<mrow><mi mathvariant="normal">d</mi><mi>y</mi></mrow>') == '<mrow><mi mathvariant="normal">d</mi><mi>y</mi></mrow>'
    assert "\u2061" not in _rewritten('<mrow><mi>ReLU</mi><mo>:</mo><mi>ℝ</mi></mrow>')


def test_the_conditioning_bar_is_a_bar_not_a_divides_sign():
    given = '<mrow><mi>r</mi><mo stretchy="false">(</mo><mi>z</mi><mo lspace="0em" rspace="0.167em">∣</mo><mi>x</mi><mo stretchy="false">)</mo></mrow>'
    assert _rewritten(given) == '<mrow><mi>r</mi><mo stretchy="false">(</mo><mi>z</mi><mtext>\u00a0|\u00a0</mtext><mi>x</mi><mo stretchy="false">)</mo></mrow>'


def test_a_conditioning_bar_in_a_subscript_has_narrow_spaces():
    # \mathcal{D}_{Y\mid x}: TeX puts no space around a relation in a script
    law = ('<mrow><mi class="ltx_font_mathcaligraphic">𝒟</mi><msub><mi></mi><mrow><mi>Y</mi>'
           '<mo lspace="0em" rspace="0.167em">∣</mo><mi>x</mi></mrow></msub></mrow>')
    assert _rewritten(law) == ('<mrow><msub><mi class="ltx_font_mathcaligraphic">𝒟</mi><mrow><mi>Y</mi>'
                               '<mtext>\u202f|\u202f</mtext><mi>x</mi></mrow></msub></mrow>')


def test_the_one_bar_of_an_expectation_is_a_conditioning_bar_and_an_absolute_value_stays():
    # \mathbb{E}\big[B(X)\,\big|\,X\big] and \mathbb{E}[|x|]
    given = ('<mrow><mi>𝔼</mi><mo maxsize="120%" minsize="120%">[</mo><mi>B</mi><mspace width="0.167em"></mspace>'
             '<mo maxsize="120%" minsize="120%">|</mo><mspace width="0.167em"></mspace><mi>X</mi><mo maxsize="120%" minsize="120%">]</mo></mrow>')
    assert _rewritten(given) == given.replace('<mo maxsize="120%" minsize="120%">|</mo>', "<mtext>\u00a0|\u00a0</mtext>")
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
    assert "<mn>2.25</mn>" in seen and "<mi>ReLU</mi><mo>\u2061</mo>" in seen and "<mtext>\u00a0|\u00a0</mtext>" in seen
