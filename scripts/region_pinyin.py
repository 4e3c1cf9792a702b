"""Writes pipelines/parse/data/regions_pinyin.csv: the pinyin of every division's name without its
level suffix (宁都县 → ningdu; the first 2 characters of an autonomous county's name), the
common reading first, then other readings of polyphonic characters; used to tell a report's
region from its source address (www.ningdu.gov.cn). Needs pypinyin (not a dependency of the
pipeline: run it in any environment that has it, from the repository root)."""
import csv, itertools, re
from pypinyin import pinyin, Style, lazy_pinyin
rows = list(csv.DictReader(open('pipelines/parse/data/regions.csv', encoding='utf-8')))
SUF = ("特别行政区","维吾尔自治区","壮族自治区","回族自治区","自治区","自治州","自治县","自治旗","地区","林区","新区","矿区","盟","省","市","县","区","旗")
def stem(name):
    if "族自治" in name:
        return name[:2]
    for s in SUF:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[:-len(s)]
    return name
out = []
for r in rows:
    st = stem(r["name"])
    opts = pinyin(st, style=Style.NORMAL, heteronym=True)
    base = "".join(lazy_pinyin(st))
    vs = {base}
    combos = list(itertools.islice(itertools.product(*[o[:3] for o in opts]), 27))
    vs |= {"".join(c) for c in combos}
    vs = {v for v in vs if re.fullmatch(r"[a-z]{4,}", v)}
    if vs:
        out.append((r["code"], "|".join(sorted(vs, key=lambda v: (v != base, v)))))
with open('pipelines/parse/data/regions_pinyin.csv', 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f)
    w.writerow(["code", "pinyin"])
    w.writerows(out)
print("wrote", len(out), "rows")
