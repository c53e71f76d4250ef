"""The Making Data Count icons' colours are graphics a reader needs: 3:1 against white."""

from __future__ import annotations

import re

import pytest

from qareport.sheet.icons import (
    ASSURANCE_TEXT,
    MDC_SMALLEST_LETTER,
    MDC_VIEWBOX,
    VARIATION_TEXT,
    icon_svg,
)


def _luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def _contrast(colour: str) -> float:
    return (1.05) / (_luminance(colour) + 0.05)


@pytest.mark.parametrize(
    ("kind", "code"),
    [("variation", c) for c in VARIATION_TEXT] + [("assurance", c) for c in ASSURANCE_TEXT],
)
def test_every_colour_an_icon_draws_with_is_3_to_1_against_white(kind, code):
    svg = icon_svg(kind, code)
    colours = set(re.findall(r'(?:stroke|fill)="(#[0-9a-fA-F]{6})"', svg)) - {"#ffffff"}
    assert colours
    for colour in colours:
        assert _contrast(colour) >= 3.0, (kind, code, colour, round(_contrast(colour), 2))


ICONS = [("variation", c) for c in VARIATION_TEXT] + [("assurance", c) for c in ASSURANCE_TEXT]


def test_no_letter_in_an_icon_prints_under_6_pt_in_the_pdf(tmp_path):
    """Each letter's size in the icon's own units, scaled by the height the PDF prints the
    icon at; and the PDF's source prints every icon at that height."""
    from qareport.render.typst_pdf import ICON_HEIGHT, _icon

    height = float(ICON_HEIGHT.removesuffix("pt"))
    for kind, code in ICONS:
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', icon_svg(kind, code))]
        assert all(s >= MDC_SMALLEST_LETTER for s in sizes), (kind, code, sizes)
        assert all(s * height / MDC_VIEWBOX >= 6 for s in sizes), (kind, code)
    images = {f"icon:{k}:{c}": tmp_path / f"{k}-{c}.svg" for k, c in ICONS}
    assert all(f"height: {ICON_HEIGHT}" in _icon(k, c, images) for k, c in ICONS)
