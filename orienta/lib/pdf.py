"""Text for PDFs drawn with fpdf2's core fonts, and text measured to fit a space.

The core fonts (Helvetica) need no font file on the server but draw Latin-1 only. French and
Portuguese fit in Latin-1 apart from a few typographic characters (’ “ ” – … œ and the narrow
spaces of French number grouping): `latin1` maps those to their plain equivalents, other
letters to their closest Latin-1 form (Ş → S) and anything else to "?", so that no name makes
a document fail.

`wrap`, `fit` and `shorten` break text into lines with the document's current font, as fpdf2
measures it, so that a layout can decide how many lines each part gets and shorten the rest
with an ellipsis rather than flow onto another page. Words are never broken at a no-break space
(the groups of "1 500 XAF" stay together); a word wider than the line is cut where it must be.
"""

import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

# Where `multi_cell` leaves the cursor after a paragraph: at the left margin of the next line
# (fpdf2's XPos.LMARGIN and YPos.NEXT, by name).
NEXT_LINE: dict[str, Any] = {"new_x": "LMARGIN", "new_y": "NEXT"}


def document(**options: Any) -> "FPDF":
    """A new fpdf2 document (`FPDF(**options)`). fpdf2, with what it imports, takes a quarter of
    a second to load: the first document a process makes loads it, not every process that
    starts (a page, a command, a worker)."""
    from fpdf import FPDF

    return FPDF(**options)


PLAIN = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2192": "->",
    "\u20ac": "EUR",
    "\u0152": "OE",
    "\u0153": "oe",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0131": "i",
}
ELLIPSIS = "..."
# Where a line may break: ordinary white space, not the no-break spaces.
BREAKS = re.compile(r"[ \t\r\n\f\v\u2009\u2028\u2029]+")


def latin1(text: object) -> str:
    """The text in characters the core fonts can draw."""
    out = []
    for char in str(text):
        char = PLAIN.get(char, char)
        try:
            char.encode("latin-1")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode()
            char = "".join(c for c in base if not unicodedata.combining(c)) or "?"
        out.append(char)
    return "".join(out)


def _cut(pdf: "FPDF", word: str, width: float) -> tuple[str, str]:
    """The longest start of `word` that fits in `width` (at least one character), and the
    rest."""
    end = 1
    while end < len(word) and pdf.get_string_width(word[: end + 1]) <= width:
        end += 1
    return word[:end], word[end:]


def wrap(pdf: "FPDF", text: object, width: float, *, first_width: float | None = None) -> list[str]:
    """`text` (any Unicode) broken into lines of at most `width` mm in the current font, the
    first line at most `first_width` (room left after a label); each line in Latin-1."""
    words = [latin1(w) for w in BREAKS.split(str(text).strip()) if w]
    lines: list[str] = []
    line = ""
    room = width if first_width is None else first_width
    while words:
        word = words.pop(0)
        candidate = f"{line} {word}" if line else word
        if pdf.get_string_width(candidate) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
            line, room = "", width
            words.insert(0, word)
        elif room < width and pdf.get_string_width(word) <= width:
            lines.append("")  # the first line's room is too short even for one word
            room = width
            words.insert(0, word)
        else:
            head, rest = _cut(pdf, word, room)
            lines.append(head)
            room = width
            if rest:
                words.insert(0, rest)
    if line:
        lines.append(line)
    return lines


def shorten(pdf: "FPDF", line: str, width: float) -> str:
    """The line, cut so that it ends with an ellipsis and fits in `width` mm."""
    line = line.rstrip(" ,;.:")
    while line and pdf.get_string_width(line + ELLIPSIS) > width:
        line = line[:-1].rstrip(" ,;.:")
    return line + ELLIPSIS


def fit(
    pdf: "FPDF", text: object, width: float, max_lines: int, *, first_width: float | None = None
) -> list[str]:
    """`text` wrapped into at most `max_lines` lines; if it needed more, the last line kept
    ends with an ellipsis."""
    lines = wrap(pdf, text, width, first_width=first_width)
    if len(lines) <= max_lines:
        return lines
    if max_lines <= 0:
        return []
    kept = lines[:max_lines]
    room = width if max_lines > 1 or first_width is None else first_width
    kept[-1] = shorten(pdf, kept[-1] + " " + lines[max_lines], room)
    return kept
