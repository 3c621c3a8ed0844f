"""Jinja rendering of the LaTeX (and HTML) templates.

LaTeX templates use delimiters that cannot clash with TeX -- ((* block *)), ((( variable ))),
((= comment =)) -- after nbconvert. Escaping is total: every ((( value ))) passes through
`escape_latex` on its way out (Jinja's `finalize`) unless it is a `Raw` string, which only the
`url` filter and fields named *_latex produce. A missing key is an error (StrictUndefined).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import jinja2

from coursebuild import paths
from corelib.latex_escape import escape_latex


class Raw(str):
    """A string that is already LaTeX and must not be escaped again."""


def _finalize(value):
    if isinstance(value, Raw):
        return value
    if value is None:
        raise ValueError("a template printed None: the syllabus value is missing")
    return escape_latex(value)


def long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def short_date(value: dt.date) -> str:
    return f"{value:%b} {value.day:02d}"


def _url(value) -> Raw:
    return Raw(escape_latex(value, url=True))


def _raw_latex(value) -> Raw:
    """For fields whose name ends in _latex: the author wrote LaTeX on purpose."""
    return Raw(value)


@lru_cache(maxsize=None)
def latex_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(paths.TEMPLATES)),
        block_start_string="((*", block_end_string="*))",
        variable_start_string="(((", variable_end_string=")))",
        comment_start_string="((=", comment_end_string="=))",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False, finalize=_finalize,
    )
    env.filters.update(long_date=long_date, short_date=short_date, url=_url, latex=_raw_latex)
    return env


def _html_finalize(value):
    """Control characters cannot appear in HTML text: show their code point, as in the PDFs."""
    import unicodedata

    from markupsafe import Markup

    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return "".join(f"<U+{ord(ch):04X}>" if ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")
                   else ch for ch in value)


@lru_cache(maxsize=None)
def html_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(paths.TEMPLATES)),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=True, finalize=_html_finalize,
    )
    env.filters.update(long_date=long_date, short_date=short_date)
    return env


def render_latex(template: str, **context) -> str:
    return latex_env().get_template(template).render(**context)


def render_html(template: str, **context) -> str:
    return html_env().get_template(template).render(**context)
