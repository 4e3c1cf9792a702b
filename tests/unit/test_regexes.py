"""The regex speed devices (pipelines/parse/regexes.py) never change what a pattern finds:
the literal every match must contain, the characters a match can start with, and the
Scanner that tries only those positions give exactly `finditer`'s matches."""
import re

from hypothesis import given, settings, strategies as st

from pipelines.parse.labels import patterns
from pipelines.parse.narrative import _rules
from pipelines.parse.regexes import (Scanner, finditer_at, first_chars, leading_literal, literal_window,
                                     required_literal)


def test_required_and_leading_literals():
    assert required_literal("(?:收到|受理)依申请公开(?:政府)?信息\\s*(\\d+)") == "依申请公开"
    assert leading_literal("本年新收件数") == "本年新收件数"
    assert leading_literal("(?:主动)?公开") == ""
    assert required_literal("(?i)abc") == ""          # case folding: no plain-text prefilter
    assert required_literal("a|b") == ""              # top-level alternation: nothing required


def test_first_chars():
    assert first_chars("(?<!申请)(?<!依)(?:主动)?(?:公开|发布|公布)") == "主公发"
    assert first_chars("(?:未|没有)(?!经)收到") == "未没"
    assert first_chars("[0-9]x") == "0123456789"
    assert first_chars("x*") == ""                    # can match the empty string
    assert first_chars("\\w+") == ""                  # a category: not told simply


# every prose pattern and label pattern the parser uses, over text made of the
# characters they are about
_PROSE = [p.regex.pattern for r in _rules(True)[0] for p in r[3] + r[4]]
_ALPHABET = "主动公开发布申请依累计历年政府信息收到受理共件条未没有经行政复议诉讼12 ,。\n(（)）予以不部分"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=120), st.sampled_from(_PROSE))
def test_scanner_finds_what_finditer_finds(text, pattern):
    got = [(m.span(), m.groups()) for m in Scanner(pattern).finditer(text)]
    want = [(m.span(), m.groups()) for m in re.finditer(pattern, text)]
    assert got == want


_LABEL = [p for name in ("t3_rows", "t3_columns", "t2_items", "t4_columns") for p in patterns(name) if p.lead]
_LABEL_ALPHABET = "本年新收件数度办理(三)不予公开四无法提供五处六其他3.、七总计\x1f\x1e "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LABEL_ALPHABET, max_size=80), st.sampled_from(_LABEL))
def test_anchored_labels_found_where_finditer_finds_them(text, pat):
    got = [m.span() for m in finditer_at(pat.regex, text, pat.lead)]
    want = [m.span() for m in pat.regex.finditer(text)]
    assert got == want


def test_literal_window():
    # matches start 2 to 6 characters before 政府信息 (主动? then 公开|发布, then 各类?)
    assert literal_window("(?<!申请)(?:主动)?(?:公开|发布)(?:各类)?政府信息\\s*(\\d+)") == ("政府信息", 2, 6)
    assert literal_window("(?:未|没有)(?!经)[^。]{0,12}?申诉") == ("申诉", 1, 14)
    assert literal_window("x.*ab") is None           # unbounded before the literal
    assert literal_window("(?:a|b)") is None          # no literal


# runs of the words the prose patterns are made of: texts where they match
_WORDS = ["主动", "公开", "发布", "政府信息", "共", "共计", "12", "3", "件", "条", "申请", "依", "累计", "历年", "收到", "受理",
          "各类", "政府信息公开", "依申请公开", "未", "没有", "经", "发生", "行政复议", "行政诉讼", "申诉", "情况", "案件", "。", ",",
          " ", "答复", "已", "同意", "予以", "部分", "不", "不予", "的", "有", "纠", "\n"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=40), st.sampled_from(_PROSE))
def test_scanner_over_prose_words(words, pattern):
    text = "".join(words)
    got = [(m.span(), m.groups()) for m in Scanner(pattern).finditer(text)]
    want = [(m.span(), m.groups()) for m in re.finditer(pattern, text)]
    assert got == want
