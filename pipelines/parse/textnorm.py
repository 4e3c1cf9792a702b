"""Text normalisation: the one text that every span points into.

NFKC (full-width digits, letters and punctuation to ASCII), traditional characters to
simplified, pinyin annotations after characters dropped, line endings and odd spaces
unified, page headers/footers (`-3-`, `— 4 —`, `第3页`) removed. Blank cells, `—` and
`/` are kept as they are, distinct from 0. Labels are compared through `label_key`,
which also drops the spaces that PDF extraction puts inside words.
"""
from __future__ import annotations

from typing import Final

import re
import unicodedata

_ZERO_WIDTH_CHARS: Final = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACE_CHARS: Final = "\u00a0\u2002\u2003\u2009\u202f\u3000"
_ZERO_WIDTH: Final = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
_SPACES: Final = re.compile(f"[{_SPACE_CHARS}]")
# Lines that are only a page number: -3-, — 4 —, - 4 -, －5－, 第3页, 第 3 页 共 5 页, 3/5
# (matched with the line's leading newline, over "\n" + text: the regex engine then only
# tries line starts)
_PAGE_LINE: Final = re.compile(
    r"\n[ \t\f]*(?:[-—–－_~]{1,3}[ \t]*\d{1,3}[ \t]*[-—–－_~]{1,3}"
    r"|第[ \t]*\d{1,3}[ \t]*页(?:[ \t]*[,，]?[ \t]*共[ \t]*\d{1,3}[ \t]*页)?"
    r"|\d{1,3}[ \t]*/[ \t]*\d{1,3})[ \t\f]*(?=\n|\Z)",
)
# trailing spaces, but not the one space of a last cell printed empty (`\t \n`: an
# empty box, a blank cell to the tokenizer)
_TRAILING_SPACES: Final = re.compile(r"(?<![\t ])[ ]+\n|(?<=\t )[ ]+\n")
# Pinyin in brackets right after a character: 政(zhèng)府(fǔ)
# (the bracket first, so the regex engine can skip to brackets)
_PINYIN: Final = re.compile(r"[(（](?<=[\u4e00-\u9fff][(（])[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7}[1-5]?[)）]")
# the same where the text holds no （ (after NFKC, nearly always): a literal first
# character lets the regex engine skip ahead by itself
_PINYIN_ASCII: Final = re.compile(r"\((?<=[\u4e00-\u9fff]\()[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7}[1-5]?[)）]")

# Characters whose presence marks a text as traditional (common ones that differ).
_TRAD_MARKERS: Final = re.compile("[們與這個來時為說國過會對發門開關機構資訊體實際務處報護權況請經進還應該類權審議訴訟複結]")


def _looks_traditional(text: str) -> bool:
    n = len(_TRAD_MARKERS.findall(text))
    return n >= 5 and n > len(text) / 2000


_FULLWIDTH: Final = re.compile("[\uff01-\uff5e]")
# A figure with thousands separators (1,234 · 3,985,758 · 96,171.6): ASCII commas between
# groups of exactly three digits, matched before NFKC turns the full-width comma of a
# list (12，345) into the same character. Not a list of figures: 1,2,3 and 2019,2020.
_THOUSANDS: Final = re.compile(r"(?<![0-9０-９.,])[0-9０-９]{1,3}(?:,[0-9０-９]{3})+(?![0-9０-９,])")


def _drop_thousands(m: re.Match) -> str:
    return m.group().replace(",", "")
_FULLWIDTH_COMMON: Final = "，（）：；"


def _fw_to_ascii(m: re.Match) -> str:
    return chr(ord(m.group()) - 0xFEE0)


def _nfkc(text: str) -> str:
    """NFKC, fast: the full-width ASCII forms (U+FF01–FF5E, whose NFKC form is the ASCII
    character) are mapped first, which leaves most report texts normalised already;
    the full normalisation runs only where something else remains."""
    for ch in _FULLWIDTH_COMMON:
        if ch in text:
            text = text.replace(ch, chr(ord(ch) - 0xFEE0))
    if unicodedata.is_normalized("NFKC", text):
        return text  # (an NFKC text holds no full-width form: nothing below would change it)
    if _FULLWIDTH.search(text):
        text = _FULLWIDTH.sub(_fw_to_ascii, text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _page_line(m: re.Match) -> str:
    """A page-number line goes; the form feed of a page break printed on it stays (pages
    are counted by them): `pdftotext -raw` puts it before the footer (`\f- 3 -`)."""
    return "\n\f\x01" if "\f" in m.group() else "\n"  # (\f\x01: joined to the next line below)


def normalize_text(text: str) -> str:
    """Return the normalised text of a report."""
    # (the characters looked for first: most texts hold none, and `in` is a fast scan)
    if any(c in text for c in _ZERO_WIDTH_CHARS):
        text = _ZERO_WIDTH.sub("", text)
    if any(c in text for c in _SPACE_CHARS):
        text = _SPACES.sub(" ", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "," in text:
        text = _THOUSANDS.sub(_drop_thousands, text)
    text = _nfkc(text)
    if _looks_traditional(text):
        import zhconv

        text = zhconv.convert(text, "zh-cn")
    text = (_PINYIN if "（" in text else _PINYIN_ASCII).sub("", text)
    text = _PAGE_LINE.sub(_page_line, "\n" + text)[1:]
    if "\f\x01" in text:
        text = text.replace("\f\x01\n", "\f").replace("\f\x01", "\f")
    # Trailing spaces carry no information; keep tabs and line structure.
    if " \n" in text:
        text = _TRAILING_SPACES.sub("\n", text)
    return text


def label_key(s: str) -> str:
    """Compact form of a label for matching: NFKC, no whitespace."""
    if not unicodedata.is_normalized("NFKC", s):
        s = _nfkc(s)
    return "".join(s.split())  # str.split() splits on exactly the characters \s matches
