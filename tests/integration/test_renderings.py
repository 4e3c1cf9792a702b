"""Precision over other renderings of the same real reports (tests/renderings.py): the
dev corpus and the seeds as HTML tables (zeros as empty boxes, spans), markdown tables, crawler text
(cells joined by tabs, newlines, spaces or nothing), tables aligned by spaces as
`pdftotext -layout` prints them (zeros printed, or blank), full-width digits, thousands separators,
cells with units, rows cut by a page footer, CRLF, GBK and Word. Cells may go missing
(named by checks); no published cell may be wrong or made up. Renderings that keep the
cells readable keep the recall of the plain text."""
import pytest

from conftest import DEV, DEV_GOLD, GOLD, SAMPLES, load_gold
from renderings import KINDS, blanked, render
from pipelines.parse.extract import extract_report, to_text

# recall floors over dev + seeds (2183 gold cells) where the rendering keeps the cells readable
_FLOOR = {"html_table": 0.99, "html_span": 0.99, "markdown": 0.99, "cells_tab": 0.99, "cells_newline": 0.99, "cells_space": 0.99,
          "cells_spaces": 0.99, "layout": 0.99, "fullwidth": 0.99,
          "thousands": 0.99, "units": 0.99, "footer_row": 0.99, "crlf": 0.99, "gbk": 0.99, "docx": 0.99}


@pytest.fixture(scope="module")
def texts():
    if not DEV.is_dir() or not (GOLD / "cells.csv").exists():
        pytest.skip("../shared corpus/gold not present")
    dev, seeds = load_gold(DEV_GOLD), load_gold(GOLD)
    out = [(n, to_text((DEV / n).read_bytes(), n)[0], cells) for n, cells in sorted(dev.items())]
    out += [(p.name, p.read_text(encoding="utf-8"), seeds[p.name]) for p in sorted(SAMPLES.glob("*.txt"))]
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_no_wrong_cell_in_other_renderings(kind, texts):
    wrong, right, total = [], 0, 0
    for name, text, gold in texts:
        data, ext = render(text, kind)
        res = extract_report(data, name.rsplit(".", 1)[0] + ext)
        got = {(x.table, x.key1, x.key2): x.value for x in res.facts}
        for k, v in gold.items():
            total += 1
            if k not in got:
                continue
            g = got[k]
            if (g is None and (v is None or (v == 0 and blanked(kind)))) or (g is not None and v is not None
                                                                              and g == pytest.approx(v)):
                right += 1
            else:
                wrong.append((name, k, g, v))
        wrong += [(name, k, v, "extra") for k, v in got.items() if k not in gold and v not in (None, 0)]
    assert wrong == []
    assert right / total >= _FLOOR.get(kind, 0.0), (kind, right, total)
