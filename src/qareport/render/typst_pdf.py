"""The A3-landscape PDF, generated as Typst source and compiled by the `typst` wheel.

No pandoc, no browser, no system fonts: the wheel carries the compiler and the
fonts are matplotlib's DejaVu Sans, already installed with the charts. Every
data or narrative string enters the source as a Typst string literal
(`#"..."`), which Typst prints as plain text, so nothing in the data can
inject markup or code. Headings become PDF bookmarks; images carry alt text;
the PDF is tagged and aims at PDF/UA-1.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Literal

from markdown_it.token import Token

from qareport.book.model import NOT_WRITTEN, Book, NotePage, NoteTable, SheetPage, StoryPage
from qareport.book.narrative import MARKDOWN, strip_control_characters
from qareport.config.markers import MARKER_KEY
from qareport.errors import RenderError
from qareport.render.board import BAND_TEXT, board_summary, sparkline_svg
from qareport.render.captions import (
    Caption,
    DataTable,
    GroupTable,
    Span,
    data_tables,
    group_table,
    measure_caption,
    team_caption,
)
from qareport.sheet.icons import (
    ASSURANCE_TEXT,
    MDC_SMALLEST_LETTER,
    MDC_VIEWBOX,
    VARIATION_TEXT,
    icon_label,
    icon_svg,
    icon_text,
)
from qareport.sheet.model import WIDTH_IN, Chart, FurtherItem, MeasureView, SheetData

__all__ = ["render_pdf", "sheet_pages_png", "typst_source", "write_chart_images"]

# matplotlib's own DejaVu fonts, found without importing matplotlib (slow to import).
_MPL = importlib.util.find_spec("matplotlib")
_MPL_DIRS = (_MPL.submodule_search_locations or []) if _MPL is not None else []
FONT_DIR = Path(next(iter(_MPL_DIRS), ".")) / "mpl-data" / "fonts" / "ttf"
_md = MARKDOWN  # the one Markdown reading, as the HTML has it


def lit(text: object) -> str:
    """A Typst string literal: printed verbatim, never interpreted."""
    escaped = (
        strip_control_characters(str(text))
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", " ")
        .replace("\r", " ")
    )
    return f'"{escaped}"'


def txt(text: object) -> str:
    """Plain text in markup position."""
    return f"#{lit(text)}"


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    stack: list[str] = []
    for token in children:
        if token.type == "text" or token.type == "code_inline":
            out.append(txt(token.content))
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type in ("strong_open", "em_open"):
            stack.append("strong" if token.type == "strong_open" else "emph")
            out.append(f"#{stack[-1]}[")
        elif token.type in ("strong_close", "em_close"):
            if stack:
                stack.pop()
            out.append("]")
        elif token.type == "link_open" or token.type == "link_close":
            continue  # keep the link text; the PDF does not follow narrative links
        else:
            out.append(txt(token.content))
    out.extend("]" for _ in stack)
    return "".join(out)


def _reviewer_heading(level: int, inline: str) -> str:
    """A reviewer's own heading at its level under the panel's (h4 as the panel's bold
    sub-heading, deeper ones a level down in the PDF's structure too)."""
    if level == 4:
        return f"#subhead[{inline}]"
    return f"#heading(level: {level}, outlined: false, bookmarked: false)[{inline}]"


def markdown_to_typst(text: str) -> str:
    """Narrative Markdown to Typst content: paragraphs, lists, emphasis; all text literal."""
    tokens = _md.parse(text)
    out: list[str] = []
    lists: list[str] = []  # "- " for bullets, "+ " for numbered items, innermost last
    heading = 0  # the level of the heading being read (a reviewer's own: 4 to 6), or 0
    for token in tokens:
        if token.type == "inline":
            prefix = "  " * max(len(lists) - 1, 0) + (lists[-1] if token.level and lists else "")
            inline = _inline(token.children or [])
            out.append(prefix + (_reviewer_heading(heading, inline) if heading else inline))
        elif token.type == "heading_open":
            heading = max(4, int(token.tag[1:]))
        elif token.type == "heading_close":
            heading = 0
            out.append("")
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("- " if token.type == "bullet_list_open" else "+ ")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            out.append("")
        elif token.type == "paragraph_close" and not lists:
            out.append("")
        elif token.type in ("fence", "code_block"):
            out.append(f"#block(raw({lit(token.content)}))")
            out.append("")
    return "\n".join(out)


PREAMBLE = """
#let ink = rgb("#0b0c0c")
#let blue = rgb("#12436d")
#let green = rgb("#28a197")
#let orange = rgb("#f46a25")
#let pink = rgb("#801650")
#let panelbg = rgb("#f3f2f1")
#let warnbg = rgb("#fff1e5")
#let warn = rgb("#6b2b00")
#let muted = rgb("#505a5f")
#let panel(title, colour, body) = block(width: 100%, fill: panelbg, inset: 7pt,
  stroke: (top: 2.5pt + colour), breakable: true)[
  #heading(level: 3, outlined: false, bookmarked: false, title) #body ]
// a heading inside a panel: tagged as a heading for a screen reader, set as the panel's
// bold line; the reviewers' own headings one level below
#let subhead(title) = heading(level: 4, outlined: false, bookmarked: false, title)
#let kind(name) = block(below: 2pt, text(size: 7pt, fill: muted, name))
// the page's running header: on a page with no title of its own, the title it continues
#let continues() = {
  let number = counter(page).get().first()
  if query(heading.where(level: 2)).any(h => h.location().page() == number) { return none }
  let before = query(heading.where(level: 2).before(here()))
  if before.len() == 0 { return none }
  let title = before.last().body
  if title.has("text") and title.text.clusters().len() > 90 {  // one line, at most
    title = title.text.clusters().slice(0, 88).join() + "…"
  }
  title + [ (continued)]
}
#let BODY-WIDTH = 396mm  // A3 landscape less the page margins (see the page set-up)
#let BODY-HEIGHT = 267mm
#let notwritten(where) = box(fill: warnbg, inset: 3pt, text(fill: warn, style: "italic", where))
// a sheet's measures panel: two measures a row, the same width on every page
#let measures-panel(cells, note) = [
  #panel("Measures: trends and comparators", blue)[
    #grid(columns: (1fr, 1fr), gutter: 7pt, ..cells)
  ]
  #text(size: 7.5pt, note)
]
// Rows of two measures to a page, as many as fit as Typst measures them: `page(n, cells)`
// is the whole of the sheet's n-th page with those measures, `left(n)` its left column.
// Each row and each page's fixed parts are measured once; a page's height is then the
// fixed parts with the taller of its left column and its measures panel. A row taller
// than a page still gets a page of its own.
#let LEFT-WIDTH = (BODY-WIDTH - 9pt) / 3.6
#let RIGHT-WIDTH = (BODY-WIDTH - 9pt) * 2.6 / 3.6
#let pack-measures(cells, page, left, note) = {
  let tall(body, width) = measure(block(width: width, body)).height
  let rows = range(0, cells.len(), step: 2).map(i => cells.slice(i, calc.min(i + 2, cells.len())))
  let heights = rows.map(r => tall(grid(columns: (1fr, 1fr), gutter: 7pt, ..r), RIGHT-WIDTH - 14pt))
  let panel = tall(measures-panel((), note), RIGHT-WIDTH)
  let fixed = (0, 1).map(n => (
    page: tall(page(n, ()), BODY-WIDTH), left: tall(left(n), LEFT-WIDTH)))
  let pages = ()
  let current = ()
  let used = 0pt  // the current page's rows and the gutters between them
  for (i, row) in rows.enumerate() {
    let f = fixed.at(calc.min(pages.len(), 1))
    let grown = used + heights.at(i) + if current.len() > 0 { 7pt } else { 0pt }
    let height = f.page - calc.max(f.left, panel) + calc.max(f.left, panel + grown)
    if current.len() > 0 and height > BODY-HEIGHT {
      pages.push(current)
      current = row
      used = heights.at(i)
    } else {
      current += row
      used = grown
    }
  }
  pages.push(current)
  pages
}
"""


def _page_setup(book: Book) -> str:
    marks = []
    if book.synthetic:
        marks.append("SYNTHETIC DATA: fictitious areas, invented figures")
    if book.draft:
        marks.append("DRAFT: not every sheet is approved")
    header = " · ".join(marks)
    footer = f"{book.title} · {book.area_name} · {book.period_title}"
    return f"""
#set text(font: "DejaVu Sans", size: 9.5pt, lang: "en", region: "gb", fill: ink)
#set par(justify: false, leading: 0.55em)
#set page(paper: "a3", flipped: true, margin: (x: 12mm, top: 16mm, bottom: 14mm),
  header: context {{
    set text(size: 9pt, fill: warn, weight: "bold")
    let title = continues()
    let side = if title != none {{ text(fill: blue, title) }} else {{
      text(weight: "regular", fill: ink, {lit(book.area_name)}) }}
    grid(columns: (auto, 1fr), gutter: 12pt, align: (left + bottom, right + bottom),
      {lit(header)}, side)
  }},
  footer: context [#set text(size: 8pt); #{lit(footer)} #h(1fr) #counter(page).display()])
#set table.cell(breakable: false)
#show heading.where(level: 1): set text(size: 22pt, fill: blue)
#show heading.where(level: 2): set text(size: 16pt, fill: blue)
#show heading.where(level: 3): set text(size: 11pt)
#show heading.where(level: 3): set block(above: 0pt, below: 5pt)
#show heading.where(level: 4): set text(size: 9.5pt)
#show heading.where(level: 4): set block(above: 6pt, below: 4pt)
#show heading.where(level: 5): set text(size: 9.5pt, style: "italic")
#show heading.where(level: 5): set block(above: 5pt, below: 3pt)
#show heading.where(level: 6): set text(size: 9.5pt, weight: "regular", style: "italic")
"""


def _document(book: Book) -> str:
    """Document metadata: only valid at the top level of a standalone Typst file."""
    title = f"{book.title}: {book.area_name}, {book.period}"
    return f'#set document(title: {lit(title)}, author: "qareport", date: none)\n'


def _notice(book: Book) -> str:
    scope = f"#v(4mm)\n#text(size: 12pt, {lit(book.scope)})\n" if book.scope else ""
    if not book.notice:
        return scope
    return (
        scope + f"#v(4mm)\n#block(fill: warnbg, inset: 6pt, text(fill: warn, {lit(book.notice)}))"
    )


def _cover(book: Book) -> str:
    return f"""
#v(30mm)
#heading(level: 1, {lit(book.title)})
#text(size: 16pt, {lit(book.area_name + " · " + book.period_title)})
{_notice(book)}
#v(8mm)
#text(size: 12pt, {
        lit(
            "One sheet per content area: why it matters and what good looks like, "
            "the measures with comparators and trends, the story behind the figures, "
            "and the actions that follow."
        )
    })
#v(6mm)
#text(size: 10pt, {
        lit(
            (
                "A partnership of " + "; ".join(name for name, _ in book.members) + ". "
                if book.members
                else ""
            )
            + f"{book.edition.capitalize()} edition. "
            f"Area code {book.area_code}. Comparators: {book.peer_label}, "
            f"{book.national_label}. Small-number suppression {book.suppression}."
        )
    })
#v(10mm)
#heading(level: 2, outlined: true, bookmarked: true, "Contents")
#outline(title: none, depth: 2)
"""


def _span(span: Span) -> str:
    """A caption span as Typst: the same words as the HTML, emphasis by weight, never by
    colour alone."""
    if span.style in ("strong", "missing", "better", "worse"):
        return f"#strong({lit(span.text)})"
    return txt(span.text)


def _caption(caption: Caption) -> str:
    lines = ["".join(_span(s) for s in line.spans) for line in caption.lines]
    head = f"#text(fill: muted, {lit(caption.type + ' · ' + caption.source)})"
    return " \\ ".join([head, *lines])


def _team_table(m: MeasureView) -> str:
    """The teams or localities of a quarterly measure, as the HTML's table says them."""
    header = ", ".join(
        f"[*{txt(h)}*]" for h in ("Team or locality", "Value", "Base", "Against the pooled figure")
    )
    cells = ", ".join(
        ", ".join(lit(v) for v in (t.team, t.value, t.base, t.position)) for t in m.teams
    )
    return (
        f"#text(size: 7.5pt)[#figure(kind: table, supplement: none, "
        f"caption: {lit(team_caption(m))}, "
        f"table(columns: (1.4fr, auto, auto, 1.6fr), inset: 2pt, stroke: 0.3pt + "
        f'rgb("#b1b4b6"), table.header({header}), {cells}))]'
    )


def _group_table(table: GroupTable) -> str:
    """A measure's breakdowns, as the HTML's table says them: a row per breakdown, each
    group's name over its figure."""
    rows = []
    for by, cells in table.rows:
        shown = [f"[#text(fill: muted, {lit(group)}) \\ {txt(figure)}]" for group, figure in cells]
        rows.append(", ".join([f"[*{txt(by)}*]", *shown, *["[]"] * (table.width - len(cells))]))
    return (
        f"#text(size: 7.5pt)[#figure(kind: table, supplement: none, "
        f"caption: {lit(table.caption)}, "
        f"table(columns: (auto, {', '.join(['1fr'] * table.width)}), inset: 2pt, "
        f'stroke: 0.3pt + rgb("#b1b4b6"), {", ".join(rows)}))]'
    )


def _chart_image(chart: Chart, images: dict[str, Path]) -> str:
    return f"image({lit(images[chart.id].name)}, width: 100%, alt: {lit(chart.alt)})"


def _measure_cell(m: MeasureView, caption: Caption, images: dict[str, Path], anchor: str) -> str:
    """One measure: its charts two to a row (each at its printed size), then the caption the
    HTML says, then any teams table; never split across pages."""
    cells = [f"[#kind({lit(c.kind.label)}) #{_chart_image(c, images)}]" for c in m.charts] or [
        f"[#notwritten({lit('No data yet for this measure')})]"
    ]
    cells += ["[]"] * (len(cells) % 2)  # two charts a row, each at its printed size
    title = f'#text(weight: "bold", {lit(caption.title)})'
    icons = " ".join(
        f"#{_icon(i.kind, i.code, images)} #{lit(f'{i.kind.capitalize()}: {i.label}.')}"
        for i in caption.icons
    )
    words = f"{title} \\ #text(size: 7.5pt)[{_caption(caption)}]"
    if icons:
        words = f"{title} \\ #text(size: 7.5pt)[{icons}] \\ #text(size: 7.5pt)[{_caption(caption)}]"
    if m.series:  # the figures behind the charts, in the data appendix
        words += f" \\ #text(size: 7.5pt, link(<data-{anchor}-{m.id}-data>, {lit(DATA_LINK)}))"
    body = [
        f"#grid(columns: (1fr, 1fr), gutter: 5pt, {', '.join(cells)})",
        f"#block(above: 3pt, below: 0pt)[{words}]",
    ]
    if m.teams:
        body.append(_team_table(m))
    groups = group_table(m)
    if groups:
        body.append(_group_table(groups))
    return "grid.cell(breakable: false)[" + "\n".join(body) + "]"


def _titled_page(title: str) -> str:
    """A new page under a heading, whose pages after the first name it "(continued)" in
    their running header."""
    return f"\n#pagebreak()\n#heading(level: 2, {lit(title)})\n"


def _sheet_header(page: SheetPage, *, continued: bool, measured: bool = False) -> str:
    """A page break and the sheet's title, group and review status. `measured` opens a
    context block holding the title as `head`, for the sheet's first page to measure."""
    head = _head_lines(page, continued)
    if measured:
        return f"\n#pagebreak()\n#context {{\n  let head = [{head}]\n"
    return f"\n#pagebreak()\n{head}\n"


def _continued_head(page: SheetPage) -> str:
    """The title lines of a sheet's continuation page, as code (inside a context block)."""
    return f"[{_head_lines(page, continued=True)}]"


def _head_lines(page: SheetPage, continued: bool) -> str:
    d = page.data
    status_colour = 'rgb("#a8071a")' if page.rereview else "ink"
    status = lit("Review: " + page.status_text)
    more = lit(d.section_title + " (continued)")
    title = (
        f'#block(text(size: 16pt, weight: "bold", fill: blue, {more}))'
        if continued
        else f"#heading(level: 2, {lit(d.section_title)})"
    )
    return f"""
{title}
#text(fill: muted, {lit(f"{d.group} · {d.area_name} · {d.period_title}")}) #h(1fr)
#text(weight: "bold", fill: {status_colour}, {status})
#v(3pt)
"""


def _further_table(caption: str, item: FurtherItem) -> str:
    header = ", ".join(f"[*{txt(c)}*]" for c in item.columns)
    cells = ", ".join(lit(v) for row in item.rows for v in row)
    return (
        f"#figure(kind: table, supplement: none, caption: {lit(caption)}, "
        f"table(columns: {max(1, len(item.columns))}, inset: 3pt, "
        f'stroke: 0.4pt + rgb("#b1b4b6"), table.header({header}), {cells}))'
    )


def _further(page: SheetPage, images: dict[str, Path]) -> str:
    """The analyst's own figures, tables and text, on a page after the sheet's measures,
    under the sheet's header: what the HTML's "Further analysis" panel shows."""
    d = page.data
    if not d.further:
        return ""
    blocks = []
    for n, item in enumerate(d.further):
        if item.kind == "figure":
            path = images[f"further:{d.section_id}:{n}"]
            blocks.append(
                f"#figure(image({lit(path.name)}, width: 60%, alt: {lit(item.alt)}), "
                f"caption: {lit(item.alt)})"
            )
            if item.rows:  # its data table, as the HTML's
                blocks.append(_further_table(f"Data behind the chart: {item.alt}", item))
        elif item.kind == "table":
            blocks.append(_further_table(item.caption, item))
        else:
            blocks.append(markdown_to_typst(item.markdown))
    body = "\n\n".join(blocks)
    return (
        _sheet_header(page, continued=True)
        + '#heading(level: 3, "Further analysis")\n'
        + f"#block(width: 100%)[\n{body}\n]\n"
    )


def _sheet(book: Book, page: SheetPage, images: dict[str, Path]) -> str:
    """A sheet as Typst lays it out, nothing estimated. When the narrative column (why,
    balance, analysis, actions) fits beside the measures, Typst flows the measures on,
    row by row, in the same column of the pages after (every chart at its printed size,
    no row split). When it does not, the rows of measures are packed by what Typst
    measures, the later pages headed by the sheet, and the analysis and actions follow
    the measures in three columns."""
    d = page.data
    missing = f"#notwritten({lit(page.missing_analysis)})"
    analysis_t = markdown_to_typst(page.analysis) if page.analysis else missing
    note = lit(f"Suppression {d.suppression}. {MARKER_KEY}")
    captions = [measure_caption(m, d) for m in d.measures]
    cells = [
        _measure_cell(m, c, images, page.anchor) for m, c in zip(d.measures, captions, strict=True)
    ]
    return (
        _sheet_header(page, continued=False, measured=True)
        + f"""
  let top = [
    #panel("Why it matters and what good looks like", blue)[
      {txt(d.why)}

      {_good(d)}
      {_questions(d.questions)}
    ]
    {_balance_panel(page)}
  ]
  let words = [
    #panel("Analysis: the story behind the figures", green)[
{analysis_t}
    ]
    #panel("Actions", orange)[
{_actions(page)}
    ]
  ]
  let more-head = {_continued_head(page)}
  let two-columns(title, left, right) = {{
    title
    grid(columns: (1fr, 2.6fr), gutter: 9pt, left, right)
  }}
  let fits = measure(block(width: BODY-WIDTH, two-columns(head, top + words, [])))
    .height <= BODY-HEIGHT
  let left = if fits {{ top + words }} else {{ top + text(fill: muted, {lit(WORDS_OVERLEAF)}) }}
  let left-column(n) = if n == 0 {{ left }} else {{ text(fill: muted, {lit(CONTINUED)}) }}
  let sheet-page(n, cells) = two-columns(
    if n == 0 {{ head }} else {{ more-head }}, left-column(n), measures-panel(cells, {note}))
  let cells = {_array(cells)}
  if fits {{  // Typst flows the measures on, row by row, in the same column
    two-columns(head, left, measures-panel(cells, {note}))
    return
  }}
  let pages = pack-measures(cells, sheet-page, left-column, {note})
  for (n, cells) in pages.enumerate() {{
    if n > 0 {{ pagebreak() }}
    sheet-page(n, cells)
  }}
  {{
    // on below the measures, unless too little of the page is left to read in columns
    let last = measure(block(width: BODY-WIDTH, sheet-page(pages.len() - 1, pages.last())))
    if last.height > BODY-HEIGHT - 70mm {{
      pagebreak()
      more-head
    }}
    columns(3, gutter: 12pt, words)
  }}
}}
"""
    )


def _array(items: list[str]) -> str:
    """A Typst array of the given expressions (a one-item array needs its comma)."""
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _good(d: SheetData) -> str:
    good = ""
    if d.good_outcome:
        good += '\n#subhead("Good outcomes")\n' + "\n".join(f"- {txt(s)}" for s in d.good_outcome)
    if d.good_quality:
        good += '\n#subhead("Good quality")\n' + "\n".join(f"- {txt(s)}" for s in d.good_quality)
    return good + "\n"


DATA_LINK = "The figures behind these charts: in “Data behind the charts”, at the end."
WORDS_OVERLEAF = (
    "The analysis and the actions follow the measures: they are longer than this column."
)
CONTINUED = (
    "The sheet's measures continued: they did not fit on its first page. Each chart is "
    "printed at the same size as there."
)


def _questions(questions: list[str]) -> str:
    if not questions:
        return ""
    return '\n#subhead("Questions for the board")\n' + "\n".join(f"- {txt(q)}" for q in questions)


def _count_text(n: int, total: int) -> str:
    if not total:
        return "–"
    return f"{n} of {total}" + (" (gap)" if not n else "")


def _balance_panel(page: SheetPage) -> str:
    """Counts by type and source in one small table, gaps in words, missing measures listed."""
    b = page.balance
    cells = []
    for label, n, total in [*b.by_type, *b.by_source]:
        fill = "warnbg" if total and not n else "none"
        cells.append(
            f"table.cell(fill: {fill}, {lit(label)}), table.cell(fill: {fill}, "
            f"{lit(_count_text(n, total))})"
        )
    warnings = [f"Gap: {g}" for g in b.gaps] + [
        f"Missing return: {agency}, latest period: " + "; ".join(titles)
        for agency, titles in page.missing_returns
    ]
    gaps = "".join(f"#notwritten({lit(w)}) " for w in warnings)
    notes = []
    if b.missing:
        notes.append("No data yet: " + "; ".join(f"{m.title} ({m.type})" for m in b.missing))
    if page.informed_by:
        notes.append(
            "Informed by: "
            + "; ".join(f"{a.kind}: {a.title} ({a.lead}, done {a.done})" for a in page.informed_by)
        )
    missing = "\n      ".join(f"#text(size: 8pt, {lit(n)})" for n in notes)
    return f"""#panel("Information balance", pink)[
      #text(size: 8.5pt, {lit(f"{b.with_data} of {b.chosen} measures have data.")}) {gaps}
      #text(size: 8pt, table(columns: (1fr, auto), inset: 2pt, stroke: 0.3pt + rgb("#b1b4b6"),
        table.header([*Type or source*], [*With data*]), {", ".join(cells)}))
      {missing}
    ]"""


def _table_page(
    title: str, intro: str, *, header: list[str], rows: list[list[str]], widths: str
) -> str:
    head = ", ".join(f"[*{txt(h)}*]" for h in header)
    cells = ", ".join(", ".join(lit(v) for v in row) for row in rows)
    return f"""
{_titled_page(title)}
{txt(intro)}

#text(size: 8.5pt, table(columns: ({widths}), inset: 3pt, stroke: 0.4pt + rgb("#b1b4b6"),
  table.header({head}), {cells}))
"""


def _themes(book: Book) -> str:
    if not book.themes:
        return ""
    rows = [
        [
            t.theme,
            t.risk.capitalize(),
            "; ".join(t.agencies),
            "; ".join(x for _, x in t.sheets),
            t.summary,
        ]
        for t in book.themes
    ]
    return _table_page(
        "Cross-cutting themes and risks",
        "Themes and risks the partnership has flagged across its member agencies, highest first.",
        header=["Theme", "Risk", "Agencies", "Sheets", "Summary"],
        rows=rows,
        widths="1.5fr, auto, 1fr, 1.2fr, 2fr",
    )


def _programme(book: Book) -> str:
    if not book.programme:
        return ""
    count = {s: sum(a.status == s for a in book.programme) for s in ("done", "overdue", "due")}
    rows = [
        [
            a.planned,
            a.title,
            a.kind,
            ", ".join(a.content_areas),
            a.lead,
            f"Done {a.done}"
            if a.status == "done"
            else a.status.upper()
            if a.status == "overdue"
            else a.status.capitalize(),
            a.findings,
        ]
        for a in book.programme
    ]
    return _table_page(
        "Quality assurance programme",
        f"Three financial years of activities, as at the end of {book.period_title}: "
        f"{count['done']} done, {count['overdue']} overdue, {count['due']} due in the next "
        "three months.",
        header=["Planned", "Activity", "Kind", "Content areas", "Lead", "Status", "Findings"],
        rows=rows,
        widths="auto, 1.6fr, 1fr, 1fr, 1fr, auto, 2fr",
    )


def _balance_page(book: Book) -> str:
    b = book.balance
    heads = [label for label, _, _ in [*b.by_type, *b.by_source]]
    rows = []
    for page in book.sheets:
        pb = page.balance
        values = [_count_text(n, t) for _, n, t in [*pb.by_type, *pb.by_source]]
        rows.append(", ".join(lit(v) for v in [page.data.section_title, *values]))
    total = [_count_text(n, t) for _, n, t in [*b.by_type, *b.by_source]]
    rows.append(", ".join(lit(v) for v in ["Whole book", *total]))
    missing = ", ".join(
        ", ".join(lit(v) for v in (m.sheet, m.title, m.type, m.source_label)) for m in b.missing
    )
    gaps = "\n".join(f"#notwritten({lit('Gap: ' + g)})" for g in b.gaps)
    missing_table = (
        "table(columns: (1.2fr, 2fr, auto, 1.2fr), inset: 3pt, stroke: 0.4pt + "
        'rgb("#b1b4b6"), table.header([*Sheet*], [*Measure*], [*Type*], [*Source*]), '
        + missing
        + ")"
        if b.missing
        else lit("Every measure chosen has data.")
    )
    header = ", ".join(f"[*{txt(h)}*]" for h in ["Sheet", *heads])
    intro = txt(
        f"Across the book, {b.with_data} of the {b.chosen} measures chosen have data. "
        "A balanced picture needs outcomes as well as counts, and the experience of "
        "children, parents, carers and staff as well as management information."
    )
    return f"""
{_titled_page("Information balance: what we collect and what is missing")}
{intro}

{gaps}

#text(size: 8.5pt, table(columns: (2fr, {", ".join(["1fr"] * len(heads))}), inset: 3pt,
  stroke: 0.4pt + rgb("#b1b4b6"), table.header({header}), {", ".join(rows)}))

#heading(level: 3, "Measures chosen that have no data yet")
#text(size: 8.5pt, {missing_table})
"""


def _actions(page: SheetPage) -> str:
    """The actions register as a table (overdue said in words, not colour alone), then prose."""
    out = []
    if page.actions:
        cells = []
        for a in page.actions:
            fill = 'rgb("#fde8e8")' if a.overdue else "none"
            row = [a.id, a.text, a.owner, a.due, a.status_text]
            weights = ["regular"] * 4 + ["bold" if a.overdue else "regular"]
            cells.append(
                ", ".join(
                    f'table.cell(fill: {fill})[#text(weight: "{w}", {lit(v)})]'
                    for v, w in zip(row, weights, strict=True)
                )
            )
        out.append(
            "#set text(size: 8pt)\n"
            "#table(columns: (auto, 2.2fr, 1fr, auto, 1fr), inset: 3pt, stroke: 0.4pt + "
            'rgb("#b1b4b6"), table.header([*Id*], [*Action*], [*Owner*], [*Due*], [*Status*]), '
            + ", ".join(cells)
            + ")"
        )
    if page.actions_text:
        out.append(markdown_to_typst(page.actions_text))
    if not out:
        out.append(f"#notwritten({lit(page.missing_actions)})")
    return "\n".join(out)


# An icon's smallest letter is 8 of its 28 units high: printed this tall, it is 6 pt.
ICON_HEIGHT = f"{6 * MDC_VIEWBOX / MDC_SMALLEST_LETTER:.1f}pt"


def _icon(kind: str, code: str, images: dict[str, Path]) -> str:
    """An MDC icon as an image with its full words as alt text (and its few words beside
    it, written by the caller), sized so that no letter in it is under 6 pt."""
    path = images[f"icon:{kind}:{code}"]
    return (
        f"box(baseline: 30%, image({lit(path.name)}, height: {ICON_HEIGHT}, "
        f"alt: {lit(icon_text(kind, code))}))"
    )


def _mdc_cell(kind: str, code: str, images: dict[str, Path]) -> str:
    if not code:
        return "[–]"
    return f"[#{_icon(kind, code, images)} #{lit(icon_label(code))}]"


def _summary(book: Book, images: dict[str, Path]) -> str:
    """The board summary: the rows board_summary says, laid out as the HTML lays them."""
    annual = book.annual
    rows = []
    for group in board_summary(book):
        fill = "#fff7e6" if group.anchor == "needs-attention" else "#f3f2f1"
        rows.append(
            f'table.cell(colspan: 9, fill: rgb("{fill}"))'
            f"[*{txt(group.title)}* #text(fill: muted, {lit(group.note)})]"
        )
        for r in group.rows:
            spark = (
                f"[#box(image({lit(images['spark:' + r.measure_anchor].name)}, height: 12pt, "
                f"alt: {lit(r.spark_text)}))]"
                if r.spark_text
                else "[]"
            )
            change = (
                f'[#text(weight: "bold", {lit(r.change)})]'
                if r.judgement == "worse"
                else f"[{txt(r.change)}]"
            )
            variation = (
                f"[{txt(r.funnel or '–')}]"
                if annual
                else _mdc_cell("variation", r.variation, images)
            )
            rows.append(
                ", ".join(
                    [
                        f"[{txt(r.title)}]",
                        spark,
                        f"[{txt(r.latest)} \\ #text(fill: muted, {lit(r.latest_period)})]",
                        change,
                        f"[{txt(r.comparison)}]",
                        f"[{txt(r.band or '–')}]",
                        variation,
                        _mdc_cell("assurance", r.assurance, images),
                        f"[#text(size: 7pt, {lit(r.review)})]",
                    ]
                )
            )
    state = "DRAFT: not every sheet is approved." if book.draft else "All sheets approved."
    lead = (
        "Every measure with data. "
        + (
            "Funnel position: where the area lies against all areas' 95% and 99.8% limits."
            if annual
            else "Variation and assurance as Making Data Count shows them (icons from 13 points)."
        )
        + f" Band: {BAND_TEXT}. {state}"
    )
    variation_head = "Funnel position" if annual else "Variation"
    return f"""
{_titled_page("At a glance")}
#text(fill: muted, {lit(lead)})
#text(size: 9pt)[#show figure: set block(breakable: true)
#set figure.caption(position: top)
#figure(kind: table, supplement: none,
  caption: {lit(f"Board summary: {book.area_name}, {book.period_title}")},
  table(columns: (3fr, auto, auto, 2.2fr, 2fr, auto, 1.4fr, 1.3fr, 1.6fr), inset: 4.5pt,
  align: left + horizon,
  stroke: 0.4pt + rgb("#b1b4b6"),
  table.header([*Measure*], [*Trend*], [*Latest*], [*Change*], [*Compared*], [*Band*],
    [*{variation_head}*], [*Assurance*], [*Review*]),
  {", ".join(rows)}))]
"""


def _story(story: StoryPage | None) -> str:
    """A story sheet (the book's, or one sheet's, which follows that sheet) on its own page."""
    if story is None:
        return ""
    parts = []
    for heading, text in story.parts:
        body = markdown_to_typst(text) if text else f"#notwritten({lit(NOT_WRITTEN)})"
        parts.append(f"#panel({lit(heading)}, green)[\n{body}\n]")
    return (
        _titled_page(story.title)
        + f'#text(weight: "bold", {lit("Review: " + story.status_text)})\n'
        + "#columns(3, gutter: 12pt)[\n"  # the parts flow on, however long each is
        + "\n".join(parts)
        + "\n]\n"
    )


def _note_table(table: NoteTable) -> str:
    return _figure_table(table.caption, table.header, table.rows, "left", "3pt, stroke: 0.4pt")


def _figure_table(
    caption: str, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], align: str, look: str
) -> str:
    """A table as a captioned figure: its header cells repeated where it breaks, each row
    headed by its first cell. `look`: the inset and the stroke's width."""
    head = ", ".join(f"[*{txt(h)}*]" for h in header)
    cells = ", ".join(", ".join([f"[*{txt(row[0])}*]", *(lit(c) for c in row[1:])]) for row in rows)
    return (
        f"#figure(kind: table, supplement: none, caption: {lit(caption)}, "
        f"table(columns: {len(header)}, align: {align}, inset: {look} "
        f'+ rgb("#b1b4b6"), table.header({head}), {cells}))'
    )


def _note_page(note: NotePage, images: dict[str, Path]) -> str:
    """A page the book makes (cross-cutting, an agency's messages, a Turning the Curve
    sheet): its panels in the HTML's order, flowing on in two columns."""
    panels = []
    for panel in note.panels:
        body = markdown_to_typst(panel.text) if panel.text else ""
        if panel.chart is not None:
            chart, name = panel.chart, images[panel.chart.id].name
            image = f"image({lit(name)}, width: {WIDTH_IN}in, alt: {lit(chart.alt)})"
            body += f"\n#block(breakable: false, {image})\n"
        if panel.table is not None:
            body += "\n" + _note_table(panel.table) + "\n"
        panels.append(f"#panel({lit(panel.heading)}, blue)[\n{body}\n]")
    status = (
        f'#text(weight: "bold", {lit("Review: " + note.status_text)})\n' if note.status_text else ""
    )
    return (
        _titled_page(note.title)
        + f"#text(fill: muted, {lit(note.lead)})\n"
        + status
        + "#text(size: 9pt)[#show figure: set align(left)\n#set figure.caption(position: top)\n"
        + "#columns(2, gutter: 14pt)[\n"
        + "\n".join(panels)
        + "\n]]\n"
    )


def _data_label(page: SheetPage, table: DataTable) -> str:
    return f"<data-{page.anchor}-{table.id}>"


def _data_table(page: SheetPage, table: DataTable) -> str:
    """One table of the figures behind a chart, its header cells repeated on each column."""
    align = "(" + ", ".join("right" if n else "left" for n in table.numeric) + ",)"
    body = _figure_table(table.caption, table.header, table.rows, align, "2.5pt, stroke: 0.3pt")
    return f"{body} {_data_label(page, table)}"


def _data_appendix(book: Book) -> str:
    """Every chart's figures as tables, sheet by sheet (each SPC point with its mean and
    limits): what a screen reader, or a reader checking a figure, reads instead of a chart."""
    blocks = []
    for page in book.sheets:
        tables = [t for m in page.data.measures for t in data_tables(m, page.data)]
        if tables:
            blocks.append(f"#heading(level: 3, {lit(page.data.section_title)})")
            blocks += [_data_table(page, t) for t in tables]
    if not blocks:
        return ""
    body = "\n".join(blocks)
    return (
        _titled_page("Data behind the charts")
        + "#text(size: 7.5pt)[#show figure: set align(left)\n"  # each table whole, caption on top
        + "#set figure.caption(position: top)\n"
        + "#show heading.where(level: 3): set block(above: 12pt, below: 5pt)\n"
        + f"#columns(3, gutter: 12pt)[\n{body}\n]]\n"
    )


def _appendix(book: Book) -> str:
    rows = ", ".join(
        f"{lit(k)}, {lit(v)}" for k, v in [*book.provenance, ("Built at", book.built_at)]
    )
    return f"""
{_titled_page("About this book: sources and provenance")}
#table(columns: (auto, 1fr), stroke: 0.4pt + rgb("#b1b4b6"), inset: 4pt,
  table.header([*Item*], [*Value*]), {rows})
"""


def typst_source(book: Book, images: dict[str, Path], standalone: bool = True) -> str:
    """The whole book as Typst; `standalone=False` leaves out document-level settings
    (for embedding in another template, such as Quarto's)."""
    parts = [_document(book)] if standalone else []
    parts += [PREAMBLE, _page_setup(book), _cover(book)]
    if book.summary:
        parts += [_summary(book, images), _balance_page(book)]
    parts += [_note_page(note, images) for note in book.pages]
    parts += [
        _sheet(book, page, images)
        + _further(page, images)
        + _story(page.story)
        + "".join(_note_page(curve, images) for curve in page.curves)
        for page in book.sheets
    ]
    parts += [_story(book.story), _themes(book), _programme(book), _data_appendix(book)]
    parts.append(_appendix(book))
    return "\n".join(parts)


def sheet_pages_png(book: Book, section: str, ppi: int = 40) -> list[bytes]:
    """The A3 pages one sheet prints on, as PNG images, for the reviewer's preview: the
    sheet laid out by the same source as the book, its links to the data tables kept as
    anchors without the tables' pages. Compiled in this process, where Typst remembers
    what it laid out before, so a preview after a saved edit takes a fraction of the first."""
    import typst

    page = next((p for p in book.sheets if p.data.section_id == section), None)
    if page is None:
        raise RenderError(f"{section!r} is not a sheet of this book")
    alone = replace(book, sheets=[page])
    anchors = "\n".join(
        f"#metadata(none) {_data_label(page, t)}"
        for m in page.data.measures
        for t in data_tables(m, page.data)
    )
    with tempfile.TemporaryDirectory(prefix="qareport-preview-") as scratch:
        root = Path(scratch)
        images = write_chart_images(alone, root)
        source = root / "sheet.typ"
        body = _sheet(alone, page, images) + _further(page, images) + _story(page.story)
        body = body.replace("#pagebreak()", "#pagebreak(weak: true)", 1)  # no blank first page
        source.write_text(
            "\n".join([_document(alone), PREAMBLE, _page_setup(alone), body, anchors]),
            encoding="utf-8",
        )
        pages = typst.compile(
            str(source), root=str(root), font_paths=[str(FONT_DIR)],
            ignore_system_fonts=True, format="png", ppi=ppi,
        )  # fmt: skip
    return list(pages) if isinstance(pages, list) else [pages]


def write_chart_images(book: Book, folder: Path) -> dict[str, Path]:
    """Every image the PDF shows as an SVG file beside the Typst source, keyed by id: each
    chart (and SPC chart or funnel plot), an analyst's own figures, the MDC icons and the
    summary's sparklines. A measure on two sheets has one chart id and one file; every file
    has its own number, so no image is ever written over another."""
    images: dict[str, Path] = {}

    def keep(key: str, stem: str, svg: str) -> None:
        if key in images:  # the same chart again (a measure on two sheets): one file
            return
        path = folder / f"{stem}-{len(images):03d}.svg"
        path.write_text(svg, encoding="utf-8")
        images[key] = path

    for note in [*book.pages, *(c for page in book.sheets for c in page.curves)]:
        for panel in note.panels:
            if panel.chart is not None:
                keep(panel.chart.id, "chart", panel.chart.svg)
    for page in book.sheets:
        for measure in page.data.measures:
            for chart in measure.charts:
                keep(chart.id, "chart", chart.svg)
        for n, item in enumerate(page.data.further):  # an analyst's own figures
            if item.kind == "figure":
                keep(f"further:{page.data.section_id}:{n}", "further", item.svg)
    for kind, codes in (("variation", VARIATION_TEXT), ("assurance", ASSURANCE_TEXT)):
        for code in codes:  # the MDC icons, once each
            keep(f"icon:{kind}:{code}", f"icon-{kind}-{code}", icon_svg(kind, code))
    for group in board_summary(book):
        for row in group.rows:
            if row.spark_text:
                keep(
                    f"spark:{row.measure_anchor}", "spark", sparkline_svg(row.spark, row.spark_text)
                )
    return images


def render_pdf(book: Book, pdf_standard: Literal["ua-1"] | None = "ua-1") -> bytes:
    """Compile the book to PDF bytes in a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="qareport-typst-") as scratch:
        root = Path(scratch)
        images = write_chart_images(book, root)
        source = root / "book.typ"
        source.write_text(typst_source(book, images), encoding="utf-8")
        return _compile(source, root, pdf_standard)


# Typst memoises what it compiles in a process-wide cache that the Python binding never
# evicts: one process compiling book after book (a batch worker) grew by about 25 MB a
# book. Each book is therefore compiled in a short-lived child process (about 0.1 s).
_COMPILE = """
import sys, typst
source, root, fonts, standard = sys.argv[1:5]
try:
    pdf = typst.compile(source, root=root, font_paths=[fonts], ignore_system_fonts=True,
                        pdf_standards=standard or None)
except Exception as exc:
    text = str(exc).strip()
    sys.stderr.write(text.splitlines()[0] if text else type(exc).__name__)
    sys.exit(1)
sys.stdout.buffer.write(pdf)
"""


def _compile(source: Path, root: Path, pdf_standard: str | None) -> bytes:
    done = subprocess.run(
        [sys.executable, "-c", _COMPILE, str(source), str(root), str(FONT_DIR), pdf_standard or ""],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(
            f"the PDF could not be compiled by Typst: {first[-1] if first else 'no message'}"
        )
    return done.stdout
