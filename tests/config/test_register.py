"""The register of areas: problems that need two files to see, each kept to its own area."""

from __future__ import annotations

import shutil

import pytest

from qareport import ParameterError, Project


def _params(workbook, area_id: str):
    return workbook / "parameters" / f"{area_id}.yml"


def _edit(workbook, area_id: str, old: str, new: str) -> None:
    path = _params(workbook, area_id)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_copied_area_file_with_the_same_code_is_refused_naming_both(workbook):
    shutil.copy(_params(workbook, "larkhaven"), _params(workbook, "newtown"))
    project = Project.open(workbook)
    for area_id in ("larkhaven", "newtown"):
        with pytest.raises(
            ParameterError, match=r"code: 'DM12' is also a code of .*(newtown|larkhaven)\.yml"
        ):
            project.area(area_id)
    assert project.area("amberleigh").code == "DM01"  # every other area is untouched


@pytest.mark.parametrize(
    ("peer", "message"),
    [("DM12", "is this area's own code"), ("ZZ99", "is not the code of any area")],
)
def test_a_peer_group_naming_itself_or_an_unknown_code_is_refused(workbook, peer, message):
    _edit(workbook, "larkhaven", "- DM01\n", f"- {peer}\n")
    with pytest.raises(ParameterError, match=rf"larkhaven\.yml: peer_group: '{peer}' {message}"):
        Project.open(workbook).area("larkhaven")


def test_a_peer_code_in_another_case_is_matched_as_codes_are(workbook):
    _edit(workbook, "larkhaven", "- DM01\n", "- dm01\n")
    assert Project.open(workbook).area("larkhaven").peer_group[0] == "DM01"


def test_a_badly_named_or_broken_file_fails_only_its_own_area(workbook):
    shutil.copy(_params(workbook, "larkhaven"), workbook / "parameters" / "new area.yml")
    _edit(workbook, "amberleigh", "name:", "colour: blue\nname:")
    project = Project.open(workbook)
    with pytest.raises(
        ParameterError,
        match=r"new area\.yml: the file name .* rename the file \(e\.g\. new-area\.yml\)",
    ):
        project.area("new area")
    with pytest.raises(ParameterError, match=r"amberleigh\.yml: colour: unknown key"):
        project.area("amberleigh")
    assert project.area("larkhaven").code == "DM12"
    # its rows stay its own (peers compare with them); only its own book fails
    assert "DM01" in project.known_codes()
    with pytest.raises(ParameterError):
        project.areas()  # validate and everything that needs all areas still refuses


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("- front-door\n", r"sections: 'front-door' is listed twice"),
        (None, r"spc_change_points: re-referrals-12m: period '2025-25'"),
    ],
)
def test_sections_listed_twice_and_bad_change_points_are_refused(workbook, extra, message):
    path = _params(workbook, "larkhaven")
    text = path.read_text()
    if extra:
        text = text.replace("synthetic: true", extra.rstrip() + "\nsynthetic: true")
    else:
        text += "spc_change_points:\n  re-referrals-12m: 2025-25\n"
    path.write_text(text)
    with pytest.raises(ParameterError, match=message):
        Project.open(workbook).area("larkhaven")
