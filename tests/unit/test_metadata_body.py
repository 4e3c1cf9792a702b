"""Report metadata from the body (issue 15 item 5): one test per trap class of
../shared/corpus/pages/README.md, on synthetic or quoted snippets, and the pages corpus
scored against its targets in tests/integration/test_pages.py."""
import pytest

from pipelines.parse.extract import extract_report
from pipelines.parse.metadata import era_without_tables, read_metadata

OVERVIEW_2019 = ("全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
                 "政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况。\n一、总体情况\n")
OVERVIEW_OLD = ("全文包括概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况、"
                "复议、诉讼和申诉情况以及存在的主要问题和改进措施。\n一、概述\n")


def meta(text: str):
    return extract_report(text.encode("utf-8"), "page.txt").report


def test_no_title_agency_and_year_from_the_compiler_sentence():
    r = meta("本报告是根据《中华人民共和国政府信息公开条例》要求,由广州市越秀区人民政府编制的2009年度政府信息公开年度报告。"
             + OVERVIEW_OLD + "2009年,在市委、市政府的正确领导下……\n")
    assert (r["agency"], r["year"], r["format_version"]) == ("广州市越秀区人民政府", 2009, "pre2019")
    assert (r["province"], r["city"], r["county"]) == ("广东省", "广州市", "越秀区")


def test_office_compiling_its_governments_report_names_the_government():
    r = meta("本年度报告是根据《条例》的要求,由沙依巴克区人民政府办公室编制。报告中所列数据的统计期限自2009年1月1日至2009年12月31日止。\n")
    assert r["agency"] == "沙依巴克区人民政府" and r["year"] == 2009
    # a summary of the whole area compiled by the office names the area
    r = meta("本年度报告依据《条例》的规定,由哈尔滨市人民政府政务公开办公室综合市政府、各区、县(市)政府的政府信息公开工作情况"
             "编制而成。本年度报告所列数据的统计期限为2015年1月1日至12月31日。\n")
    assert r["agency"] == "哈尔滨市" and r["province"] == "黑龙江省"
    # an office's own report names the office
    r = meta("根据《条例》的规定,现公布阳山县人民政府办公室(以下简称县政府办公室)2016年政府信息公开工作年度报告。\n")
    assert r["agency"] == "阳山县人民政府办公室" and r["year"] == 2016


def test_we_phrasing_year_and_overview_subject():
    r = meta("自从政府信息公开工作开展后,我局立即组织召开专题会议。现将我局2014年度政府信息公开工作报告如下:\n")
    assert r["year"] == 2014 and r["agency"] is None
    r = meta("本报告根据《条例》编制。\n一、总体情况\n2021年,沈阳市人民政府坚持以人民为中心,加大政府信息公开力度。\n")
    assert (r["agency"], r["year"], r["province"]) == ("沈阳市人民政府", 2021, "辽宁省")


def test_garbled_period_and_publication_date_are_not_the_year():
    r = meta("发布日期:2016-02-24\n本报告所列政府信息公开数据统计期限自201511日至20151231日。\n")
    assert r["year"] == 2015
    r = meta("URL: http://example.gov.cn/2024_nd/art.html\n\n发布时间:2026-03-02\n"
             "本报告所列数据统计期限为2025年1月1日至2025年12月31日,含2024年结转12件。\n")
    assert r["year"] == 2025


def test_non_calendar_period_is_named_by_its_end_year():
    r = meta("本報告中所列數據的統計期限自2015年12月1日起至2016年10月30日止。\n")
    assert r["year"] == 2016


def test_traditional_with_inline_pinyin_reads_simplified():
    r = meta("本年報是根據(jù)《中華人民共和國政府信息公開條例》要求,由泰安市教育局編制的2010年度政務(wù)信息公開年度報告。"
             "全文包括概述、主動公開政務(wù)信息情況。\n")
    assert (r["agency"], r["year"], r["province"], r["city"]) == ("泰安市教育局", 2010, "山东省", "泰安市")


def test_traditional_and_simplified_twins_agree():
    simp = "根据《中华人民共和国政府信息公开条例》规定,现将2020年高新区(新市区)政府信息公开工作情况汇报如下:\n"
    trad = "根據《中華人民共和國政府信息公開條例》規定,現將2020年高新區(新市區)政府信息公開工作情況匯報如下:\n"
    a, b = meta(simp), meta(trad)
    assert (a["agency"], a["year"]) == (b["agency"], b["year"]) == ("高新区(新市区)", 2020)


def test_parenthetical_second_name_kept_in_the_title():
    r = meta("2020年高新区(新市区)政府信息公开工作年度报告\n根据《条例》规定……\n")
    assert r["agency"] == "高新区(新市区)" and r["year"] == 2020
    r = meta("根据《条例》要求,现公布永嘉县委农办(县农业局)2016年政府信息公开工作年度报告。\n")
    assert r["agency"] == "永嘉县委农办(县农业局)" and r["province"] == "浙江省"


def test_spam_substituted_names_give_no_latin_agency_and_no_region():
    r = meta("本报告是根据《条例》要求,由bt365备用网址办公室编制,时间自2013年1月1日始至2013年12月31日止。\n")
    assert r["year"] == 2013
    assert not any(c.isascii() and c.isalnum() for c in (r["agency"] or ""))
    r = meta("根据《条例》要求,现公布puroview.com委农办(县农业局)2016年政府信息公开工作年度报告。\n")
    assert r["agency"] == "委农办(县农业局)" and r["province"] is None


@pytest.mark.parametrize("text,province", [
    # 西安区 is a district of 辽源市 (Jilin) and of 牡丹江市: no province from 西安
    ("西安区政府信息公开专栏\n本年报由政务公开办公室编制。报告中所列数据统计期限为2010年1月1日至2010年12月31日。\n", None),
    # 新县镇 is a town (Fujian), not 新县 (Henan)
    ("新县镇2012年度政府信息公开年度报告\n", None),
    # 钟祥镇 is a town of 仁寿县 (Sichuan), not 钟祥市 (Hubei)
    ("钟祥镇2019年度政府信息公开工作年度报告\n根据《仁寿县人民政府关于做好政府信息公开工作的通知》……\n", "四川省"),
])
def test_misleading_place_names(text, province):
    assert meta(text)["province"] == province


def test_renamed_county_found_under_its_new_suffix():
    # 荔浦县 became 荔浦市 (2018): the snapshot's 荔浦县 is the same place
    r = meta("根据《条例》规定,现公布荔浦市2022年政府信息公开工作年度报告。\n")
    assert (r["province"], r["city"], r["county"]) == ("广西壮族自治区", "桂林市", "荔浦县")


def test_era_from_structure_else_year_never_from_a_cited_notice():
    # a 2024 report citing the 2019 notice is on the 2021 template
    text = "本年度报告根据《关于政府信息公开工作年度报告有关事项的通知》(国办公开办函〔2019〕60号)编制。\n" + OVERVIEW_2019
    assert meta("泽州县人民政府2024年政府信息公开年度工作报告\n" + text)["format_version"] == "f2021"
    assert era_without_tables(text, 2020) == "f2019"
    # a 2019 report still on the old template's structure
    assert era_without_tables(OVERVIEW_OLD, 2019) == "pre2019"
    # no structure reached: the year
    assert era_without_tables("根据《条例》规定编制本报告。", 2023) == "f2021"
    assert era_without_tables("根据《条例》规定编制本报告。", 2012) == "pre2019"


def test_table_format_kept_apart_for_the_parse_status():
    md = read_metadata("2018年度政府信息公开工作年度报告\n" + OVERVIEW_2019, [])
    assert md.format_version == "f2019" and md.tables_format is None


def test_region_from_the_contact_phone_area_code():
    r = meta("本报告是根据《条例》要求,由bt365备用网址办公室编制,时间自2013年1月1日始至2013年12月31日止。"
             "如对本报告有任何疑问,请联系办公室信息服务中心,联系电话:0371—26982677。\n")
    assert (r["province"], r["city"], r["region_code"]) == ("河南省", None, "410000")
    # numbers of two provinces: none
    assert meta("电话:0371-26982677,传真:0591-22880207。2013年,我县按照…\n")["province"] is None


def test_region_from_the_source_address_on_the_first_line():
    r = meta("URL: http://www.ningdu.gov.cn/ndxxxgk/c101626/202401/6f9f.shtml\n\n"
             "2023年,我乡认真贯彻落实《条例》。统计期限为2023年1月1日至12月31日。\n")
    assert (r["province"], r["city"], r["county"], r["level"]) == ("江西省", "赣州市", "宁都县", "town")
    # a label two places share (宜春 in Jiangxi, 伊春 in Heilongjiang) decides nothing
    assert meta("URL: http://sj.yichun.gov.cn/ycssjj/1.html\n\n2019年,我局认真贯彻落实《条例》。\n")["province"] is None
    # the text's own places come first
    r = meta("URL: http://www.ningdu.gov.cn/1.html\n\n根据《条例》,现公布兰考县2012年政府信息公开工作年度报告。\n")
    assert r["county"] == "兰考县"


def test_a_central_ministry_takes_no_region_from_places_it_names():
    r = meta("中华人民共和国教育部2010年政府信息公开工作年度报告\n根据《条例》,北京市、上海市……"
             "电话:010-66096114\n")
    assert (r["agency"], r["province"], r["level"]) == ("中华人民共和国教育部", None, "department-of-central")
