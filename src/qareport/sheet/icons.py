"""The Making Data Count icons, drawn here as small SVGs, each with its words.

Seven variation icons (common cause; improvement, concern or neither, on the
high or the low side) and four assurance icons (consistently passing,
consistently failing, hit and miss, no target), plus one for a series too
short to judge. They follow the MDC style (a ringed circle, blue for
improvement, orange for concern, purple for neither, grey otherwise, with the
letter H, L, P or F), but no icon relies on colour: each carries a letter or
shape and is always shown with its text, and the SVG has a title for screen
readers. The same SVG goes into the HTML and, as a file, into the PDF.
"""

from __future__ import annotations

from html import escape

__all__ = [
    "ASSURANCE_TEXT",
    "MDC_SMALLEST_LETTER",
    "MDC_VIEWBOX",
    "VARIATION_TEXT",
    "icon_label",
    "icon_svg",
    "icon_text",
]

# MDC's hues in shades that reach 3:1 against white (WCAG 1.4.11, graphics needed to
# understand them): MDC's own orange #fab428 is 1.8:1 and blue #289de0 3.0:1
GREY, BLUE, ORANGE, PURPLE = "#7b7d7d", "#1f7ec2", "#d06700", "#361475"
INK = "#0b0c0c"

VARIATION_TEXT = {
    "common": "Common cause variation: no significant change",
    "improvement-high": "Special cause variation: improvement (higher values)",
    "improvement-low": "Special cause variation: improvement (lower values)",
    "concern-high": "Special cause variation: concern (higher values)",
    "concern-low": "Special cause variation: concern (lower values)",
    "neither-high": "Special cause variation: neither improvement nor concern (higher values)",
    "neither-low": "Special cause variation: neither improvement nor concern (lower values)",
    "few": "Not enough data: SPC icons need 13 or more points",
}
ASSURANCE_TEXT = {
    "pass": "Consistently passing the target",
    "fail": "Consistently failing the target",
    "hit-and-miss": "Hit and miss: the target lies within the process limits",
    "none": "No assurance: no target set",
    "few": "Not enough data: assurance needs 13 or more points",
}

# the few words shown beside an icon (its full words are its text alternative)
SHORT = {
    "common": "Common cause",
    "improvement-high": "Improvement (high)",
    "improvement-low": "Improvement (low)",
    "concern-high": "Concern (high)",
    "concern-low": "Concern (low)",
    "neither-high": "Neither (high)",
    "neither-low": "Neither (low)",
    "pass": "Passing",
    "fail": "Failing",
    "hit-and-miss": "Hit and miss",
    "none": "No target",
    "few": "Not enough data",
}


def icon_label(code: str) -> str:
    """The few words shown beside an icon wherever it appears."""
    return SHORT[code]


# five dots of a small run chart inside the icon: flat, ending high, ending low
_DOTS = {
    "common": [(7, 16), (10.5, 17.5), (14, 15.5), (17.5, 17), (21, 16)],
    "high": [(7, 19), (10.5, 20), (14, 18.5), (17.5, 14), (21, 11)],
    "low": [(7, 13), (10.5, 12), (14, 13.5), (17.5, 18), (21, 21)],
}


def icon_text(kind: str, code: str) -> str:
    """The words that go with an icon everywhere it is shown."""
    table = VARIATION_TEXT if kind == "variation" else ASSURANCE_TEXT
    return table[code]


def icon_svg(kind: str, code: str, size_px: int = 28) -> str:
    """One icon as a standalone SVG (role img, with a title); kind is variation or
    assurance, code one of stats.VARIATION_CODES / ASSURANCE_CODES or "few"."""
    label = icon_text(kind, code)
    body = _variation(code) if kind == "variation" else _assurance(code)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MDC_VIEWBOX} {MDC_VIEWBOX}" '
        f'width="{size_px}" '
        f'height="{size_px}" role="img" aria-label="{escape(label)}" class="mdc-icon">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def _ring(colour: str, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="3 2"' if dashed else ""
    return (
        f'<circle cx="14" cy="14" r="12.5" fill="#ffffff" stroke="{colour}" '
        f'stroke-width="2.5"{dash}/>'
    )


MDC_VIEWBOX = 28  # every icon is drawn on a 28 by 28 grid
MDC_SMALLEST_LETTER = 8  # the smallest letter in any icon (H or L), in those units


def _letter(letter: str, colour: str, y: float = 12.5, size: float = 9) -> str:
    return (
        f'<text x="14" y="{y}" text-anchor="middle" font-family="DejaVu Sans, sans-serif" '
        f'font-weight="bold" font-size="{size}" fill="{colour}">{letter}</text>'
    )


def _dots(shape: str, colour: str) -> str:
    points = _DOTS[shape]
    line = " ".join(f"{x},{y}" for x, y in points)
    marks = "".join(
        f'<circle cx="{x}" cy="{y}" r="1.6" fill="{colour if n >= 3 else GREY}"/>'
        for n, (x, y) in enumerate(points)
    )
    return f'<polyline points="{line}" fill="none" stroke="{GREY}" stroke-width="0.8"/>{marks}'


def _variation(code: str) -> str:
    if code == "few":
        return _ring(GREY, dashed=True) + _letter("?", GREY, y=18, size=12)
    if code == "common":
        return _ring(GREY) + _dots("common", GREY)
    kind, side = code.split("-")
    colour = {"improvement": BLUE, "concern": ORANGE, "neither": PURPLE}[kind]
    letter = "H" if side == "high" else "L"
    # the letter sits away from where the dots end: above a falling run, below a rising one
    y = 11 if side == "low" else 25
    return _ring(colour) + _dots(side, colour) + _letter(letter, colour, y=y, size=8)


def _assurance(code: str) -> str:
    if code == "few":
        return _ring(GREY, dashed=True) + _letter("?", GREY, y=18, size=12)
    if code == "pass":
        return _ring(BLUE) + _target_line() + _letter("P", BLUE, y=12, size=10)
    if code == "fail":
        return _ring(ORANGE) + _target_line() + _letter("F", ORANGE, y=12, size=10)
    if code == "hit-and-miss":
        wave = (
            f'<path d="M5,14 C8,6 11,6 14,14 S20,22 23,14" fill="none" stroke="{GREY}" '
            'stroke-width="2"/>'
        )
        return _ring(GREY) + _target_line() + wave
    return _ring(GREY) + _letter("–", GREY, y=18, size=12)  # no target


def _target_line() -> str:
    return (
        f'<line x1="5" y1="17" x2="23" y2="17" stroke="{INK}" stroke-width="1" '
        'stroke-dasharray="2 1.5"/>'
    )
