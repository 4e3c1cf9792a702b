"""Damage as sites and converters do it to a report's text (cells joined by spaces, page
footers inside tables, labels split over lines, the whole report on one line, tabs turned
to pipes, lines lost or repeated): shared by the precision fuzz test and the compiled
parser's equality test."""
import random
import re

KINDS = ["spacejoin", "footer", "splitlabel", "flatten", "tabs2pipes", "dropline", "dupline"]


def perturb(text: str, kind: str, rng: random.Random) -> str:
    lines = text.split("\n")
    if kind == "spacejoin":
        out, buf = [], []
        for ln in lines:
            s = ln.strip()
            if s and len(s) < 40:
                buf.append(s)
            else:
                if buf:
                    out.append(" ".join(buf))
                    buf = []
                out.append(ln)
        return "\n".join(out + ([" ".join(buf)] if buf else []))
    if kind == "footer":
        return "\n".join(x for ln in lines for x in ([ln, f"— {rng.randint(1, 9)} —"] if rng.random() < 0.05 else [ln]))
    if kind == "splitlabel":
        def sp(m):
            i = rng.randint(1, len(m.group(0)) - 1)
            return m.group(0)[:i] + "\n" + m.group(0)[i:]
        return re.sub(r"[\u4e00-\u9fff]{6,}", lambda m: sp(m) if rng.random() < 0.3 else m.group(0), text)
    if kind == "flatten":
        return text.replace("\n", "")
    if kind == "tabs2pipes":
        return text.replace("\t", " | ")
    if kind == "dropline":
        return "\n".join(ln for ln in lines if rng.random() > 0.02)
    if kind == "dupline":
        return "\n".join(x for ln in lines for x in ([ln, ln] if rng.random() < 0.02 else [ln]))
    raise ValueError(kind)
