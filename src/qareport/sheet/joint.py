"""Joint returns on a sheet: one figure two authorities made together, counted once.

The store keeps a joint return once, under its members' codes joined
("E06000061 / E06000062"). On a member's sheet that figure is the area's own
for those periods, said to be joint in words; everywhere else (the pooled
figure, the funnel, a peer or regional mean) it stays one return, so it is
never counted twice. A period where the area has its own return as well
keeps its own.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from qareport.config.geography import Geography, is_joint, joint_members

__all__ = ["joint_codes_among", "take_joint_returns"]

KEY = ["measure_id", "period", "agency", "team", "breakdown"]


def take_joint_returns(
    raw: pd.DataFrame, area_code: str, geography: Geography
) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    """Rows with the area's joint returns moved under its own code, and what to say of
    each: (measure id, period) -> "joint return with West Northamptonshire"."""
    codes = raw["area_code"].drop_duplicates()
    theirs = [c for c in codes if is_joint(c) and area_code in joint_members(c)]
    if not theirs:
        return raw, {}
    joint = raw[raw["area_code"].isin(theirs)]
    own_keys = set(map(tuple, raw.loc[raw["area_code"] == area_code, KEY].to_numpy()))
    taken = joint[[tuple(k) not in own_keys for k in joint[KEY].to_numpy()]]
    notes = {
        (m, p): geography.joint_with(c, area_code)
        for m, p, c in zip(taken["measure_id"], taken["period"], taken["area_code"], strict=True)
    }
    moved = taken.assign(area_code=area_code)
    rest = raw[~raw["area_code"].isin(theirs)]
    return pd.concat([rest, moved], ignore_index=True), notes


def joint_codes_among(codes: Iterable[str], members: Iterable[str], own: str) -> list[str]:
    """Joint codes with a member among `members` (peers, or a region's areas) and not the
    sheet's own area: each stands for its members once in a mean."""
    wanted = set(members)
    return sorted(
        c
        for c in set(codes)
        if is_joint(c) and own not in joint_members(c) and wanted & set(joint_members(c))
    )
