"""Errors carry where the problem is as fields, and survive a trip through a process pool."""

import pickle

import pytest

from qareport import errors
from qareport.pipeline import execute


@pytest.mark.parametrize(
    "name", [n for n in errors.__all__ if isinstance(getattr(errors, n), type)]
)
def test_every_error_pickles_with_its_message_and_fields(name):
    cls = getattr(errors, name)
    error = cls("data/x.csv row 3: bad", file="data/x.csv", row=3, column="numerator")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls
    assert str(again) == "data/x.csv row 3: bad"
    assert again.fields == {"file": "data/x.csv", "row": 3, "column": "numerator"}


def test_an_issue_becomes_an_error_that_says_how_many_more_there_are():
    from qareport.ingest.sources import ExtractIssue

    issue = ExtractIssue("data/a.csv", 4, "period", "'2025' is not a period", "DM01")
    error = issue.error(3)
    assert str(error).startswith("data/a.csv row 4, column `period`: '2025' is not a period")
    assert "(and 2 more; run `qareport validate`" in str(error)
    assert (error.file, error.row, error.column) == ("data/a.csv", 4, "period")
    assert str(issue.error(1)) == str(issue)


def test_the_executor_recognises_every_qareport_error_by_name():
    classes = {n for n in errors.__all__ if isinstance(getattr(errors, n), type)}
    assert classes == execute._QAREPORT_ERRORS
    assert "with_more" not in execute._QAREPORT_ERRORS
