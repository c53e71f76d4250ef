"""The groups of children the framework's breakdowns compare: age band, gender, ethnicity
(the five major groups) and disability, each read from however a return writes it.

A return writes these in its own codes: Annex A "a) Male" or "b) Female", the CIN census
and SSDA903 1 and 2, ethnicity as the census's four-letter codes (WBRI, MWBC, ...) with
or without a template's "a) " prefix, or in words. Each value maps to one group, and a
value that is empty, refused or not one the return allows is "Not recorded": a group of
its own, so the groups always add up to the whole and a reader sees how much is unknown.

Age is taken at the record's own date (the contact, the referral, the start of the
assessment, enquiry, plan or period of care), from a date of birth held only while the
file is read; a record dated before the child's birth is "Unborn".
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "BREAKDOWN_TITLES",
    "NOT_RECORDED",
    "age_bands",
    "age_bands_of",
    "as_groups",
    "disability_groups",
    "ethnic_groups",
    "gender_groups",
]

NOT_RECORDED = "Not recorded"
# the frame column each breakdown is held in, and what the book calls it
BREAKDOWN_TITLES = {
    "age_band": "Age band",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
}
AGE_BANDS = ((1, "Under 1"), (5, "1 to 4"), (10, "5 to 9"), (16, "10 to 15"))
OLDEST = "16 and over"
UNBORN = "Unborn"

# the census's ethnicity codes (as SSDA903, the CIN census and Annex A write them); Chinese
# is in the other ethnic group, as Annex A and the DfE's tables put it; REFU (refused) and
# NOBT (not obtained) are not recorded
_CENSUS = {
    **dict.fromkeys(("WBRI", "WIRI", "WIRT", "WOTH", "WROM"), "White"),
    **dict.fromkeys(("MWBC", "MWBA", "MWAS", "MOTH"), "Mixed"),
    **dict.fromkeys(("AIND", "APKN", "ABAN", "AOTH"), "Asian"),
    **dict.fromkeys(("BCRB", "BAFR", "BOTH"), "Black"),
    **dict.fromkeys(("CHNE", "OOTH"), "Other"),
    **dict.fromkeys(("REFU", "NOBT"), NOT_RECORDED),
}
_CENSUS_CODE = re.compile(r"\b(" + "|".join(_CENSUS) + r")\b", re.IGNORECASE)
_EXTENDED = re.compile(r"^([WMABCO])[A-Z]{3}\b")  # the DfE's extended codes: WENG, MWAI ...
_EXTENDED_GROUP = {
    "w": "White",
    "m": "Mixed",
    "a": "Asian",
    "b": "Black",
    "c": "Other",
    "o": "Other",
}
# the groups' own words, tried in this order ("Asian British - Afghan" is Other, "East
# African Asian" Asian); a background joining two of them is mixed ("White and Asian",
# "Black Caribbean & White"), as is one written "Mixed" that is not "Mixed Asian" (Asian)
_GROUP_WORDS = (
    ("Other", r"chinese|arab|latin|filipino|vietnam|japanese|iran|iraq|afghan|kurd|egypt"
              r"|morocc|yemen|thai|malay|taiwan|polynes|syrian"),
    ("Asian", r"\basian\b|(?<!west )indian|pakistan|bangladesh|kashmir|sri lank|nepal|tamil|punjab"
              r"|mauritian"),
    ("Black", r"black|^bac\b|caribbean|\bafrican\b|west indian|nigeria|somali|ghana|eritrea"
              r"|ethiopia|sudan|congo|jamaica|kenya|zimbabwe|guyana|trinidad|barbad"),
    ("White", r"white|irish|gypsy|\broma\b|traveller|europe|english|scottish|welsh"
              r"|polish|greek|italian|turkish|albanian|bulgarian|croatian|bosnian|portuguese"
              r"|cypriot|jewish|kosovan"),
)  # fmt: skip
_MIXED = re.compile(r"(?<!european )\bmixed\b(?! (white|black|asian|british))|multiple|\bdual\b")
# the letters of the 2001 census's groups (A White ... E Other), as some systems write
# them ("B1", "C.C2", "D: D13")
_LETTER = re.compile(r"^\(?([a-e])(\d|\.|\)|:|$)")
_LETTERS = dict(zip("abcde", ("White", "Mixed", "Asian", "Black", "Other"), strict=True))
_UNKNOWN = re.compile(
    r"refus|obtain|not (yet|stated|specified|known|recorded|given|disclosed)|unknown|declin"
    r"|withheld|unspecified|^n/?k$|^n/?a$|unborn"
)
_PREFIX = re.compile(r"^[a-z]{1,2}\)\s*", re.IGNORECASE)  # a template's "a) " before a code


def _words(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return _PREFIX.sub("", " ".join(text.split())).strip().casefold()


def _mapped(values: pd.Series, one) -> pd.Series:
    """Each distinct value mapped once (a large list has few distinct values)."""
    distinct = values.dropna().unique()
    mapped = values.map({v: one(v) for v in distinct}).astype(object)
    return mapped.where(mapped.notna(), NOT_RECORDED)


def _gender(value: object) -> str:
    words = _words(value)
    if not words or _UNKNOWN.search(words) or re.match(r"^[09]\b|^[iu]$", words):
        return NOT_RECORDED
    if re.search(r"neither|non.?binary|indeterminate|transgender|unable to classify", words):
        return "Neither"
    if re.search(r"\bfemale\b|^f$|^2\b|\bgirl", words):
        return "Female"
    if re.search(r"\bmale\b|^m$|^1\b|\bboy", words):
        return "Male"
    return NOT_RECORDED


def _ethnicity(value: object) -> str:
    words = _words(value)
    code = _CENSUS_CODE.search(words)
    if code:
        return _CENSUS[code.group(1).upper()]
    named = [group for group, pattern in _GROUP_WORDS if re.search(pattern, words)]
    extended = _EXTENDED.match(_PREFIX.sub("", str(value or "").strip()))
    if extended and not any(re.search(p, extended.group(0).lower()) for _, p in _GROUP_WORDS):
        return _EXTENDED_GROUP[extended.group(1).lower()]
    if (len(set(named)) >= 2 and re.search(r"\band\b|&|\+", words)) or _MIXED.search(words):
        return "Mixed"
    leading = re.match(r"(white|black|asian)\b", words)
    if leading:
        return leading.group(1).capitalize()
    if named:
        return named[0]
    if re.search(r"\bother\b", words):
        return "Other"
    if _UNKNOWN.search(words):
        return NOT_RECORDED
    if "british" in words:
        return "White"
    letter = _LETTER.match(words)
    return _LETTERS[letter.group(1)] if letter else NOT_RECORDED


_DISABLED = re.compile(
    r"^yes\b|^y$|^1\b|^true$|disab|dda|autis|asperger|behav|commun|conscious|hand|hear"
    r"|incont|learn|mobil|personal care|vision|\b(mob|pc|inc|comm|ld|vis|beh|con|aut)\b"
)


def _disability(value: object) -> str:
    words = _words(value)
    if not words or _UNKNOWN.search(words) or re.search(r"\b(nobt|refu)\b", words):
        return NOT_RECORDED
    if re.search(r"^no\b|^0\b|^n$|^none$|^false$|no disability|not disabled", words):
        return "Not disabled"
    return "Disabled" if _DISABLED.search(words) else NOT_RECORDED


def gender_groups(values: pd.Series) -> pd.Series:
    return _mapped(values, _gender)


def ethnic_groups(values: pd.Series) -> pd.Series:
    return _mapped(values, _ethnicity)


def disability_groups(values: pd.Series) -> pd.Series:
    """Disabled (yes, or any disability code but NONE), not disabled, or not recorded."""
    return _mapped(values, _disability)


def _band(age: pd.Series, index: pd.Index) -> pd.Series:
    bands = pd.Series(OLDEST, index=index, dtype=object)
    for below, band in reversed(AGE_BANDS):
        bands[age < below] = band
    return bands


def age_bands_of(years: pd.Series) -> pd.Series:
    """Each child's age band from an age in whole years, as a list gives it (a negative
    age is unborn; none is not recorded)."""
    age = pd.to_numeric(years, errors="coerce")
    bands = _band(age, years.index)
    bands[age < 0] = UNBORN
    bands[age.isna()] = NOT_RECORDED
    return bands


def age_bands(birth: pd.Series, on: pd.Series) -> pd.Series:
    """Each child's age band at `on`, in completed years from `birth` (both dates)."""
    birth, on = pd.to_datetime(birth), pd.to_datetime(on)
    years = on.dt.year - birth.dt.year
    before_birthday = (on.dt.month < birth.dt.month) | (
        (on.dt.month == birth.dt.month) & (on.dt.day < birth.dt.day)
    )
    age = years - before_birthday.astype(int)
    bands = _band(age, birth.index)
    bands[on < birth] = UNBORN
    bands[birth.isna() | on.isna()] = NOT_RECORDED
    return bands


_MAPPERS = {
    "gender": gender_groups,
    "ethnicity": ethnic_groups,
    "disability": disability_groups,
    "age_band": lambda bands: bands.astype(object).where(bands.notna(), NOT_RECORDED),
}


def as_groups(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The frame with each breakdown column in `keys` (as read: None where the return
    gives nothing) turned into the group each child is in."""
    return frame.assign(**{key: _MAPPERS[key](frame[key]) for key in keys})
