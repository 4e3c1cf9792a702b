"""Regenerate pipelines/parse/data/regions.csv, the snapshot of administrative division codes.

Source: the adcodes table shipped by the PyPI package cpca (pip install cpca==0.5.5),
which carries the national code list of its release. Run:
    python scripts/make_regions.py path/to/cpca/resources/adcodes.csv
The snapshot's source and date are written to pipelines/parse/data/regions.meta.yaml.
"""
import csv
import datetime
import pathlib
import sys

src = pathlib.Path(sys.argv[1])
out = pathlib.Path(__file__).resolve().parent.parent / "pipelines" / "data"
rows = {}
for r in csv.DictReader(open(src, encoding="utf-8")):
    code = r["adcode"][:6]
    if r["adcode"][6:] != "000000":
        continue
    rows[code] = r["name"]
PLACEHOLDER = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
recs = []
for code, name in sorted(rows.items()):
    if name in PLACEHOLDER:
        continue
    if code[2:] == "0000":
        level, prov, city = "province", name, ""
    elif code[4:] == "00":
        level, prov, city = "city", rows.get(code[:2] + "0000", ""), name
    else:
        level, prov, city = "county", rows.get(code[:2] + "0000", ""), rows.get(code[:4] + "00", "")
        city = "" if city in PLACEHOLDER else city
    recs.append({"code": code, "name": name, "level": level, "province": prov, "city": city})
with open(out / "regions.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, ["code", "name", "level", "province", "city"])
    w.writeheader()
    w.writerows(recs)
(out / "regions.meta.yaml").write_text(
    "source: cpca 0.5.5 (PyPI), resources/adcodes.csv\n"
    "source_release: 2021-02\n"
    f"generated: {datetime.date.today().isoformat()}\n"
    f"rows: {len(recs)}\n", encoding="utf-8")
print(len(recs), "regions")
