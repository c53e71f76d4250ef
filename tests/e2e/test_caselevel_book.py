"""Case-level extracts: aggregated by DuckDB into returns, problems named by row."""

from helpers import CASE_LEVEL_SAMPLE, DEMO_AREA, PERIOD
from qareport import Project, build_book
from qareport.ingest.store import open_store


def test_a_book_reads_case_level_returns(workbook):
    (workbook / "data" / "demo" / "audit.cases.csv").write_text(
        CASE_LEVEL_SAMPLE.replace("2019-20", "2017-18")
    )
    build_book(workbook, DEMO_AREA, PERIOD)
    store = open_store(Project.open(workbook))
    row = store.returns(["lac-seen-alone"], ["2017-18"])
    assert row[["area_code", "numerator", "denominator"]].values.tolist() == [["DM12", 4, 6]]
    assert row["source_file"].tolist() == ["data/demo/audit.cases.csv"]
