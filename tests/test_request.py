"""Search parameters as a user writes them (docs/interfaces.md "Query language": filters and dates):
`SearchRequest.create` reads every date form ingest reads, and says in Chinese what is wrong."""
from __future__ import annotations

import pytest

from indexer.search.request import BadRequest, SearchRequest


@pytest.mark.parametrize("written, first, last", [
    ("2005", "2005-01-01", "2005-12-31"),
    ("2005年", "2005-01-01", "2005-12-31"),
    ("2005-06", "2005-06-01", "2005-06-30"),
    ("2005-6", "2005-06-01", "2005-06-30"),
    ("2005/6", "2005-06-01", "2005-06-30"),
    ("2005.06", "2005-06-01", "2005-06-30"),
    ("2005年6月", "2005-06-01", "2005-06-30"),
    ("2005 年 6 月", "2005-06-01", "2005-06-30"),
    ("2024-02", "2024-02-01", "2024-02-29"),  # a leap year's February
    ("2005-06-01", "2005-06-01", "2005-06-01"),
    ("2005/6/1", "2005-06-01", "2005-06-01"),
    ("2005年6月1日", "2005-06-01", "2005-06-01"),
    ("20050601", "2005-06-01", "2005-06-01"),
    ("２００５年６月", "2005-06-01", "2005-06-30"),  # full-width digits
    ("民國94年", "2005-01-01", "2005-12-31"),
    ("民国94年", "2005-01-01", "2005-12-31"),
    ("中華民國94年", "2005-01-01", "2005-12-31"),
    ("民國94年6月", "2005-06-01", "2005-06-30"),
    ("中華民國94年1月3日", "2005-01-03", "2005-01-03"),
    ("民國113年2月", "2024-02-01", "2024-02-29"),
    ("2024/2/5 09:30", "2024-02-05", "2024-02-05"),  # a day with its time, as pages print it
    ("2024-02-05T00:00:00+08:00", "2024-02-05", "2024-02-05"),
    ("2024-02-04T20:00:00Z", "2024-02-05", "2024-02-05"),  # an instant: its day in China, as ingest dates it
    ("2024-02-05 09:30:15", "2024-02-05", "2024-02-05"),
    ("二〇二四年二月五日", "2024-02-05", "2024-02-05"),  # Chinese numerals, as documents sign
    ("中華民國一百一十三年二月五日", "2024-02-05", "2024-02-05"),
    ("2024年2月5号", "2024-02-05", "2024-02-05"),
    ("二〇二四年三月", "2024-03-01", "2024-03-31"),  # a month or a year in Chinese numerals too
    ("二〇二四年", "2024-01-01", "2024-12-31"),
    ("民國一百一十三年", "2024-01-01", "2024-12-31"),
    ("民國一百一十三年十二月", "2024-12-01", "2024-12-31"),
])
def test_every_date_form_ingest_reads_is_a_filter_bound(written, first, last):
    req = SearchRequest.create(date_from=written, date_to=written)
    assert (req.date_from, req.date_to) == (first, last)


@pytest.mark.parametrize("written", ["2020-13-45", "2023-02-29", "2005-6-", "昨天", "94年", "民國", "民國0年", "民國00年3月", "1850-01-01",
                                     "2005年6月1日以后", "2024-02-05 到 2024-03-01", "2024/2/5 下午",
                                     "2024-02-05T25:00", "2024-02-05T25:00Z", "9999-12-31T23:59Z"])
def test_a_date_that_cannot_be_read_is_refused_in_chinese_with_a_hint(written):
    with pytest.raises(BadRequest) as exc:
        SearchRequest.create(date_from=written)
    assert str(exc.value) == f"起始日期无法识别：{written}（可写 2024-02-05、2005年6月、民國94年）"
    with pytest.raises(BadRequest, match="^结束日期无法识别"):
        SearchRequest.create(date_to=written)


def test_a_start_after_the_end_is_refused():
    with pytest.raises(BadRequest, match="起始日期 2024-01-01 晚于结束日期 2023-12-31"):
        SearchRequest.create(date_from="2024", date_to="2023")
    req = SearchRequest.create(date_from="民國94年6月", date_to="2005-06")  # the same month, two ways
    assert (req.date_from, req.date_to) == ("2005-06-01", "2005-06-30")


@pytest.mark.parametrize("params, message", [
    (dict(sort="best"), "排序方式只能是 relevance（相关度）、newest（最新）或 oldest（最早），不能是「best」"),
    (dict(page="two"), "页码必须是 1 到 1000000 之间的整数，不能是「two」"),
    (dict(page=0), "页码必须是 1 到 1000000 之间的整数"),
    (dict(per_page=1001), "每页条数必须是 1 到 1000 之间的整数"),
    (dict(facet_size=0), "分面条数必须是 1 到 1000 之间的整数"),
    (dict(collapse="maybe"), "collapse 只能是 1 或 0"),
    (dict(variants="2"), "variants 只能是 1 或 0"),
    (dict(query="字" * 2001), "查询过长：2001 个字符，最多 2000 个"),
    (dict(columns=["法規"] * 51), "栏目筛选最多 50 个，收到 51 个"),
    (dict(story=12), "story 必须是文章编号（文字）"),
])
def test_bad_parameters_are_refused_in_chinese(params, message):
    with pytest.raises(BadRequest) as exc:
        SearchRequest.create(**params)
    assert str(exc.value) == message


def test_defaults_and_url_forms_of_the_new_parameters():
    req = SearchRequest.create()
    assert (req.columns, req.facet_size, req.collapse, req.variants, req.story) == ((), 30, True, True, None)
    req = SearchRequest.create(columns=["法規", " 法規 ", "", "處分"], facet_size="5", collapse="0", variants="0",
                               story=" gazette-7903 ")
    assert (req.columns, req.facet_size, req.collapse, req.variants, req.story) == \
        (("法規", "處分"), 5, False, False, "gazette-7903")
    assert SearchRequest.create(collapse="1", variants=False).collapse is True
    assert SearchRequest.create(collapse="", variants="").variants is True  # empty: the default
    assert SearchRequest.create(columns="法規").columns == ("法規",)  # one value may be given alone
