"""Agencies as an entity (issue 18 item 1): the administrative level of every report,
one agency_id for all the names of one body (place + normalised name, renamings from
pipelines/parse/data/agency_aliases.csv), never shared between a government and its
departments (the dev corpus pair, dim_agencies and the panel: tests/integration/test_agencies_corpus.py)."""
import csv

import pytest

from pipelines import DATA
from pipelines.parse.agencies import agency_id, body_key, normalise_name, parent_region
from pipelines.parse.extract import extract_report
from pipelines.parse.metadata import agency_level


def aid(name, level, code):
    return agency_id(body_key(name, level, code, "r"))


@pytest.mark.parametrize("name,province,city,county,level", [
    ("淮安市人民政府", "江苏省", "淮安市", None, "city"),
    ("淮安市洪泽区人民政府", "江苏省", "淮安市", "洪泽区", "county"),
    ("洪泽区政府", "江苏省", "淮安市", "洪泽区", "county"),
    ("河北省", "河北省", None, None, "province"),
    ("上海市", "上海市", None, None, "province"),              # a municipality is province-level
    ("北京市门头沟区教育委员会", "北京市", None, "门头沟区", "department-of-county"),
    ("北京市商务委员会", "北京市", None, None, "department-of-province"),
    ("阳山县人民政府办公室", "广东省", "清远市", "阳山县", "department-of-county"),  # the office is a department
    ("武江区龙归镇人民政府", "广东省", "韶关市", "武江区", "town"),
    ("安宁市人民政府县街街道办事处", "云南省", "昆明市", "安宁市", "town"),  # 县街 is a street, not a county
    ("新县镇", "福建省", None, None, "town"),                     # a town, not 新县
    ("高新区(新市区)政府", "新疆维吾尔自治区", "乌鲁木齐市", "新市区", "county"),
    ("莫旗政府", None, None, None, "county"),                     # a government of a place not in the list
    ("市外侨办", None, None, None, "department-of-city"),         # named relative to its city
    ("委农办(县农业局)", None, None, None, "department-of-county"),  # the second name tells
    ("教育部", None, None, None, "department-of-central"),
    ("兴安盟行署外事办公室", "内蒙古自治区", "兴安盟", None, "department-of-city"),
])
def test_level_from_the_name_and_region(name, province, city, county, level):
    assert agency_level(name, province, city, county) == level


def test_level_of_a_report_that_never_names_its_author():
    assert agency_level(None, "浙江省", "金华市", "武义县", "2023年,我乡认真贯彻落实《条例》") == "town"
    assert agency_level(None, None, None, None, "现将我局2014年度报告如下。及县政府有关文件精神") == "department-of-county"
    assert agency_level(None, None, None, None, "2013年,我县按照国务院、省政府的安排") == "county"
    r = extract_report("2022年,我镇认真贯彻落实《条例》要求,主动公开政府信息243条。\n".encode(), "p.txt").report
    assert r["level"] == "town"


def test_name_variants_of_one_body_share_an_id():
    hz = aid("淮安市洪泽区人民政府", "county", "320813")
    assert aid("洪泽区人民政府", "county", "320813") == hz
    assert aid("洪泽区政府", "county", "320813") == hz
    # 办公室 vs 办, 人民政府 vs 政府
    assert aid("平度市政府办公室", "department-of-county", "370283") == aid("平度市人民政府办", "department-of-county", "370283")
    # a parenthetical second name
    assert aid("江干区行政审批服务管理办公室(公共资源交易管理委员会办公室)", "department-of-county", "330104") == \
        aid("江干区行政审批服务管理办公室", "department-of-county", "330104")
    # relative to its place
    assert aid("区政府国资局", "department-of-county", "210112") == aid("浑南区国资局", "department-of-county", "210112")
    # a town with or without its county and 人民政府
    assert aid("武江区龙归镇人民政府", "town", "440204") == aid("龙归镇", "town", "440204")


def test_renamings_and_short_forms_from_the_alias_file():
    new = aid("淮安市卫生健康委员会", "department-of-city", "320800")
    assert aid("淮安市卫生和计划生育委员会", "department-of-city", "320800") == new  # renamed in 2018
    assert aid("淮安市卫计委", "department-of-city", "320800") == new
    assert aid("淮安市卫健委", "department-of-city", "320800") == new
    assert aid("沭阳县卫生和计划生育局", "department-of-county", "321322") == aid("沭阳县卫健局", "department-of-county", "321322")
    assert normalise_name("上海市科委") == normalise_name("上海市科学技术委员会")
    # every alias row names a canonical form that is not itself an alias
    rows = list(csv.DictReader(open(DATA / "agency_aliases.csv", encoding="utf-8")))
    assert rows and not ({r["canonical"] for r in rows} & {r["name"] for r in rows})


def test_a_government_is_never_its_departments_nor_the_government_above():
    city = aid("淮安市人民政府", "city", "320800")
    assert city != aid("淮安市人民政府办公室", "department-of-city", "320800")
    assert city != aid("淮安市教育局", "department-of-city", "320800")
    assert city != aid("淮安市洪泽区人民政府", "county", "320813")
    # a government whose region resolved only above it is not that region's government
    assert aid("高新区政府", "county", "650100") != aid("乌鲁木齐市人民政府", "city", "650100")
    # no place: not merged with its namesakes
    assert agency_id(body_key("教育局", "department-of-county", None, "a")) != \
        agency_id(body_key("教育局", "department-of-county", None, "b"))
    assert body_key("教育部", "department-of-central", None, "a") == body_key("教育部", "department-of-central", None, "b")


def test_parent_government():
    assert parent_region("320813", "county") == "320800"
    assert parent_region("320800", "city") == "320000"
    assert parent_region("320813", "department-of-county") == "320813"
    assert parent_region("429006", "county") == "420000"  # 天门市: a county directly under the province
    assert parent_region(None, "county") is None
