"""The course's repository on its forge: where students read the source and report errors.

One place decides it: `course.repository` in syllabus.yaml, or, where that is null, the forge the
publishing workflow runs on, from its environment (GitHub Actions sets GITHUB_SERVER_URL and
GITHUB_REPOSITORY). Without either, no page or PDF links a repository.
"""
from __future__ import annotations

import os
from urllib.parse import quote, urlencode

def repository(configured: str | None) -> str | None:
    """The repository's address without a trailing slash, or None."""
    if configured:
        return configured.rstrip("/")
    server, name = os.environ.get("GITHUB_SERVER_URL", ""), os.environ.get("GITHUB_REPOSITORY", "")
    if server.startswith(("http://", "https://")) and name:
        return f"{server.rstrip('/')}/{name.strip('/')}"
    return None


def source_url(repo: str, path: str, commit: str | None = None) -> str:
    """A file of the repository as the forge shows it, at a commit (else the main branch)."""
    return f"{repo}/blob/{commit or 'main'}/{quote(path)}"


REPORT_BODY = ("Document: {document}\nVersion: {version}\n\n"
               "Section, equation or page: \n\nWhat is wrong, and what it should say: \n")


def report_url(repo: str, document: str, version: str) -> str:
    """The forge's new-issue form with the document and its version filled in; the reader names
    the section (a static page cannot know which one they were reading)."""
    query = urlencode({"title": f"Error in {document}", "body": REPORT_BODY.format(document=document, version=version)},
                      quote_via=quote)
    return f"{repo}/issues/new?{query}"


def head_commit() -> str | None:
    """The commit the build's checkout is at (None without git): figure provenance links name it."""
    from coursebuild.versions import _git

    out = _git("rev-parse", "--verify", "HEAD")
    return out.decode().strip() if out else None
