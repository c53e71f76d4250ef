"""The book as the renderers see it: sheets from executed notebooks plus narrative.

Both the HTML and the PDF renderer take a `Book`, so they cannot disagree
about what a sheet says. Sheet data are read back from the JSON payload each
executed section notebook displays; narrative, review status and actions are
read from their files at render time, so an edit to words needs no notebook to
run again. Placeholders are filled here, from the figures as the book shows
them (already suppressed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qareport.book.balance import Balance, information_balance
from qareport.book.programme import ProgrammeRow
from qareport.sheet.model import Chart, SheetData

__all__ = [
    "ActionView",
    "Book",
    "NotePage",
    "NotePanel",
    "NoteTable",
    "SheetPage",
    "StoryPage",
    "ThemeView",
]

NOT_WRITTEN = "Not yet written"


@dataclass(frozen=True)
class ActionView:
    id: str
    text: str
    owner: str
    due: str
    status: str
    raised: str
    closed: str
    overdue: bool

    @property
    def status_text(self) -> str:
        if self.overdue:
            return f"Overdue ({self.status})"
        if self.status in ("done", "dropped") and self.closed:
            return f"{self.status.capitalize()} in {self.closed}"
        return self.status.capitalize()


@dataclass(frozen=True)
class StoryPage:
    parts: list[tuple[str, str]]  # (heading, Markdown)
    label: str
    status_text: str
    anchor: str = "story"  # a sheet's own story: story-<section>
    title: str = "Story sheet: experiences behind the figures"


@dataclass(frozen=True)
class NoteTable:
    """A table on a note page; each row's first cell is its header cell."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class NotePanel:
    """One panel of a note page: a heading, then words (Markdown), a chart and a table,
    each optional; both renderers draw them in this order."""

    heading: str
    text: str = ""
    chart: Chart | None = None
    table: NoteTable | None = None


@dataclass(frozen=True)
class NotePage:
    """A page the book makes from its sheets and the reviewers' files rather than one
    notebook: a themed book's cross-cutting page, an agency's page of the event pack, a
    Turning the Curve sheet. One source of words for the HTML and the PDF page."""

    anchor: str
    title: str
    lead: str
    panels: tuple[NotePanel, ...]
    status_text: str = ""  # the review status, for pages reviewers sign off


@dataclass(frozen=True)
class SheetPage:
    data: SheetData
    narrative_label: str  # the file's path relative to the project, for 'edit here' hints
    analysis: str  # Markdown, placeholders filled
    actions_text: str
    actions: list[ActionView] = field(default_factory=list)
    status: str = "draft"
    reviewer: str = ""
    reviewed_on: str = ""
    rereview: bool = False
    informed_by: list[ProgrammeRow] = field(default_factory=list)
    story: StoryPage | None = None  # the sheet's own story sheet, shown right after it
    typed_status: str = ""  # a status typed into the file by hand (not a recorded sign-off)
    curves: tuple[NotePage, ...] = ()  # Turning the Curve sheets for its measures, after it
    key: str = ""  # which area's sheet, in a book of one content area across several areas

    @property
    def anchor(self) -> str:
        return (
            f"sheet-{self.key}-{self.data.section_id}"
            if self.key
            else f"sheet-{self.data.section_id}"
        )

    @property
    def approved(self) -> bool:
        return self.status == "approved" and not self.rereview

    @property
    def status_text(self) -> str:
        if self.rereview:
            return (
                f"Re-review needed: figures cited in the text have changed since "
                f"{self.reviewer or 'the reviewer'} approved it on {self.reviewed_on}"
            )
        if self.typed_status:
            return (
                f"Draft: 'status: {self.typed_status}' was typed into the narrative, which "
                "records no reviewer, date or figures; sign off with qareport narrative review"
            )
        if self.status == "draft":
            return "Draft: not yet reviewed"
        who = f" by {self.reviewer}" if self.reviewer else ""
        when = f" on {self.reviewed_on}" if self.reviewed_on else ""
        return f"{self.status.capitalize()}{who}{when}"

    @property
    def missing_analysis(self) -> str:
        """What the sheet says where no analysis was written: where to write it while the
        sheet is a draft; to a board reading an approved sheet, no file path."""
        if self.approved:
            return "No analysis was written for this sheet."
        return f"{NOT_WRITTEN}: add it in {self.narrative_label}"

    @property
    def missing_actions(self) -> str:
        """The same for the actions register."""
        if self.approved:
            return "No actions were recorded for this sheet."
        where = self.narrative_label.replace(f"{self.data.section_id}.md", "actions.yml")
        return f"{NOT_WRITTEN}: add actions to {where}"

    @property
    def overdue_count(self) -> int:
        return sum(a.overdue for a in self.actions)

    @property
    def balance(self) -> Balance:
        return information_balance([(self.data.section_title, self.data.measures)])

    @property
    def missing_returns(self) -> list[tuple[str, list[str]]]:
        """Member agencies with no return for the latest period: (agency, measure titles)."""
        found: dict[str, list[str]] = {}
        for m in self.data.measures:
            for line in m.agencies:
                if line.missing:
                    found.setdefault(line.name, []).append(m.title)
        return list(found.items())

    @property
    def open_count(self) -> int:
        return sum(a.status in ("open", "in progress") for a in self.actions)


@dataclass(frozen=True)
class ThemeView:
    theme: str
    risk: str
    agencies: list[str]  # names
    sheets: list[tuple[str, str]]  # (anchor, title)
    summary: str


@dataclass(frozen=True)
class Book:
    title: str
    area_name: str
    area_code: str
    area_kind: str
    period: str
    period_title: str
    synthetic: bool
    peer_label: str
    national_label: str
    suppression: str
    sheets: list[SheetPage]
    provenance: list[tuple[str, str]]  # (label, value) rows for the appendix
    built_at: str
    story: StoryPage | None = None
    members: list[tuple[str, str]] = field(default_factory=list)  # (name, kind) of agencies
    programme: list[ProgrammeRow] = field(default_factory=list)
    themes: list[ThemeView] = field(default_factory=list)
    edition: str = "annual"
    notice: str = ""  # said on the cover: a book built for a period with no figures
    # a form of the book (config.forms): what it holds, said on its cover and contents
    scope: str = ""
    pages: tuple[NotePage, ...] = ()  # made pages after the summary (cross-cutting, agencies)
    summary: bool = True  # the board summary and information balance pages (not the event's)

    @property
    def draft(self) -> bool:
        return not all(page.approved for page in self.sheets)

    @property
    def annual(self) -> bool:
        """The annual edition: funnel positions; a quarterly or monthly one has SPC icons."""
        return self.edition == "annual"

    @property
    def balance(self) -> Balance:
        return information_balance((p.data.section_title, p.data.measures) for p in self.sheets)
