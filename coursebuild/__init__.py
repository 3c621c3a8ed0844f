"""Build logic behind dodo.py: syllabus loading, template rendering, LaTeX runs, cross-references.

dodo.py stays a thin table of tasks; everything it calls lives here so that tests can import it.
"""
