"""The reviewer's panel, in the first cell of every narrative opened in JupyterLab: the
sheet's A3 page as the board will read it, redrawn within a second of each save; the
sheet's status and anything to attend to (figures changed since approval, nothing
written yet); and the book's build, the approval and the return to draft a click away.

Why a widget panel in the narrative rather than a JupyterLab extension: it needs no
JavaScript build or server extension to install and keep in step with JupyterLab, it sits
where the reviewer already is (run the first cell once; dock its output beside the text
with "Create New View for Output"), and its kernel is the warm process that makes the
preview fast: qareport, nbconvert and Typst are loaded once, and Typst lays out again
only what the edit changed. It reads the last build's figures and the saved narrative
files; it writes nothing but what its buttons say (the book, or a decision in the
review register), never the narrative itself.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qareport.book.assemble import assemble_book
from qareport.book.model import Book, SheetPage
from qareport.book.narrative import story_file
from qareport.book.review import REGISTER, find_project, set_review
from qareport.config.periods import parse_period
from qareport.config.project import Project
from qareport.errors import QareportError
from qareport.render.html import sheet_html
from qareport.render.typst_pdf import sheet_pages_png
from qareport.sheet.payload import read_sheet

__all__ = ["ReviewPanel", "review_panel"]

POLL_SECONDS = 0.2  # how often the saved files are looked at
_PANELS: list[ReviewPanel] = []


@dataclass
class ReviewPanel:
    """One sheet's panel: what it shows comes from `refresh`, which the watcher calls
    whenever a file the sheet reads is saved."""

    project: Project
    area: str
    period: str
    section: str
    widgets: dict[str, Any] = field(default_factory=dict)
    seen: tuple = ()
    refreshed_in: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def folder(self) -> Path:
        return self.project.narrative_area_dir(self.area) / self.period

    def watched(self) -> list[Path]:
        """The files the sheet's page is made from, as saved: its narrative and story,
        the actions and the review register."""
        story = story_file(self.folder, self.section)
        return [self.folder / f"{self.section}.md", story, *(self.folder / n for n in (
            "actions.yml", REGISTER))]  # fmt: skip

    def stamp(self) -> tuple:
        return tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in self.watched())

    def book(self) -> Book | None:
        """The book as the last build's figures and the saved narratives make it now."""
        params = self.project.area(self.area)
        when = parse_period(self.period)
        notebooks = self.project.book_dir(params.id, when) / "notebooks"
        paths = [notebooks / f"{s}.ipynb" for s in self.project.book_sections(params, when)]
        if not all(p.is_file() for p in paths):
            return None
        sheets = [read_sheet(p) for p in paths]
        return assemble_book(self.project, params, when, sheets, built_at="preview")

    def redraw(self) -> tuple[SheetPage, list[bytes], str] | None:
        """The sheet as the saved files make it now: its A3 pages as PNG images and its
        page of the HTML book; None before the book's first build."""
        book = self.book()
        if book is None:
            return None
        page = next(p for p in book.sheets if p.data.section_id == self.section)
        return page, sheet_pages_png(book, self.section), sheet_html(book, self.section)

    def refresh(self) -> None:
        """Redraw the page and the status from the saved files (an error is shown, not
        raised: the reviewer fixes the line it names and saves again)."""
        started = time.perf_counter()
        self.seen = self.stamp()
        try:
            drawn = self.redraw()
        except QareportError as exc:
            self._say(f"<span style='color:#a00'>{_escape(str(exc))}</span>")
            return
        if drawn is None:
            self._say("No figures yet: press <b>Build the book</b> to make them.")
            return
        page, images, screen = drawn
        self.widgets["screen"].value = (
            '<iframe class="qareport-screen" title="The sheet on screen" style="width:100%;'
            f'height:900px;border:1px solid #b1b4b6" srcdoc="{_escape(screen)}"></iframe>'
        )
        self.widgets["pages"].children = [
            self._image(png, f"A3 page {n} of the {page.data.section_title} sheet")
            for n, png in enumerate(images, start=1)
        ]
        self.refreshed_in = time.perf_counter() - started
        notes = [page.status_text]
        notes += [page.missing_analysis] if not page.analysis else []
        notes += [page.missing_actions] if not (page.actions or page.actions_text) else []
        self._say(
            "<br>".join(_escape(n) for n in notes)
            + f"<br><small>Page redrawn at {time.strftime('%H:%M:%S')} "
            f"in {self.refreshed_in:.2f} s, from the saved files.</small>"
        )

    def _image(self, png: bytes, alt: str) -> Any:
        """The page as an image with its alt text (ipywidgets' Image takes none)."""
        import base64

        import ipywidgets

        data = base64.b64encode(png).decode("ascii")
        return ipywidgets.HTML(
            f'<img class="qareport-page" alt="{_escape(alt)}" style="width:100%;'
            f'border:1px solid #b1b4b6" src="data:image/png;base64,{data}">'
        )

    def _say(self, html: str) -> None:
        self.widgets["status"].value = html

    def watch(self) -> None:
        """Redraw whenever a watched file is saved, until the kernel stops."""

        def loop() -> None:
            while not self._stop.wait(POLL_SECONDS):
                if self.stamp() != self.seen:
                    self.refresh()

        threading.Thread(target=loop, name="qareport-review-watch", daemon=True).start()

    def decide(self, status: str) -> None:
        """Approve the sheet, or return it to draft, in the reviewer's name."""
        name = self.widgets["reviewer"].value.strip()
        if not name:
            self._say("<span style='color:#a00'>Type your name first.</span>")
            return
        try:
            set_review(
                self.project,
                self.area,
                self.period,
                self.section,
                reviewer=name,
                status=status,
                nothing_written=self.widgets["nothing"].value,
            )
        except QareportError as exc:
            self._say(f"<span style='color:#a00'>{_escape(str(exc))}</span>")
            return
        self.refresh()

    def build(self) -> None:
        """Build the whole book (its sheets run only where their inputs changed)."""
        from qareport.pipeline.build import build_book

        self._say("Building the book…")
        try:
            done = build_book(self.project.root, self.area, self.period)
        except QareportError as exc:
            self._say(f"<span style='color:#a00'>{_escape(str(exc))}</span>")
            return
        self.refresh()
        link = done.files["html"].relative_to(self.project.root)
        self.widgets[
            "built"
        ].value = (
            f"Book built in {done.seconds:.1f} s: <code>{_escape(str(link))}</code> and its PDF."
        )


def review_panel(area: str, period: str, section: str, project_dir: str | None = None) -> None:
    """Show the panel for one sheet (the first cell of its narrative calls this)."""
    try:
        import ipywidgets
    except ImportError:
        from IPython.display import Markdown, display

        display(
            Markdown(
                "The review panel needs JupyterLab's widgets: install them with "
                "`pip install 'qareport[review]'` and restart the kernel."
            )
        )
        return
    project = Project.open(project_dir) if project_dir else find_project()
    panel = ReviewPanel(project, project.area(area).id, parse_period(period).label, section)
    for earlier in [p for p in _PANELS if p.folder == panel.folder and p.section == section]:
        earlier._stop.set()  # the cell run again: one watcher per sheet
        _PANELS.remove(earlier)
    buttons = {
        "build": ipywidgets.Button(description="Build the book", icon="cogs"),
        "approve": ipywidgets.Button(description="Approve", button_style="success"),
        "draft": ipywidgets.Button(description="Return to draft"),
    }
    panel.widgets = {
        "status": ipywidgets.HTML(),
        "built": ipywidgets.HTML(),
        "reviewer": ipywidgets.Text(placeholder="Your name", description="Reviewer"),
        "nothing": ipywidgets.Checkbox(
            description="Approve with no analysis written (the sheet needs none)",
            indent=False,
            layout={"width": "auto"},
        ),
        "pages": ipywidgets.VBox(),
        "screen": ipywidgets.HTML(),
    }
    buttons["build"].on_click(lambda _: panel.build())
    buttons["approve"].on_click(lambda _: panel.decide("approved"))
    buttons["draft"].on_click(lambda _: panel.decide("draft"))
    w = panel.widgets
    row = [buttons["build"], w["reviewer"], buttons["approve"], buttons["draft"]]
    box = ipywidgets.VBox(
        [
            ipywidgets.HBox(row),
            w["nothing"],
            w["status"],
            w["built"],
            _tabs(ipywidgets, {"A3 page": w["pages"], "On screen": w["screen"]}),
        ]
    )
    box.add_class("qareport-review-panel")
    panel.refresh()
    panel.watch()
    from IPython.display import display

    display(box)
    _PANELS.append(panel)  # kept while the kernel runs (its watcher refers to it)
    return None


def _tabs(ipywidgets: Any, views: dict[str, Any]) -> Any:
    tabs = ipywidgets.Tab(children=list(views.values()))
    for n, title in enumerate(views):
        tabs.set_title(n, title)
    return tabs


def _escape(text: str) -> str:
    from html import escape

    return escape(text)
