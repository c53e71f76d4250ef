"""Each member agency's own words within a partnership sheet's analysis.

A partnership sheet has one narrative file, written together. Where agencies write their
own part, they put it under a heading that names the agency, by its id or its name
(`### Ashcombe Police`, `### Police: what we see`); what comes before the first such
heading is the partnership's shared text. The full book prints the whole analysis; a
partner's book prints the shared text and that partner's part; the event pack quotes the
first paragraph of each partner's part. One file, so nothing is ever copied.
"""

from __future__ import annotations

import re

from qareport.config.parameters import Member

__all__ = ["agency_parts", "first_paragraph"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _agency_of(heading: str, members: list[Member]) -> str | None:
    """The member a heading names: its id or name, alone or before a colon or dash."""
    said = _key(re.split(r"[:\u2013\u2014]| - ", heading, maxsplit=1)[0])
    for member in members:
        if said in (_key(member.id), _key(member.name)):
            return member.id
    return None


def agency_parts(text: str, members: list[Member]) -> tuple[str, dict[str, str]]:
    """The shared text before the first agency heading, and each agency's part (its heading
    line kept) by member id. Text with no agency heading is all shared."""
    shared: list[str] = []
    parts: dict[str, list[str]] = {}
    current: str | None = None
    level = 0
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        found = None if fenced else _HEADING.match(line)
        if found:
            agency = _agency_of(found.group(2), members)
            depth = len(found.group(1))
            if agency is not None:
                current, level = agency, depth
            elif current is not None and depth <= level:
                current = None  # a heading of the same rank that names no agency ends it
        if current is None:
            shared.append(line)
        else:
            parts.setdefault(current, []).append(line)
    return "\n".join(shared).strip(), {k: "\n".join(v).strip() for k, v in parts.items()}


def first_paragraph(text: str) -> str:
    """The first paragraph of Markdown that is not a heading (the main message)."""
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln for ln in block.splitlines() if not _HEADING.match(ln)]
        if any(ln.strip() for ln in lines):
            return "\n".join(lines).strip()
    return ""
