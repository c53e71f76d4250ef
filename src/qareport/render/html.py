"""The self-contained HTML book, through nbconvert with qareport's own template.

The book is assembled as a notebook (one output cell per page) and exported by a
nbconvert template exporter with the `book` template in qareport/templates: no
code, no require.js or MathJax from a CDN, every chart inlined as SVG.
Page fragments come from autoescaped Jinja macros, so data strings are always
escaped; only sanitised narrative HTML passes through.
"""

from __future__ import annotations

import re
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from nbconvert.exporters import TemplateExporter

from qareport.book.model import NOT_WRITTEN, Book, NotePage, SheetPage
from qareport.book.narrative import markdown_to_html
from qareport.config.cache import cache_dir
from qareport.config.markers import MARKER_KEY
from qareport.render.board import BAND_TEXT, board_summary, sparkline_svg
from qareport.render.captions import data_tables, group_table, measure_caption, team_caption
from qareport.sheet.icons import icon_label, icon_svg
from qareport.sheet.model import Chart

__all__ = ["book_notebook", "render_html", "sheet_html"]

TEMPLATES = Path(str(resources.files("qareport.render") / "templates"))


def inline_chart(chart: Chart) -> Markup:
    """A chart's SVG inlined in the page as one image named by its alt text (its text stays
    selectable; `role="img"` keeps screen readers from reading every tick label). The size
    comes from the page's CSS; the viewBox keeps the shape."""
    return inline_svg(chart.svg, chart.alt)


def inline_svg(drawing: str, alt: str) -> Markup:
    """Any chart's SVG (the sheet's own, or an analyst's figure) inlined as one image."""
    opening_tag = drawing[: drawing.index(">") + 1]
    bare = re.sub(r'\s(?:width|height|xmlns(?::xlink)?)="[^"]*"', "", opening_tag)
    svg = bare + drawing[len(opening_tag) :]  # HTML needs no namespaces for inline SVG
    opening = f'<svg role="img" aria-label="{escape(alt, quote=True)}" focusable="false"'
    return Markup(opening + svg.removeprefix("<svg"))


def _inline(svg: str) -> str:
    """A standalone SVG made inline: HTML needs no namespace (and the page links nowhere)."""
    return svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates kept between runs (Jinja checks each one against its source):
    compiling them again cost a rebuild a quarter of a second."""
    folder = cache_dir("templates")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: compiled again each run
        return None
    return FileSystemBytecodeCache(str(folder))


def _css_string(text: str) -> str:
    """Text as a CSS string literal, safe inside a <style> element."""
    escaped = "".join(ch if ch.isalnum() or ch in " ,.-()'" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def _print_headers(book: Book) -> str:
    """Printed from a browser, every page of a sheet is headed by the sheet's title (each
    sheet a named page, its title in the page's top margin), as the PDF's pages are."""
    rules = []
    for page in book.sheets:
        title = _css_string(f"{page.data.section_title} · {book.area_name} · {book.period_title}")
        rules.append(
            f"#{page.anchor} {{ page: {page.anchor}; }}\n"
            f"@page {page.anchor} {{ @top-right {{ content: {title}; }} }}"
        )
    return "\n@media print {\n" + "\n".join(rules) + "\n}\n" if rules else ""


def _macros(book: Book) -> Any:
    """The page templates' macros, with what they need from the book."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(),
    )
    macros: Any = env.get_template("pages.html.j2").make_module(
        {
            "not_written": NOT_WRITTEN,
            "marker_key": MARKER_KEY,
            "measure_caption": measure_caption,
            "data_tables": data_tables,
            "team_caption": team_caption,
            "group_table": group_table,
            "inline_chart": inline_chart,
            "inline_svg": inline_svg,
            "markdown": lambda text: Markup(markdown_to_html(text)),  # sanitised by nh3
            "icon_svg": lambda kind, code: Markup(_inline(icon_svg(kind, code, size_px=20))),
            "icon_label": icon_label,
            "sparkline": lambda values, text: Markup(_inline(sparkline_svg(values, text))),
            "board": board_summary(book),
            "band_text": BAND_TEXT,
        }
    )
    return macros


def _sheet_pages(macros: Any, book: Book, page: SheetPage) -> list[str]:
    """A sheet's page, and its own story sheet right after it when it has one."""
    analysis = markdown_to_html(page.analysis) if page.analysis else ""
    actions = markdown_to_html(page.actions_text) if page.actions_text else ""
    pages = [str(macros.sheet(book, page, analysis, actions))]
    if page.story is not None:
        parts = [(h, markdown_to_html(t) if t else "") for h, t in page.story.parts]
        pages.append(str(macros.story(book, page.story, parts)))
    return pages + [_note_page(macros, book, curve) for curve in page.curves]


def _note_page(macros: Any, book: Book, note: NotePage) -> str:
    panels = [(p, markdown_to_html(p.text) if p.text else "") for p in note.panels]
    return str(macros.note_page(book, note, panels))


def _pages(book: Book) -> list[str]:
    macros = _macros(book)
    pages = [str(macros.cover(book)), str(macros.contents(book))]
    if book.summary:
        pages += [str(macros.summary(book)), str(macros.balance_page(book))]
    pages += [_note_page(macros, book, note) for note in book.pages]
    for page in book.sheets:
        pages += _sheet_pages(macros, book, page)
    if book.story is not None:
        parts = [(h, markdown_to_html(t) if t else "") for h, t in book.story.parts]
        pages.append(str(macros.story(book, book.story, parts)))
    if book.themes:
        pages.append(str(macros.themes(book)))
    if book.programme:
        pages.append(str(macros.programme(book)))
    pages.append(str(macros.appendix(book)))
    return pages


def book_notebook(book: Book) -> nbformat.NotebookNode:
    """The book as a notebook: one output-only cell per page (also saved for reviewers).
    Written as plain nbformat 4.5 structure: nbformat's cell constructors validate every
    cell against the schema, which cost a rebuild a fifth of a second for cells made here."""
    cells: list[dict[str, Any]] = [
        {
            "cell_type": "code",
            "id": f"page-{index:03d}",
            "execution_count": None,
            "metadata": {},
            "source": "",
            "outputs": [
                {"output_type": "display_data", "data": {"text/html": html}, "metadata": {}}
            ],
        }
        for index, html in enumerate(_pages(book))
    ]
    metadata = {
        "qareport": {"title": f"{book.title}: {book.area_name}, {book.period}", "draft": book.draft}
    }
    return nbformat.from_dict(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells}
    )


class BookExporter(TemplateExporter):
    """nbconvert's template exporter for the book format.

    Not HTMLExporter: that one re-parses its output with BeautifulSoup to patch
    Jupyter's own lab templates (default alt text, tabindex), which our template
    already does right; skipping it saves about 0.4 s a book.
    """

    export_from_notebook = "qareport book"
    output_mimetype = "text/html"

    def _create_environment(self) -> Environment:
        """nbconvert's environment, keeping its compiled templates between runs too."""
        env = super()._create_environment()
        env.bytecode_cache = _bytecode_cache()
        return env

    def _file_extension_default(self) -> str:
        return ".html"


def sheet_html(book: Book, section: str) -> str:
    """One sheet as the book's HTML shows it, as a page of its own with the book's styles:
    the reviewer's on-screen preview (the same macros as the book, without nbconvert)."""
    page = next(p for p in book.sheets if p.data.section_id == section)
    css = (TEMPLATES / "book" / "book.css").read_text(encoding="utf-8")
    body = "\n".join(_sheet_pages(_macros(book), book, page))
    draft = ' class="draft"' if book.draft else ""
    return (
        f'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(page.data.section_title)}</title>\n<style>\n{css}\n</style>\n"
        f'</head>\n<body{draft}>\n<main id="main">\n{body}\n</main>\n</body>\n</html>\n'
    )


def render_html(book: Book) -> str:
    exporter = BookExporter(
        template_name="book",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    css = (TEMPLATES / "book" / "book.css").read_text(encoding="utf-8") + _print_headers(book)
    body, _ = exporter.from_notebook_node(book_notebook(book), resources={"qareport_css": css})
    return body
