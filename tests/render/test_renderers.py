"""The renderers called directly on a book assembled in-process (no kernel): the HTML and the
Typst source, and the parity that matters to boards: both say the same words under every chart."""

from html.parser import HTMLParser
from io import BytesIO

import pypdf
import pytest

from helpers import assembled_book
from qareport.demo.partnership import PARTNERSHIP_ID
from qareport.render.captions import measure_caption
from qareport.render.html import render_html
from qareport.render.typst_pdf import render_pdf, typst_source, write_chart_images


@pytest.fixture(scope="module", params=[("amberleigh", "2025-26"), (PARTNERSHIP_ID, "2025-26")])
def book(request, demo_store):
    return assembled_book(demo_store, *request.param)


class _Captions(HTMLParser):
    """The text of every <figcaption>, keyed by its figure's id."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self._figure = ""
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "figure":
            self._figure = dict(attrs).get("id", "")
        elif tag == "figcaption":
            self._inside = True
            self.found[self._figure] = ""
        elif tag == "br" and self._inside:
            self.found[self._figure] += " "

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.found[self._figure] += data


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_html_figcaption_says_exactly_the_caption_of_every_measure(book):
    parser = _Captions()
    parser.feed(render_html(book))
    for page in book.sheets:
        for m in page.data.measures:
            caption = measure_caption(m, page.data)
            shown = _words(parser.found[f"{page.anchor}-{m.id}"])
            expected = _words(" ".join([caption.title, caption.type + caption.source,
                                        *(line.text for line in caption.lines)]))  # fmt: skip
            assert shown == expected


def test_the_pdf_says_every_caption_line_of_every_measure(book):
    text = _words(
        " ".join(p.extract_text() for p in pypdf.PdfReader(BytesIO(render_pdf(book))).pages)
    )
    missing = []
    for page in book.sheets:
        for m in page.data.measures:
            for line in measure_caption(m, page.data).lines:
                if _words(line.text) not in text:
                    missing.append(f"{page.data.section_id}/{m.id}: {line.text}")
    assert not missing, "\n".join(missing[:10])


def test_the_typst_source_holds_every_chart_with_its_alt_text_and_no_raw_markup(book, tmp_path):
    """Both charts of a measure (the trend, and the SPC chart or funnel plot) are on paper."""
    charts = [c for p in book.sheets for m in p.data.measures for c in m.charts]
    assert any(len(m.charts) == 2 for p in book.sheets for m in p.data.measures)
    images = write_chart_images(book, tmp_path)
    source = typst_source(book, images)
    for page in book.sheets:
        assert f'#heading(level: 2, "{page.data.section_title}")' in source
    for chart in charts:
        assert f'image("{images[chart.id].name}", width: 100%, alt: "{chart.alt[:40]}' in source
    assert "<script" not in source


def test_the_html_is_one_self_contained_page_with_a_section_per_sheet(book):
    html = render_html(book)
    assert html.count('<section class="page sheet"') == len(book.sheets)
    assert "<script" not in html.lower() and "http://" not in html


def test_a_typst_error_is_one_line_from_the_compiler(tmp_path):
    """Books are compiled in a child process (Typst's cache is never evicted in-process);
    the compiler's own message still comes back as one RenderError line."""
    from qareport.errors import RenderError
    from qareport.render import typst_pdf

    source = tmp_path / "book.typ"
    source.write_text("#let broken = (\n", encoding="utf-8")
    with pytest.raises(RenderError, match=r"^the PDF could not be compiled by Typst: .+") as got:
        typst_pdf._compile(source, tmp_path, None)
    assert "\n" not in str(got.value)
    source.write_text(
        '#set document(title: "T")\n#set text(lang: "en")\n= A heading\n\nWords.\n',
        encoding="utf-8",
    )
    assert typst_pdf._compile(source, tmp_path, "ua-1").startswith(b"%PDF-")


@pytest.mark.slow
def test_every_image_file_holds_its_own_chart_when_a_measure_is_on_two_sheets(demo_store, tmp_path):
    """The police book shows some measures on more than one sheet (one chart id each):
    every chart id still has a file of its own holding exactly its drawing. (Files named
    by a count that a repeated id did not move once wrote an SPC chart over a trend.)"""
    book = assembled_book(demo_store, "northmarch-police", "2025-26-Q4")
    charts = {c.id: c for p in book.sheets for m in p.data.measures for c in m.charts}
    shown = [c.id for p in book.sheets for m in p.data.measures for c in m.charts]
    assert len(shown) > len(charts)  # some chart is shown twice
    images = write_chart_images(book, tmp_path)
    paths = [images[chart_id] for chart_id in charts]
    assert len(set(paths)) == len(paths)
    for chart_id, chart in charts.items():
        assert images[chart_id].read_text(encoding="utf-8") == chart.svg, chart_id
    assert len({p.name for p in images.values()}) == len(images)
