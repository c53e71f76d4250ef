"""Shared helpers for the tests: where things are, a disposable workbook, the real CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
AXE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DEMO_AREA = "larkhaven"  # the smallest demo area: it has the small numbers
PERIOD = "2025-26"
# The published DfE children-in-need files (and ONS population) under realdata/dfe_cin,
# by the mapping each is imported with.
DFE_FILES = {
    "ons-population": "ons_mid-year_population_estimates_2012_to_2024.csv",
    "dfe-cin-b1": "b1_children_in_need_2013_to_2025.csv",
    "dfe-cin-c1": "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "dfe-cin-c4": "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
    "dfe-cin-d3": "d3_cpps_subsequent_plan_2013_to_2025.csv",
    "dfe-cin-d5": "d5_cpps_at31march_by_duration_2013_to_2025.csv",
}


def copy_workbook(target: Path) -> Path:
    """A fresh workbook: parameters, demo data, programme and notebooks; no narrative or output."""
    for name in ("parameters", "notebooks", "programme"):
        shutil.copytree(REPO / name, target / name)
    shutil.copytree(REPO / "data" / "demo", target / "data" / "demo")
    return target


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real `qareport` command line in a workbook folder."""
    return subprocess.run(
        [sys.executable, "-m", "qareport.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def data_table(book_html: str, measure_title: str) -> dict[str, list[str]]:
    """The 'data behind this chart' table of a measure: period -> its cells as shown."""
    import html

    text = html.unescape(book_html)
    found = re.search(rf"<caption[^>]*>{re.escape(measure_title)}, ", text)
    if found is None:
        raise ValueError(f"no data table for {measure_title!r}")
    start = found.start()
    body = text[start : text.index("</table>", start)]
    return {
        period: re.findall(r"<td[^>]*>([^<]*)</td>", cells)
        for period, cells in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', body)
    }


def sheet_ids(book_html: str) -> list[str]:
    """The content area ids of a book's sheets, in order."""
    return re.findall(r'<section class="page sheet" id="sheet-([a-z0-9-]+)"', book_html)


def sheet_html(book_html: str, section: str) -> str:
    """One sheet's part of a rendered book."""
    start = book_html.index(f'id="sheet-{section}"')
    end = book_html.find('<section class="page', start + 1)
    return book_html[start:end]


# Bad extracts, each with the error it must produce (file, row and column named).
EXTRACT_HEADER = "area_code,period,measure_id,numerator,denominator,note\n"


BAD_CASES = {
    "missing column": (
        "area_code,period,numerator\nDM12,2025-26,4\n",
        r"extra\.csv row 1, column `measure_id`: missing column",
    ),
    "non-numeric value": (
        EXTRACT_HEADER + "DM12,2020-21,cp-repeat-plans,12a,40,\n",
        r"extra\.csv row 2, column `numerator`: '12a' is not a number",
    ),
    "numerator above denominator": (
        EXTRACT_HEADER + "DM12,2020-21,cp-repeat-plans,15,12,\n",
        r"extra\.csv row 2, column `denominator`: 12 is smaller than numerator 15",
    ),
    "negative count": (
        EXTRACT_HEADER + "DM12,2020-21,da-incidents-children,-2,,\n",
        r"extra\.csv row 2, column `numerator`: -2 is negative",
    ),
    "unknown measure id": (
        EXTRACT_HEADER + "DM12,2020-21,cp-nope,1,2,\n",
        r"extra\.csv row 2, column `measure_id`: 'cp-nope' is not a measure id",
    ),
    "count with a denominator (12,345 unquoted)": (
        EXTRACT_HEADER + "DM12,2020-21,da-incidents-children,12,345,\n",
        r"extra\.csv row 2, column `denominator`: '345' given, but da-incidents-children is a "
        r"count",
    ),
    "period whose second year does not follow": (
        EXTRACT_HEADER + "DM12,2025-25,cp-repeat-plans,5,40,\n",
        r"extra\.csv row 2, column `period`: '2025-25' is not a period .*second year follows",
    ),
    "duplicate row": (
        EXTRACT_HEADER + "DM12,2020-21,cp-repeat-plans,5,40,\nDM12,2020-21,cp-repeat-plans,6,40,\n",
        r"extra\.csv row 3: duplicate of row 2",
    ),
    "duplicate across files": (
        EXTRACT_HEADER + "DM12,2025-26,cp-repeat-plans,5,40,\n",
        r"(extra|measure-returns)\.csv row \d+: the same return is also in "
        r"data/demo/(extra|measure-returns)\.csv row \d+",
    ),
    "period in the wrong form": (
        EXTRACT_HEADER + "DM12,2025/26,cp-repeat-plans,5,40,\n",
        r"extra\.csv row 2, column `period`: '2025/26' is not a period like 2025-26",
    ),
    "breakdown without its name": (
        "area_code,period,measure_id,numerator,denominator,breakdown\n"
        "DM12,2020-21,cp-repeat-plans,5,40,Female\n",
        r"extra\.csv row 2, column `breakdown`: 'Female' is not a breakdown like 'Gender: Female'",
    ),
    "breakdown of a team": (
        "area_code,period,measure_id,numerator,denominator,team,breakdown\n"
        "DM12,2020-21,cp-repeat-plans,5,40,North,Gender: Female\n",
        r"extra\.csv row 2, column `breakdown`: 'Gender: Female' with team 'North': a row is "
        r"the whole area, one team, or one group",
    ),
    "the same group twice": (
        "area_code,period,measure_id,numerator,denominator,breakdown\n"
        "DM12,2020-21,cp-repeat-plans,5,40,Gender: Female\n"
        "DM12,2020-21,cp-repeat-plans,6,40,Gender: Female\n",
        r"extra\.csv row 3: duplicate of row 2 \(same area, period, measure, breakdown\)",
    ),
}


def add_extract(workbook: Path, text: str) -> None:
    (workbook / "data" / "demo" / "extra.csv").write_text(text, encoding="utf-8")


# A case-level file: one row per case, `met` written in the ways people write it.
CASE_LEVEL_SAMPLE = (
    "area_code,period,measure_id,case_id,met\n"
    "DM12,2019-20,lac-seen-alone,c1,yes\n"
    "DM12,2019-20,lac-seen-alone,c2,no\n"
    "DM12,2019-20,lac-seen-alone,c3,1\n"
    "DM12,2019-20,lac-seen-alone,c4,1\n"
    "DM12,2019-20,lac-seen-alone,c5,0\n"
    "DM12,2019-20,lac-seen-alone,c6,true\n"
)


def validate_workbook(workbook: Path):
    """Every extract of a workbook validated in-process, as `qareport validate` does."""
    from qareport import Project
    from qareport.ingest.extracts import validate_extracts

    project = Project.open(workbook)
    return validate_extracts(
        project.data_paths(), project.catalogue, geography=project.geography, root=workbook
    )


# The reviewers' narrative files of the demo book
NARRATIVE = Path("narrative") / DEMO_AREA / PERIOD


def narrative_path(workbook: Path, section: str = "front-door") -> Path:
    return workbook / NARRATIVE / f"{section}.md"


def set_analysis(path: Path, text: str) -> None:
    source = path.read_text(encoding="utf-8")
    head, rest = source.split("## Analysis", 1)
    _, tail = rest.split("## Actions", 1)
    path.write_text(f"{head}## Analysis\n\n{text}\n\n## Actions{tail}", encoding="utf-8")


def init_narrative(workbook: Path) -> None:
    result = run_cli("narrative", "init", "--area", DEMO_AREA, "--period", PERIOD, cwd=workbook)
    assert result.returncode == 0, result.stderr


def figures_with_alt(reader) -> list[str]:
    """The alternative text of every tagged figure in a PDF's structure tree (pypdf reader)."""
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get"):
            if node.get("/S") == "/Figure" and node.get("/Alt"):
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])
    return found


def assembled_book(root: Path, area_id: str, period: str, *, built_at: str = "test"):
    """A book put together in-process from sheets built without a kernel: what the renderers
    are handed, for tests that call them directly."""
    from qareport import Project
    from qareport.book.assemble import assemble_book
    from qareport.config.periods import parse_period
    from qareport.sheet.build import build_sheet

    project = Project.open(root)
    area = project.area(area_id)
    when = parse_period(period)
    sheets = [build_sheet(root, area.id, when.label, s) for s in project.book_sections(area, when)]
    return assemble_book(project, area, when, sheets, built_at=built_at)


def _overlaps(words: list[dict]) -> list[str]:
    """Pairs of words printed over each other, found by sweeping down the page."""
    found = []
    words = sorted(words, key=lambda w: w["top"])
    for n, a in enumerate(words):
        for b in words[n + 1 :]:
            if b["top"] >= a["bottom"]:
                break
            wide = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            tall = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            least = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
            if wide > 1 and tall > 0.5 * least:
                found.append(f"{a['text']!r} over {b['text']!r}")
    return found


def overprinted(pdf_path) -> list[str]:
    """Words printed on top of other words, by page: what a reader cannot read."""
    import pdfplumber

    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            words = page.extract_words(use_text_flow=False)
            found += [f"page {number}: {clash}" for clash in _overlaps(words)]
            if words and max(w["bottom"] for w in words) > page.height:
                found.append(f"page {number}: text below the page")
    return found


MM = 72 / 25.4  # PDF points in a millimetre
PAGE_MARGIN_MM = (12, 16, 14)  # the A3 pages' side, top and bottom margins
BROWSER_MARGIN_MM = (10, 14, 10)  # the same, printed from the HTML (book.css's @page)


def page_faults(pdf_path, *, browser: bool = False) -> list[str]:
    """What a board member would see wrong on the printed pages: words over words, text
    outside the margins, a blank page, a page not headed by what it belongs to, a page
    mostly empty although its sheet continues overleaf. A page goes on from the one before
    when its running header says "(continued)" (the PDF) or repeats the one before's (the
    HTML printed from a browser, whose running header is the sheet's title)."""
    import pdfplumber

    margins = BROWSER_MARGIN_MM if browser else PAGE_MARGIN_MM
    side, top, bottom = (m * MM for m in margins)
    faults: list[str] = []
    with pdfplumber.open(pdf_path) as pdf:
        pages = list(pdf.pages)
        running = [  # each page's running header
            " ".join(w["text"] for w in p.extract_words() if w["bottom"] < top) for p in pages
        ]
        for n, page in enumerate(pages):
            label = f"page {n + 1}"
            words = page.extract_words(use_text_flow=False, extra_attrs=["size"])
            faults += [f"{label}: {clash}" for clash in _overlaps(words)]
            outside = [
                w["text"] for w in words
                # (Typst hangs punctuation a point into the margin, as typesetters do)
                if w["x0"] < side - 1.5 or w["x1"] > page.width - side + 1.5
                or w["top"] < 5 * MM or w["bottom"] > page.height - 5 * MM
            ]  # fmt: skip
            if outside:
                faults.append(f"{label}: outside the margins: {outside[:3]}")
            # the body: from the top margin (a line set exactly on it, read back a hair
            # above, included) to the bottom one
            body = [
                w for w in words if top - 0.5 <= w["top"] and w["bottom"] <= page.height - bottom
            ]
            if not body:
                faults.append(f"{label}: blank")
                continue
            # a heading near the top (under any banner), or a running header saying whose
            first = min(body, key=lambda w: (round(w["top"]), w["x0"]))
            heading = 13 if browser else 15.5  # the pt size of a page's title, printed so
            titled = any(w["size"] >= heading and w["top"] < top + 40 * MM for w in body)
            headed = titled or (running[n] if browser else "(continued)" in running[n])
            if n and not headed:
                faults.append(f"{label}: not headed ({first['text']!r} first)")
            after = running[n + 1] if n + 1 < len(pages) else ""
            if (after == running[n] and after) if browser else "(continued)" in after:
                filled = _occupied(page, top, page.height - bottom)
                if filled < 0.5:
                    faults.append(f"{label}: {filled:.0%} filled, and its sheet goes on")
    return faults


def _occupied(page, top: float, bottom: float, rows: int = 4, columns: int = 3) -> float:
    """The share of a page's body, cut into a grid, with any text or drawing in it."""
    cells = set()
    height, width = (bottom - top) / rows, page.width / columns
    for thing in page.chars + page.rects + page.curves + page.lines + page.images:
        if thing["top"] < top or thing["bottom"] > bottom:
            continue
        middle = ((thing["x0"] + thing["x1"]) / 2, (thing["top"] + thing["bottom"]) / 2)
        cells.add((int(middle[0] // width), int((middle[1] - top) // height)))
    return len(cells) / (rows * columns)


def pdfua_report(pdf_path) -> dict:
    """pdfua's JSON report on a PDF (the machine-checkable part of PDF/UA-1)."""
    import json
    import sys

    tool = Path(sys.executable).parent / "pdfua"
    done = subprocess.run(
        [str(tool), "check", "-f", "json", str(pdf_path)], capture_output=True, text=True
    )
    return json.loads(done.stdout)


def empty_headings(pdf_path) -> list[str]:
    """Heading elements (H1-H6) that mark no content: what pdfua's UA-14-001 looks for.
    Its own check stops on a heading whose /K is an array (pdfua 0.1.3 asks a pikepdf Array
    for `is_integer`, which pikepdf answers with ValueError, not AttributeError)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NumberObject

    def marks(node) -> bool:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, NumberObject):
            return True
        if isinstance(node, ArrayObject):
            return any(marks(k) for k in node)
        if isinstance(node, DictionaryObject):
            return node.get("/Type") == "/MCR" or ("/K" in node and marks(node["/K"]))
        return False

    return [
        f"/{tag}"
        for tag, node in structure_elements(pdf_path)
        if len(tag) == 2 and tag[0] == "H" and tag[1].isdigit() and not marks(node.get("/K"))
    ]


def data_appendix_pages(reader) -> int:
    """How many pages the PDF's "Data behind the charts" takes (the contents on the cover
    names it too)."""
    texts = [page.extract_text() for page in reader.pages[1:]]
    # a sheet's page names it too, under its charts
    return sum(
        "Data behind the charts" in t and "figures behind these charts" not in t for t in texts
    )


def statutory_workbook(root: Path, section: str) -> Path:
    """A workbook for one authority (Northby, E06000999, old LA code 999) on the DfE
    catalogue, reading data/imported: what an analyst's own returns are imported into."""
    (root / "parameters").mkdir(parents=True)
    (root / "parameters" / "defaults.yml").write_text(
        "title: Safeguarding Children Report Book\ncatalogues: [dfe]\n"
        "data: [data/imported]\nnational_label: England\n"
    )
    (root / "parameters" / "northby.yml").write_text(
        "code: E06000999\nname: Northby\nkind: partnership\nold_la_code: '999'\n"
        f"sections: [{section}]\n"
    )
    return root


def structure_elements(pdf) -> list[tuple[str, dict]]:
    """Every structure element of a tagged PDF (a path, bytes or a PdfReader) with its tag
    (H2, TH, ...), in tree order."""
    import io

    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject

    reader = (
        pdf
        if isinstance(pdf, pypdf.PdfReader)
        else pypdf.PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    )
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                found.append((str(node["/S"])[1:], node))
            if "/K" in node:
                stack.append(node["/K"])
    return found


def axe_violations(page) -> list[str]:
    """axe-core's violations of WCAG 2.2 AA and best practice on a page open in Chromium."""
    page.add_script_tag(path=str(AXE))
    report = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
        " 'wcag22aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} e.g. {v['nodes'][0]['target']}"
        for v in report["violations"]
    ]
