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
    # 荔浦县 became 荔浦市 (2018): the snapshot's 荔浦县 is the same place (its code), named
    # as the report names it (../shared/corpus/pages: county as printed)
    r = meta("根据《条例》规定,现公布荔浦市2022年政府信息公开工作年度报告。\n")
    assert (r["province"], r["city"], r["county"], r["region_code"]) == ("广西壮族自治区", "桂林市", "荔浦市", "450331")
    r = meta("根据《条例》规定,现公布高陵县2011年政府信息公开工作年度报告。\n")
    assert (r["province"], r["city"], r["county"]) == ("陕西省", "西安市", "高陵县")


def test_county_level_city_under_its_province_is_the_city():
    # 琼海市 (Hainan), 天门市 (Hubei): no prefecture above them, the city column names them;
    # a municipality's district stays in county
    r = meta("胡市镇人民政府2019年政府信息公开工作年度报告\n根据《天门市人民政府办公室关于做好年度报告工作的通知》编制。\n")
    assert (r["province"], r["city"], r["county"], r["level"]) == ("湖北省", "天门市", None, "town")
    r = meta("上海市闵行区人民政府2020年政府信息公开工作年度报告\n")
    assert (r["province"], r["city"], r["county"]) == ("上海市", None, "闵行区")


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


# --- issue 15 item 5: the agency from the body's other phrasings, the region from the page

def test_compiler_named_with_its_grounds_between():
    # 本报告由<body>根据《…》精神编制完成: the compiler, fuller than the title's bare town
    r = meta("青石镇2020年度政府信息公开工作年度报告\n本报告由青石镇人民政府根据《中华人民共和国政府信息公开条例》、"
             "《某县人民政府办公室关于编制公布2020年度政府信息公开工作年度报告的通知》精神编制完成。\n")
    assert (r["agency"], r["year"]) == ("青石镇人民政府", 2020)


def test_compiler_with_a_parenthetical_second_name():
    r = meta("本年报是根据《条例》要求,由拱墅区行政审批服务管理办公室(公共资源交易管理委员会办公室)编制的"
             "2018年度政府信息公开工作年度报告。\n")
    assert r["agency"] == "拱墅区行政审批服务管理办公室(公共资源交易管理委员会办公室)" and r["year"] == 2018
    assert r["province"] == "浙江省" and r["level"] == "department-of-county"


def test_area_summary_compiled_from_its_parts_reports():
    r = meta("本报告根据《条例》和本县有关工作制度,以及2013年通许县各乡镇、各部门等政府信息公开工作年度报告编制。"
             "如有疑问请与spam.example办公室联系。\n")
    assert (r["agency"], r["year"], r["province"], r["level"]) == ("通许县", 2013, "河南省", "county")
    # the phrase names the area only when the name is a division's, whole
    assert meta("以及2013年某某公司各部门政府信息公开工作年度报告编制。\n")["agency"] is None


def test_relative_office_stands_for_the_place_the_body_names():
    summary = ("本年度报告根据《条例》和《重庆市政府信息公开规定》的要求,由市政府办公厅根据各区县政府和市政府各部门的"
               "政府信息公开工作年度报告编制而成。统计期限为2016年1月1日至12月31日。\n2016年,重庆市进一步加大…\n")
    r = meta(summary)
    assert (r["agency"], r["province"], r["level"]) == ("重庆市", "重庆市", "province")
    r = meta("本年度报告由市政府办公室编制。统计期限为2016年1月1日至12月31日。\n2016年,南宁市认真贯彻《南宁市政府信息公开规定》…\n")
    assert (r["agency"], r["province"], r["city"]) == ("南宁市人民政府", "广西壮族自治区", "南宁市")
    # a county-level city's office says 市政府 too: the body names the prefecture and the city
    r = meta("本年度报告由市政府办公室编制。2015年,大安市在白城市政府的领导下…\n")
    assert r["agency"] != "白城市人民政府"


def test_town_before_government_information_disclosure_completed_as_printed():
    text = "根据《条例》,现将2010年度青石镇政府信息公开年度报告公布如下。\n"
    assert meta(text)["agency"] == "青石镇"
    assert meta(text + "推进政府信息公开是青石镇人民政府贯彻落实《条例》的重要举措。\n")["agency"] == "青石镇人民政府"


def test_title_below_navigation_chrome():
    chrome = ("当前位置:首页 > 信息公开年报\n\n" + "".join(f"  • 栏目{i}\n\n" for i in range(30))
              + "".join(f"分类{i}\n\n" for i in range(10)))
    r = meta(chrome + "芜湖市人民政府2015年度政府信息公开工作年度报告\n发布单位:市政府办公室\n本报告综合各县区报告而成。\n")
    assert (r["agency"], r["year"], r["level"]) == ("芜湖市人民政府", 2015, "city")


def test_street_office_named_through_its_district_government():
    r = meta("本报告中所列数据的统计期限自2009年1月1日起,至2009年12月31日止。如对报告有任何疑问,"
             "请与东城区政府和平里街道办事处信息公开办公室联系。\n一、概述\n2008年5月1日起东城区和平里街道办事处正式施行政府信息公开工作。\n")
    assert r["agency"] == "东城区和平里街道办事处"


def test_self_named_report_takes_the_one_place_of_its_kind():
    body = ("本年度报告根据《条例》和《天津市政府信息公开规定》编制。统计期限自2018年1月1日起至2018年12月31日止。\n"
            "2018年我区认真贯彻落实国务院和天津市人民政府的有关决策部署。结合我区实际,制定了《2018年南开区政务公开重点工作安排》。\n")
    r = meta(body)
    assert (r["agency"], r["province"], r["level"]) == ("南开区", "天津市", "county")
    # two districts named: no guess
    assert meta(body + "与河西区开展交流。\n")["agency"] is None
    # a department that says 我县 once speaks as its county's department, not as the county
    assert meta("2018年,推动我县卫健系统信息公开,制定了《2018年嵩明县政务公开工作要点》。\n")["agency"] is None
    # a department's self-reference rules the rule out
    assert meta(body + "我局高度重视。\n")["agency"] is None


def test_self_named_town_and_its_printed_government():
    r = meta("一、总体情况\n2023年,我镇认真贯彻落实上级规定。统计期限自2023年1月1日起至2023年12月31日止。修改完善了"
             "《海口市琼山区大坡镇政府信息公开指南》,推动我镇信息公开制度化。\n")
    assert r["agency"].endswith("大坡镇") and r["year"] == 2023 and r["level"] == "town"
    r = meta("编制2019年度我乡信息公开工作年度报告。统计时间段:2019年1月1日起至2019年12月31日止。\n一、总体情况\n"
             "2019年我乡高度重视。截至2019年12月31日,马街乡人民政府通过信息平台公开信息3条。通过乡政府政务公开栏公开信息12期。\n")
    assert r["agency"] == "马街乡人民政府"


def test_own_government_named_by_its_download_site():
    text = ("根据《条例》有关规定,特向社会公布2018年度本级政府(机关)信息公开年度报告。本报告中所列数据的统计期限自2018年1月1日起,"
            "至2018年12月31日止。本报告的电子版可在赞皇县人民政府网站(www.zhx.gov.cn)下载。\n2018年全县政府信息公开工作…\n")
    r = meta(text)
    assert (r["agency"], r["province"], r["level"]) == ("赞皇县人民政府", "河北省", "county")
    # a department's report on its government's site is not the government's
    assert meta(text.replace("2018年全县", "我局2018年"))["agency"] is None


def test_department_named_by_its_own_site():
    r = meta("根据《条例》以及哈尔滨市政务公开领导小组办公室的有关要求,现公布2011年我办政府信息公开工作年度报告。"
             "统计期限自2011年1月1日起至2011年12月31日止。\n2011年,我办通过市外侨办政务外网及市政府门户网站主动发布信息200条。\n")
    assert (r["agency"], r["province"], r["level"]) == ("市外侨办", "黑龙江省", "department-of-city")


def test_region_from_the_credit_code_the_platform_and_never_macau():
    r = meta("索引号: | 1133068200259085XF/2015-28256 | 公开方式: | 主动公开 |\n"
             "2009年度下管镇政府信息公开年度报告\n根据《条例》,我镇进一步规范政府信息公开内容。\n")
    assert r["province"] == "浙江省"
    r = meta("URL: https://mirror.example.com/module/xxgk/xxgkAnnualReport.jsp?area=001008003014074&fbtime=2016\n\n"
             "现公布委农办(县农业局)2016年政府信息公开工作年度报告。\n")
    assert r["province"] == "浙江省"
    r = meta("2017年,澳门金沙城中心水务局严格按照《条例》要求开展工作。现将我局2017年政府信息公开工作年度报告如下:\n")
    assert r["province"] is None


def test_source_address_refines_a_body_that_names_the_province_only():
    r = meta("URL: http://www.qinzhou.gov.cn/zfxxgk/1.shtml\n\n根据《广西壮族自治区人民政府办公厅关于做好2022年政府信息"
             "公开工作年度报告发布和报送工作的通知》要求,现将我委2022年度工作情况报告如下:\n")
    assert (r["province"], r["city"], r["level"]) == ("广西壮族自治区", "钦州市", "department-of-city")


def test_a_department_speaking_of_its_city_is_a_department():
    r = meta("URL: http://www.example.com/1.shtml\n\n2017年,在句容市委、市政府的正确领导下,在全市其他部门支持下,"
             "我部门进一步加强信息公开工作。\n")
    assert r["level"] == "department-of-county"


def test_autonomous_county_by_its_short_name():
    # reports shorten 长阳土家族自治县 to 长阳县, 莫力达瓦达斡尔族自治旗 to 莫力达瓦
    r = meta("长阳县人民政府2016年政府信息公开工作年度报告\n根据《条例》规定编制。\n")
    assert (r["province"], r["city"], r["county"], r["level"]) == ("湖北省", "宜昌市", "长阳土家族自治县", "county")
    r = meta("根据《条例》有关规定,现公布莫旗政府2012年政府信息公开工作年度报告。本报告的电子版可在莫力达瓦政府门户网站下载。\n")
    assert (r["agency"], r["province"], r["county"]) == ("莫旗政府", "内蒙古自治区", "莫力达瓦达斡尔族自治旗")


def test_a_district_name_two_cities_share_is_placed_by_the_body():
    # 和平区 is a district of 天津 and of 沈阳: the body's 天津市 decides
    r = meta("和平区2018年政府信息公开工作年度报告\n本年度报告根据《条例》和《天津市政府信息公开规定》编制。\n")
    assert (r["province"], r["county"]) == ("天津市", "和平区")


def test_source_address_gives_the_county_of_a_city_office():
    # 市政府办公室 of 大安市 (a county-level city of 白城市): the body names 白城市, the address 大安
    r = meta("URL: http://daan.jlbc.gov.cn/root267_45/dasrmzf/1.html\n\n市政府办公室2015年度政府信息公开工作年度报告\n"
             "根据《条例》的规定和省、白城市政府的工作安排,办公室编制了2015年政府信息公开工作年度报告。\n")
    assert (r["city"], r["county"], r["level"]) == ("白城市", "大安市", "department-of-county")


def test_a_body_answering_to_a_district_government_is_a_district_body():
    r = meta("2011年教育局政府信息公开工作年度报告\n本年度报告是根据《条例》和《广州市政府信息公开规定》要求编制。"
             "根据区政府办关于政府信息公开工作的部署……\n")
    assert (r["province"], r["city"], r["level"]) == ("广东省", "广州市", "department-of-county")
    # 自治区人民政府 is not a district's government
    r = meta("2022年教育局政府信息公开工作年度报告\n根据《广西壮族自治区人民政府办公厅关于做好年度报告工作的通知》、"
             "《钦州市政府信息公开规定》编制。\n")
    assert r["level"] != "department-of-county"


def test_contact_office_that_is_a_body_of_its_own_names_no_author():
    # 请与X办公室联系: X's government where X is a place, X where X is a body; an office that
    # is a body of its own is only the contact (a government's report may name it)
    assert meta("统计期限为2022年1月1日至2022年12月31日。如对本报告有疑问,请与全州县政务服务管理办公室联系。\n")["agency"] is None
    assert meta("统计期限为2020年1月1日至2020年12月31日。如有疑问,请与邹桥乡党政办公室联系。\n")["agency"] == "邹桥乡人民政府"
    assert meta("统计期限为2020年1月1日至2020年12月31日。如有疑问,请与泰安市教育局办公室联系。\n")["agency"] == "泰安市教育局"


def test_a_publishing_channel_is_never_the_agency():
    r = meta("统计期限为2024年1月1日至2024年12月31日。\n一、总体情况\n2024年,政府门户网站主动公开信息3546条。\n")
    assert r["agency"] is None


def test_name_cleanups_field_label_doubled_place_template_parenthetical():
    # a spaced field label without colon before the title
    r = meta("标      题 西藏自治区人民政府 2023年政府信息公开工作年度报告\n索引号 000014349/2024-00600\n")
    assert (r["agency"], r["year"]) == ("西藏自治区人民政府", 2023)
    # a CMS that printed the place twice
    r = meta("本报告是根据《条例》要求,由北京市大兴区北京市大兴区发展和改革委员会编制的2013年度政府信息公开年度报告。\n")
    assert r["agency"] == "北京市大兴区发展和改革委员会"
    # the template's 本级政府(机关) filled in with the name
    r = meta("根据《条例》,特向社会公布2019年度青龙镇政府(机关)信息公开年度报告。\n")
    assert r["agency"] == "青龙镇政府"


def test_contact_government_named_as_printed_and_town_with_its_printed_places():
    r = meta("本报告根据《条例》编制。统计期限为2013年1月1日至2013年12月31日。如有疑问,请与邹桥乡党政办公室联系。"
             "2013年,邹桥乡政府认真贯彻《条例》。\n")
    assert r["agency"] == "邹桥乡政府"
    r = meta("一、总体情况\n2023年,我镇认真贯彻落实上级规定。修改完善了《海口市琼山区大坡镇政府信息公开指南》,推动我镇信息公开制度化。\n")
    assert r["agency"] == "海口市琼山区大坡镇"


def test_a_year_paragraph_names_its_body_whatever_the_verb():
    r = meta("本报告所列数据的统计期限自2018年1月1日起至2018年12月31日止。\n一、概述\n"
             "2018年,雁江区教育局及时调整政务公开工作领导小组,本年度主动公开政府信息398条。\n")
    assert (r["agency"], r["province"]) == ("雁江区教育局", "四川省")
    # a suffix that runs on is completed (委 → 委员会)
    r = meta("一、概述\n2011年,白城市卫生健康委员会规范政府信息公开工作。\n")
    assert r["agency"] == "白城市卫生健康委员会"
    # not a phrase (政府 of 政府信息公开), not the Party's committee, not a name without a place
    assert meta("一、概述\n2017年,未接收到政府信息公开申请。\n")["agency"] is None
    assert meta("一、概述\n2018年,河西区委、区政府高度重视政务公开。\n")["agency"] is None
    assert meta("一、概述\n2013年,备用网址按照国务院、省政府的安排部署开展工作。\n")["agency"] is None


@pytest.mark.parametrize("above, agency", [
    # a long title wrapped inside the body's name: the two lines are the title
    ("伊犁哈萨克自治州尼勒克县人力资源和社会", "伊犁哈萨克自治州尼勒克县人力资源和社会保障局"),
    # a line above the title that is not part of it (a site's banner naming no place) stays out
    ("政务公开专栏", "保障局"),
])
def test_a_title_wrapped_inside_the_agency_name(above, agency):
    r = meta(above + "\n保障局2020年政府信息公开工作年度报告\n" + OVERVIEW_2019 + "2020年,本局……\n")
    assert (r["agency"], r["year"]) == (agency, 2020)
