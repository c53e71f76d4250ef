"""Hostile and broken input: each case gives a clear one-line error (never a traceback) and
leaves output/ as it was, or is rendered safely. Run through the real command line."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from helpers import DEMO_AREA, PERIOD, copy_workbook, run_cli

HEADER = "area_code,period,measure_id,numerator,denominator,note\n"
GOOD_ROW = "DM12,2019-20,cp-repeat-plans,10,40,"


def extract(text: str | bytes, name: str = "extra.csv") -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / "data" / "demo" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    return apply


def row(
    numerator="10",
    denominator="40",
    note="",
    area="DM12",
    period="2019-20",
    measure="cp-repeat-plans",
) -> Callable[[Path], None]:
    return extract(HEADER + f"{area},{period},{measure},{numerator},{denominator},{note}\n")


def file_in(relative: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / relative).write_text(text, encoding="utf-8")

    return apply


def area_parameters(extra: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / "parameters" / f"{DEMO_AREA}.yml"
        path.write_text(path.read_text() + extra)

    return apply


def local_catalogue(text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / "local.yml").write_text(text)
        defaults = root / "parameters" / "defaults.yml"
        defaults.write_text(defaults.read_text().replace("- police", "- police\n- local.yml"))

    return apply


def excel_date(root: Path) -> None:
    frame = pd.DataFrame(
        {
            "area_code": ["DM12"],
            "period": [pd.Timestamp("2025-04-01")],
            "measure_id": ["cp-repeat-plans"],
            "numerator": [3],
            "denominator": [40],
        }
    )
    frame.to_excel(root / "data" / "demo" / "dates.xlsx", index=False)


LONG = "x" * 100_000
CASES: dict[str, tuple[Callable[[Path], None], str, tuple[str, ...]]] = {
    # name: (make the workbook hostile, expected message, extra build arguments)
    "utf-16 file": (extract(HEADER.encode("utf-16")), r"not UTF-8 text", ()),
    "latin-1 file": (
        extract((HEADER + GOOD_ROW + "caf\xe9 \xa3\n").encode("latin-1")),
        r"not UTF-8 text",
        (),
    ),
    "binary garbage": (extract(bytes(range(256)) * 20), r"not UTF-8 text|not a well-formed", ()),
    "empty file": (extract(b""), r"the file is empty", ()),
    "header only": (extract(HEADER), r"has a header but no data rows", ()),
    "ragged rows": (extract(HEADER + GOOD_ROW + ",1,2,3\n"), r"not a well-formed CSV", ()),
    "duplicate header": (
        extract(
            "area_code,period,measure_id,numerator,numerator\nDM12,2019-20,cp-repeat-plans,1,2\n"
        ),
        r"the header has `numerator` and `numerator`, the same column twice",
        (),
    ),
    "excel date as period": (excel_date, r"is not a period like 2025-26", ()),
    "formula in a number": (row(numerator="=1+2"), r"'=1\+2' is not a number", ()),
    "thousands separator": (
        extract(HEADER + 'DM12,2019-20,cp-repeat-plans,"1,234",4000,\n'),
        r"'1,234' is not a number",
        (),
    ),
    "huge number": (
        row(numerator="1" + "0" * 30, denominator="1" + "0" * 31),
        r"implausibly large",
        (),
    ),
    "NaN": (row(numerator="NaN"), r"'NaN' is not a number", ()),
    "infinity": (row(numerator="inf"), r"'inf' is not a number", ()),
    "negative": (row(numerator="-1"), r"-1 is negative", ()),
    "100k-character note": (row(note=LONG), r"longer than 2,000 characters", ()),
    "100k-character area code": (
        row(area=LONG),
        r"'x{60}' is not an area code",
        ("--strict",),
    ),
    "script in area code": (
        row(area="<script>alert(1)</script>"),
        r"is not an area code",
        ("--strict",),
    ),
    "path traversal measure": (row(measure="../../etc/passwd"), r"is not a measure id", ()),
    "corrupt xlsx": (
        extract(b"not really a spreadsheet", "bad.xlsx"),
        r"cannot be read as \.xlsx",
        (),
    ),
    "corrupt parquet": (
        extract(b"PAR1 nonsense", "bad.parquet"),
        r"cannot be read as \.parquet",
        (),
    ),
    "yaml python tag": (
        file_in(
            "parameters/defaults.yml", "title: !!python/object/apply:os.system ['touch PWNED']\n"
        ),
        r"defaults\.yml line 1, column 8: not valid YAML",
        (),
    ),
    "unknown parameter key": (area_parameters("colour: blue\n"), r"colour: unknown key", ()),
    "sections not a list": (
        file_in(f"parameters/{DEMO_AREA}.yml", "code: DM12\nname: X\nsections: front-door\n"),
        r"sections: Input should be a valid list",
        (),
    ),
    "unknown section": (
        area_parameters("").__class__
        and file_in(f"parameters/{DEMO_AREA}.yml", "code: DM12\nname: X\nsections: [nope]\n"),
        r"sections: 'nope' is not a content area",
        (),
    ),
    "parameters not a mapping": (
        file_in(f"parameters/{DEMO_AREA}.yml", "- a\n- b\n"),
        r"expected a mapping",
        (),
    ),
    "dangling catalogue measure": (
        local_catalogue(
            "catalogue: local\ncontent_areas:\n  - {id: x, title: X, group: g, why: w, good: {},"
            " measures: [ghost]}\n"
        ),
        r"local\.yml: content_areas\.x\.measures: 'ghost'",
        (),
    ),
    "catalogue yaml tag": (
        local_catalogue("catalogue: !!python/name:os.system local\n"),
        r"local\.yml line 1.*not valid YAML",
        (),
    ),
    "missing catalogue file": (
        file_in("parameters/defaults.yml", "catalogues: [../../etc/x.yml]\n"),
        r"catalogue '\.\./\.\./etc/x\.yml' .* is outside the workbook",
        (),
    ),
    "missing data folder": (
        file_in("parameters/defaults.yml", "data: [../../nowhere]\n"),
        r"data: \.\./\.\./nowhere is outside the workbook",
        (),
    ),
    "hostile period": (
        lambda root: None,
        r"period '2025-26; rm -rf /' is not in the form",
        ("--period", "2025-26; rm -rf /"),
    ),
    "path traversal area": (
        lambda root: None,
        r"unknown area '\.\./\.\./etc/passwd'",
        ("--area", "../../etc/passwd"),
    ),
    "shell in area": (
        lambda root: None,
        r"unknown area '\$\(touch PWNED\)'",
        ("--area", "$(touch PWNED)"),
    ),
    "narrative not UTF-8": (
        lambda root: _narrative(root, "caf\xe9".encode("latin-1")),
        r"front-door\.md: not UTF-8 text",
        (),
    ),
    "narrative bad status": (
        lambda root: _narrative(root, b"---\nstatus: done\n---\n"),
        r"front-door\.md line 2: status 'done' is not one of",
        (),
    ),
    "actions with a tag": (
        lambda root: _actions(root, "actions: !!python/object:list []\n"),
        r"actions\.yml line 1.*not valid YAML",
        (),
    ),
    "actions bad date": (
        lambda root: _actions(
            root,
            "actions:\n  - {id: A1, section: front-door, text: t, owner: o, due: soon,"
            " raised: 2025-26}\n",
        ),
        r"actions\.yml line \d+: action 'A1', due: due must be a date",
        (),
    ),
    # bad input that used to build a wrong book, or fail with an internal error (#19)
    "copied area file keeps the code": (
        lambda root: shutil.copy(
            root / "parameters" / f"{DEMO_AREA}.yml", root / "parameters" / "newtown.yml"
        ),
        r"larkhaven\.yml: code: 'DM12' is also a code of .*newtown\.yml",
        (),
    ),
    "12,345 unquoted in a count": (
        extract(HEADER + "DM12,2019-20,da-incidents-children,12,345,\n"),
        r"extra\.csv row 2, column `denominator`: '345' given, but da-incidents-children is a "
        r"count and takes no denominator",
        (),
    ),
    "period 2025-25": (
        row(period="2025-25"),
        r"extra\.csv row 2, column `period`: '2025-25' is not a period",
        (),
    ),
    "peer group names the area itself": (
        area_parameters("").__class__ and (lambda root: _replace(root, "- DM01\n", "- DM12\n")),
        r"larkhaven\.yml: peer_group: 'DM12' is this area's own code",
        (),
    ),
    "peer group code unknown": (
        lambda root: _replace(root, "- DM01\n", "- DM99\n"),
        r"larkhaven\.yml: peer_group: 'DM99' is not the code of any area",
        (),
    ),
    "second peer_group key": (
        area_parameters("peer_group:\n- DM03\n"),
        r"larkhaven\.yml line \d+: key 'peer_group' is given twice",
        (),
    ),
    "two actions blocks": (
        lambda root: _actions(
            root,
            "actions:\n  - {id: A1, section: front-door, text: t, owner: o, due: 2026-01-01,"
            " raised: 2025-26}\nactions: []\n",
        ),
        r"actions\.yml line 3: key 'actions' is given twice",
        (),
    ),
    "tab in YAML": (
        area_parameters("targets:\n\tre-referrals-12m: 20\n"),
        r"larkhaven\.yml line \d+, column 1: not valid YAML .*indent with spaces",
        (),
    ),
    "alias bomb in narrative front matter": (
        lambda root: _narrative(
            root,
            (
                "---\na0: &a0 [x, x, x, x, x, x, x, x, x]\n"
                + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
                + "---\n\n## Analysis\n"
            ).encode(),
            paired=True,
        ),
        r"front-door\.md line 3: YAML aliases",
        (),
    ),
    "raised in quarter 5": (
        lambda root: _actions(
            root,
            "actions:\n  - {id: A7, section: front-door, text: t, owner: o, due: 2026-01-01,"
            " raised: 2025-26-Q5}\n",
        ),
        r"actions\.yml line \d+: action 'A7', raised: period '2025-26-Q5' is not in the form",
        (),
    ),
    "section listed twice": (
        lambda root: _replace(root, "- front-door\n", "- front-door\n- front-door\n"),
        r"larkhaven\.yml: sections: 'front-door' is listed twice",
        (),
    ),
    "formula with no saved result": (
        lambda root: _formula_workbook(root),
        r"sums\.xlsx row 2: the cell '=2\+3' is a formula with no saved result; open the file "
        r"in Excel and save it",
        (),
    ),
    "semicolon CSV": (
        extract("area_code;period;measure_id;numerator\nDM12;2019-20;cp-cin-children;4\n"),
        r"extra\.csv: the cells are separated by semicolons; save it as CSV with commas",
        (),
    ),
    "header names differing in case": (
        extract(
            "area_code,period,measure_id,Numerator,numerator\nDM12,2019-20,cp-cin-children,4,4\n"
        ),
        r"the header has `Numerator` and `numerator`",
        (),
    ),
    "unknown placeholder braces": (
        lambda root: _narrative(root, b"## Analysis\n\nSee {{ figure:x }}.\n"),
        r"front-door\.md line 3: \{\{ figure:x \}\} is not a placeholder",
        (),
    ),
    "half-saved paired notebook": (
        lambda root: (
            _narrative(root, b"## Analysis\n\nWords.\n"),
            (root / "narrative" / DEMO_AREA / PERIOD / "front-door.ipynb").write_text(
                '{"cells": ['
            ),
        ),
        r"front-door\.ipynb: not a readable notebook .* open and save it again",
        (),
    ),
    "n/a in a number cell": (row(numerator="n/a"), r"'n/a' is not a number", ()),
}


def _replace(root: Path, old: str, new: str) -> None:
    path = root / "parameters" / f"{DEMO_AREA}.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _formula_workbook(root: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["area_code", "period", "measure_id", "numerator", "denominator"])
    book.active.append(["DM12", "2019-20", "cp-repeat-plans", "=2+3", 40])
    book.save(root / "data" / "demo" / "sums.xlsx")


class Tags(HTMLParser):
    """Every element and every event-handler attribute a browser would really see."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.handlers: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        self.handlers += [(tag, name) for name, _ in attrs if name.lower().startswith("on")]


def _narrative(root: Path, content: bytes, paired: bool = False) -> None:
    folder = root / "narrative" / DEMO_AREA / PERIOD
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "front-door.md").write_bytes(content)
    if paired:  # a notebook beside it: the pair is compared before anything else is read
        import nbformat

        nbformat.write(nbformat.v4.new_notebook(), folder / "front-door.ipynb")


def _actions(root: Path, text: str) -> None:
    folder = root / "narrative" / DEMO_AREA / PERIOD
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "actions.yml").write_text(text)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 50


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_gives_one_clear_line_and_writes_nothing(tmp_path, case):
    apply, pattern, extra = CASES[case]
    root = copy_workbook(tmp_path / "workbook")
    apply(root)
    flags = [x for x in extra if x == "--strict"]
    pairs = [x for x in extra if x != "--strict"]
    args = {"--area": DEMO_AREA, "--period": PERIOD}
    args.update(dict(zip(pairs[::2], pairs[1::2], strict=True)))
    result = run_cli("build", *[x for kv in args.items() for x in kv], *flags, cwd=root)
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert len(lines[0]) < 1_000, "a huge cell is never echoed whole"
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in result.stderr
    assert not (root / "output").exists(), "nothing is written to output/"
    assert not list(tmp_path.rglob("PWNED"))


def test_hostile_names_notes_and_project_path_are_rendered_inert(tmp_path):
    """A single build: BOM file, script and formulas in notes, HTML in names and labels, and
    a project folder whose name tries to break out of papermill's injected parameters."""
    root = copy_workbook(tmp_path / 'wb"; import os; os.system("touch PWNED"); x="')
    (root / "data" / "demo" / "bom.csv").write_bytes(
        (
            "\ufeff" + HEADER + 'DM12,2019-20,cp-repeat-plans,10,40,=HYPERLINK("http://x")\n'
            "DM12,2018-19,cp-repeat-plans,10,40,<script>alert(1)</script>\n"
        ).encode("utf-8")
    )
    params = root / "parameters" / f"{DEMO_AREA}.yml"
    params.write_text(
        params.read_text()
        .replace(
            "name: Larkhaven (fictitious)", "name: 'Larkhaven <script>alert(1)</script> & Ærø'"
        )
        .replace(
            "peer_group_label: Demo peer group", "peer_group_label: '<img src=x onerror=alert(1)>'"
        )
    )
    result = run_cli("build", "--area", DEMO_AREA, "--period", PERIOD, cwd=root)
    assert result.returncode == 0, result.stderr
    html = (root / "output" / DEMO_AREA / PERIOD / "report-book.html").read_text()
    tags = Tags()
    tags.feed(html)
    assert "script" not in tags.names and not tags.handlers, tags.handlers[:3]
    assert "Larkhaven &lt;script&gt;alert(1)&lt;/script&gt; &amp; Ærø" in html
    assert not list(tmp_path.rglob("PWNED")), "injected parameters never run code"
    written = {p.relative_to(root).parts[0] for p in root.rglob("*") if p.is_file()}
    assert written <= {"parameters", "data", "notebooks", "programme", "output"}
    shutil.rmtree(root)
