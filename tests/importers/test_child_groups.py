"""The groups the breakdowns compare, read from however a return writes them: known
answers for each way of writing, birthdays at the edge of a band, and every ethnicity
spelling liia-tools has met in real Annex A lists mapped to the group it gives them."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
import yaml

from helpers import REALDATA
from qareport.importers.child_groups import (
    NOT_RECORDED,
    age_bands,
    disability_groups,
    ethnic_groups,
    gender_groups,
)

SCHEMA = REALDATA / "statutory" / "specs" / "Annex_A_schema.yml"


def _one(mapper, values: list[object]) -> list[str]:
    return list(mapper(pd.Series(values, dtype=object)))


def test_gender_as_annex_a_the_census_and_903_write_it():
    written = ["a) Male", "b) Female", "c) Not stated/recorded", "d) Neither", "1", "2",
               "0", "9", "M", "F", "1 - Male", None, ""]  # fmt: skip
    assert _one(gender_groups, written) == [
        "Male", "Female", NOT_RECORDED, "Neither", "Male", "Female",
        NOT_RECORDED, NOT_RECORDED, "Male", "Female", "Male", NOT_RECORDED, NOT_RECORDED,
    ]  # fmt: skip


def test_ethnicity_by_code_words_and_letters():
    written = ["a) WBRI", "MWBC", "CHNE", "REFU", "t) NOBT", "WENG", "Black Caribbean",
               "White and Asian", "Any Other White Background", "Asian or Asian British - Afghan",
               "B1", "E5 Other", "Black or Black British - West Indian", "Case closed before "
               "ethnicity obtained", "no idea what this is", None]  # fmt: skip
    assert _one(ethnic_groups, written) == [
        "White", "Mixed", "Other", NOT_RECORDED, NOT_RECORDED, "White", "Black", "Mixed",
        "White", "Asian", "Mixed", "Other", "Black", NOT_RECORDED, NOT_RECORDED, NOT_RECORDED,
    ]  # fmt: skip


def test_disability_as_yes_no_or_the_census_codes():
    written = ["a) Yes", "b) No", "c) Unknown", "NONE", "MOB", "HAND, LD", "AUTISM", "Y",
               "0 - No", "REFU", None]  # fmt: skip
    assert _one(disability_groups, written) == [
        "Disabled", "Not disabled", NOT_RECORDED, "Not disabled", "Disabled", "Disabled",
        "Disabled", "Disabled", "Not disabled", NOT_RECORDED, NOT_RECORDED,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        ("2025-06-01", "2025-05-20", "Unborn"),
        ("2025-05-20", "2025-05-20", "Under 1"),
        ("2024-05-21", "2025-05-20", "Under 1"),  # 1 tomorrow
        ("2024-05-20", "2025-05-20", "1 to 4"),  # 1 today
        ("2020-05-21", "2025-05-20", "1 to 4"),
        ("2020-05-20", "2025-05-20", "5 to 9"),
        ("2015-05-20", "2025-05-20", "10 to 15"),
        ("2009-05-21", "2025-05-20", "10 to 15"),
        ("2009-05-20", "2025-05-20", "16 and over"),
        ("2008-02-29", "2024-02-28", "10 to 15"),  # a leap-day birthday, not yet 16
        ("2008-02-29", "2024-02-29", "16 and over"),
        (None, "2025-05-20", NOT_RECORDED),
    ],
)
def test_age_band_at_the_records_own_date(born, on, band):
    bands = age_bands(pd.Series([born], dtype=object), pd.Series([on]))
    assert bands.iloc[0] == band


@pytest.mark.skipif(not SCHEMA.exists(), reason="the shared Annex A schema is absent")
def test_the_ethnicity_spellings_real_lists_use_map_to_liia_tools_groups():
    """1,783 spellings met in real lists; liia-tools itself files a few of them under two
    groups ("Afghan" as Asian and as Other), so a handful must disagree; nearly all agree."""
    groups = {"a) white": "White", "b) mixed": "Mixed", "c) asian or asian british": "Asian",
              "d) black or black british": "Black", "e) other ethnic group": "Other",
              "f) not stated": NOT_RECORDED, "c) unknown": NOT_RECORDED}  # fmt: skip
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["column_map"]
    spellings = [
        (str(name), groups[category["code"].casefold()])
        for category in schema["list_1"]["Ethnicity"]["category"]
        for name in category.get("name", [])
    ]
    mapped = _one(ethnic_groups, [name for name, _ in spellings])
    wrong = Counter(
        (want, got) for (_, want), got in zip(spellings, mapped, strict=True) if want != got
    )
    assert len(spellings) > 1_000
    assert sum(wrong.values()) / len(spellings) < 0.02, wrong.most_common(10)
    assert not wrong[("White", "Black")] and not wrong[("Black", "White")]
