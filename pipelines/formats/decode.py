"""Bytes to str: byte-order marks, UTF-8, GB18030 (a superset of GBK/GB2312) and
UTF-16 without BOM, with a detector as the last resort. Refuses binary garbage and
text in an encoding it cannot establish, with a reason the caller records."""
from __future__ import annotations

import codecs
import functools

import numpy as np


class DecodeError(ValueError):
    """The bytes are not text in an encoding we can establish."""


def _code_points(s: str) -> np.ndarray:
    return np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _cjk_share(s: str) -> float:
    """Share of CJK ideographs (U+4E00–U+9FFF)."""
    if not s:
        return 0.0
    a = _code_points(s)
    return int(np.count_nonzero((a >= 0x4E00) & (a <= 0x9FFF))) / len(s)


@functools.cache
def _bad_units() -> np.ndarray:
    """For each UTF-16 code unit, whether it is a character no text report holds: control
    characters other than tab, line feed, form feed and carriage return; U+FFFD; the
    private use area U+E000–U+F8FF (all in the BMP; a surrogate is never one)."""
    bad = np.zeros(0x10000, dtype=bool)
    bad[:0x20] = True
    bad[[0x09, 0x0A, 0x0C, 0x0D]] = False
    bad[0xFFFD] = True
    bad[0xE000:0xF900] = True
    return bad


def _bad_share(s: str) -> float:
    """Share of characters no text report holds (see _bad_units): one table look-up per
    UTF-16 code unit, in C."""
    if not s:
        return 1.0
    units = np.frombuffer(s.encode("utf-16-le", "surrogatepass"), dtype="<u2")
    return int(np.count_nonzero(_bad_units().take(units))) / len(s)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises DecodeError with the reason."""
    if not data or not data.strip():
        raise DecodeError("empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                     (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc), enc
    # Plain UTF-8 and GB18030 first: they are what reports nearly always are.
    if b"\x00" not in data[:4000]:
        try:
            s = data.decode("utf-8")
            if _bad_share(s) < 0.02:
                return s, "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            s = data.decode("gb18030")
            if _bad_share(s) < 0.02 and _cjk_share(s) > 0.05:
                return s, "gb18030"
        except UnicodeDecodeError:
            pass
    # UTF-16 without BOM: ASCII characters leave NUL bytes on one side; Chinese text
    # decodes to mostly CJK.
    for enc in ("utf-16-le", "utf-16-be"):
        if len(data) % 2 == 0:
            try:
                s = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _bad_share(s) < 0.01 and _cjk_share(s) > 0.05:
                return s, enc
    if b"\x00" in data[:4000]:
        raise DecodeError("binary content (NUL bytes), not a text report")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        s = str(best)
        if _bad_share(s) < 0.02 and _cjk_share(s) > 0.05:
            return s, best.encoding
    raise DecodeError("unknown encoding: not UTF-8, UTF-16 or GB18030, and no Chinese text detected")

