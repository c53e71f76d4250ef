"""Quarters and years made from monthly returns, only where the area returned none.

An area that returns months only still needs quarterly and annual books. Their
figures are made from the months by one rule per kind of measure, and every such
row is marked (`derived`) so that the sheet and the provenance say how it was made:

- `sum`: a count over the period (referrals made) is the sum of its months;
- `pooled`: a percentage is the months' numerators over their denominators;
- `rate`: a rate per N of a population is the months' numerators summed, over the
  last month's population;
- `last`: a measure counted at the end of the period (children on a plan) is the
  last month's figure.

A quarter needs all 3 of its months, a year all 12, each with its numerator (and
denominator where the measure has one) and no marker; otherwise nothing is made
and the period shows as not available, never as a part-sum. A period the area
returned itself (for any agency or team) is never replaced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qareport.config.catalogue import Measure, Unit
from qareport.config.periods import parse_period, period_kind

if TYPE_CHECKING:  # pandas only when the store is built: a rebuild reads DERIVED_HOW alone
    import pandas as pd

__all__ = ["DERIVED_HOW", "made_from_months"]

# How each rule is said on a sheet and in the provenance.
DERIVED_HOW = {
    "sum": "sums of monthly returns",
    "pooled": "pooled from monthly returns (numerators over denominators)",
    "rate": "made from monthly returns (numerators summed, over the last month's base)",
    "last": "the last month's return (the measure is counted at the end of the period)",
}

KEYS = ["area_code", "measure_id", "agency", "team", "breakdown"]


def _rule(measure: Measure) -> str:
    if measure.counted == "at-end":
        return "last"
    return {Unit.COUNT: "sum", Unit.PERCENT: "pooled", Unit.RATE: "rate"}[measure.unit]


def made_from_months(returns: pd.DataFrame, measures: dict[str, Measure]) -> pd.DataFrame:
    """Rows for the quarters and years an area returned only as months, with `derived`
    naming the rule (see the module's docstring); an empty frame when there are none."""
    import pandas as pd

    kinds = returns["period"].map(period_kind)
    months = returns[kinds == "month"]
    if months.empty:
        return returns.iloc[0:0].assign(derived=pd.Series(dtype=str))
    returned = set(
        zip(
            returns.loc[kinds != "month", "area_code"],
            returns.loc[kinds != "month", "measure_id"],
            returns.loc[kinds != "month", "period"],
            strict=True,
        )
    )
    labels = {label: parse_period(label) for label in months["period"].unique()}
    made = [_made(months, labels, measures, returned, kind=kind) for kind in ("quarter", "year")]
    return pd.concat(made, ignore_index=True)


def _made(
    months: pd.DataFrame,
    labels: dict,
    measures: dict[str, Measure],
    returned: set,
    *,
    kind: str,
) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    parent = {label: p.within(kind).label for label, p in labels.items()}
    needed = 3 if kind == "quarter" else 12
    rules = {m: _rule(measures[m]) for m in months["measure_id"].unique()}
    frame = months.assign(
        parent=months["period"].map(parent),
        rule=months["measure_id"].map(rules),
        needs_base=months["measure_id"].map({m: measures[m].needs_denominator for m in rules}),
    )
    complete = (frame["marker"].fillna("") == "") & frame["numerator"].notna()
    complete &= frame["denominator"].notna() | ~frame["needs_base"]
    frame = frame.assign(complete=complete).sort_values([*KEYS, "period"])
    groups = frame.groupby([*KEYS, "parent"], dropna=False, sort=False)
    summary = groups.agg(
        months=("period", "nunique"),
        complete=("complete", "all"),
        rule=("rule", "first"),
        numerator_sum=("numerator", "sum"),
        denominator_sum=("denominator", "sum"),
        numerator_last=("numerator", "last"),
        denominator_last=("denominator", "last"),
        needs_base=("needs_base", "first"),
        source_file=("source_file", "first"),
    ).reset_index()
    summary = summary[(summary["months"] == needed) & summary["complete"]]
    mine = list(zip(summary["area_code"], summary["measure_id"], summary["parent"], strict=True))
    summary = summary[np.array([key not in returned for key in mine], dtype=bool)]
    rule = summary["rule"]
    last = rule == "last"
    numerator = np.where(last, summary["numerator_last"], summary["numerator_sum"])
    denominator = np.where(
        last | (rule == "rate"), summary["denominator_last"], summary["denominator_sum"]
    )
    return pd.DataFrame(
        {
            "area_code": summary["area_code"],
            "period": summary["parent"],
            "measure_id": summary["measure_id"],
            "agency": summary["agency"],
            "team": summary["team"],
            "breakdown": summary["breakdown"],
            "numerator": numerator.astype(float),
            "denominator": np.where(summary["needs_base"], denominator, np.nan).astype(float),
            "value": np.nan,
            "marker": "",
            "note": "",
            "source_file": summary["source_file"],
            "source_row": pd.array([pd.NA] * len(summary), dtype="Int64"),
            "derived": rule,
        }
    )
