"""Measures of every shape a publication carries reach the sheet: an average above one per
unit gets no funnel (said in words, never a crash), decimal counts keep their decimals, a
rate per 10,000 gets Poisson limits."""

from __future__ import annotations

import pytest

from helpers import DEMO_AREA, copy_workbook
from qareport import Project
from qareport.ingest.store import open_store
from qareport.sheet.build import build_sheet
from qareport.sheet.model import ChartKind

CATALOGUE = """\
catalogue: local
content_areas:
  - id: workforce
    replaces: true
    title: Social work workforce
    group: Workforce
    why: Stable, manageable caseloads let social workers know the children they serve.
    good: {}
    measures: [caseload-average, social-workers-fte, contacts-rate]
measures:
  - {id: caseload-average, title: Average caseload per social worker, type: quality,
     source: management-information, unit: rate, per: 1, polarity: lower-is-better}
  - {id: social-workers-fte, title: Social workers (FTE), type: quantity,
     source: management-information, unit: count, polarity: no-direction}
  - {id: contacts-rate, title: Contacts per ten thousand children, type: quantity,
     source: management-information, unit: rate, per: 10000, polarity: no-direction}
"""

CODES = ["DM01", "DM02", "DM03", "DM04", "DM05", "DM06", "DM12"]


@pytest.fixture(scope="module")
def workforce(tmp_path_factory):
    root = copy_workbook(tmp_path_factory.mktemp("shapes") / "workbook")
    (root / "local.yml").write_text(CATALOGUE)
    defaults = root / "parameters" / "defaults.yml"
    defaults.write_text(defaults.read_text().replace("- police", "- police\n- local.yml"))
    params = root / "parameters" / f"{DEMO_AREA}.yml"
    params.write_text(params.read_text().replace("sections:\n", "sections:\n- workforce\n"))
    rows = ["area_code,period,measure_id,numerator,denominator"]
    for k, code in enumerate(CODES):
        for period in ("2024-25", "2025-26"):
            rows.append(f"{code},{period},caseload-average,{300 + 20 * k},{20 + k}.5")
            rows.append(f"{code},{period},social-workers-fte,{20 + k}.5,")
            rows.append(f"{code},{period},contacts-rate,{900 + 40 * k},{20000 + 500 * k}")
    (root / "data" / "demo" / "workforce.csv").write_text("\n".join(rows) + "\n")
    open_store(Project.open(root))
    return build_sheet(root, DEMO_AREA, "2025-26", "workforce")


def _measure(sheet, measure_id):
    return next(m for m in sheet.measures if m.id == measure_id)


def test_an_average_above_one_builds_without_a_funnel_and_says_why(workforce):
    average = _measure(workforce, "caseload-average")
    assert average.latest == "15.8"  # 420 cases over 26.5 FTE: an average reads as itself
    assert average.funnel.startswith("No funnel plot: this is an average or ratio")
    assert average.chart(ChartKind.FUNNEL) is None


def test_decimal_counts_are_shown_as_published(workforce):
    fte = _measure(workforce, "social-workers-fte")
    assert fte.latest == "26.5"
    assert fte.series[-1].numerator == "26.5"
    average = _measure(workforce, "caseload-average")
    assert average.denominator == "26.5"


def test_a_rate_per_10000_gets_a_poisson_funnel(workforce):
    rate = _measure(workforce, "contacts-rate")
    assert rate.chart(ChartKind.FUNNEL) is not None
    assert "95%" in rate.funnel or "within" in rate.funnel
