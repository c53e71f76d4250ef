"""One content area across several areas: each area's themed book, side by side in one.

A board or a regional group compares how several authorities or forces do on one content
area (`qareport build --areas A,B,C --theme domestic-abuse`). Each area's sheet is the
one its own book has, with its own comparators, analysis and actions; a page for the
board puts every area's latest figure beside the comparators each area uses.
"""

from __future__ import annotations

from dataclasses import replace

from qareport.book.model import Book, NotePage, NotePanel, NoteTable, SheetPage
from qareport.sheet.charts import renamed

__all__ = ["across_book"]


def _keyed(page: SheetPage, key: str, area_name: str) -> SheetPage:
    """An area's sheet under ids of its own (its charts' too) and titled with the area."""
    data = page.data
    measures = [
        m.replace(charts=[renamed(c, f"{key}-{c.id}") for c in m.charts]) for m in data.measures
    ]
    curves = tuple(
        replace(
            c,
            anchor=f"{c.anchor}-{key}",
            panels=tuple(
                replace(p, chart=renamed(p.chart, f"{key}-{p.chart.id}")) if p.chart else p
                for p in c.panels
            ),
        )
        for c in page.curves
    )
    story = replace(page.story, anchor=f"{page.story.anchor}-{key}") if page.story else None
    title = f"{data.section_title}: {area_name}"
    return replace(
        page,
        data=data.replace(measures=measures, section_title=title),
        key=key,
        curves=curves,
        story=story,
    )


def _comparison(books: list[Book]) -> NotePanel:
    """Every area's latest figure on each measure, with the comparators that area uses."""
    rows = []
    for book in books:
        for page in book.sheets:
            for m in page.data.measures:
                peer = f"{page.data.peer_label}: {m.peer}" if m.peer else "none"
                national = f"{page.data.national_label}: {m.national}" if m.national else "none"
                rows.append((m.title, book.area_name, m.latest, m.change, peer, national))
    rows.sort(key=lambda r: r[0])
    return NotePanel(
        "Each area against the comparators it uses",
        "Each area's latest figure, its change, and the comparators its own book uses (its "
        "peer group and its national set), so a difference between areas can be read "
        "against what each is compared with.",
        table=NoteTable(
            "Latest figures and comparators, by measure and area",
            ("Measure", "Area", "Latest", "Change", "Peer group", "National"),
            tuple(rows),
        )
        if rows
        else None,
    )


def across_book(books: list[Book], keys: list[str], *, title: str) -> Book:
    """One book of the same content area(s) from each area's book, in the order given."""
    first = books[0]
    sheets = [
        _keyed(page, key, book.area_name)
        for book, key in zip(books, keys, strict=True)
        for page in book.sheets
    ]
    names = [b.area_name for b in books]
    themes = sorted({p.data.section_title for b in books for p in b.sheets})
    cross = NotePage(
        anchor="across-areas",
        title=f"Across the areas: {', '.join(themes)}",
        lead=f"{', '.join(themes)} in {len(books)} areas, {first.period_title}: "
        f"{'; '.join(names)}.",
        panels=(_comparison(books),),
    )
    provenance = [("Areas", "; ".join(f"{b.area_name} ({b.area_code})" for b in books))]
    provenance += [row for row in first.provenance if row[0] != "Area"]
    return replace(
        first,
        title=f"{title}: {', '.join(themes)}",
        area_name=f"{len(books)} areas",
        area_code=" / ".join(b.area_code for b in books),
        area_kind="areas",
        peer_label="each area's own peer group",
        national_label=" / ".join(sorted({b.national_label for b in books})),
        synthetic=any(b.synthetic for b in books),
        sheets=sheets,
        provenance=provenance,
        story=None,
        members=[],
        programme=[],
        themes=[],
        pages=(cross,),
        scope=f"One content area across {len(books)} areas: {'; '.join(names)}. Each area's "
        "sheet is its own book's, with its own comparators, analysis and actions.",
    )
