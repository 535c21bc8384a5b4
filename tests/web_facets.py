"""A second web fixture for the search page's long lists and time charts (the first is
`helpers.records`): 45 articles that all mention 报告, from 15 sources and 40 authors (more
than a facet lists before "更多…" and more than the engine lists by default), in three
columns (栏目), published in 2004, 2010 and 2024 only (years between have none), with titles
a spreadsheet would run as formulas, a title with a control character, and one article in
Traditional Chinese with a web URL."""
from __future__ import annotations

import json
from pathlib import Path

from indexer.ingest import run_ingest

SOURCES = 15
AUTHORS = 40
YEARS = {2004: 5, 2010: 10, 2024: 30}
COLUMNS = ("法规", "公告", "通知")
SURNAMES, GIVEN = "赵钱孙李周吴郑王冯陈", ("建国", "晓明", "丽华", "志强")
NAMES = [s + g for g in GIVEN for s in SURNAMES]  # 40 distinct names
FORMULA_TITLES = ['=HYPERLINK("http://evil.example","点我")报告', "+1+1报告", "-2-2报告", "@SUM(A1)报告"]
CONTROL_TITLE = "控制\u0001字符报告"
TRADITIONAL_ID = "gazette-trad"
TRADITIONAL_TITLE = "行政院公共工程委員會令：修正環境影響評估報告審議規則"
TRADITIONAL_BODY = ("修正「環境影響評估報告審議規則」第二條條文。\n主任委員 郭瑤琪\n"
                    "本會為維護環境品質，經濟發展與環境保護應兼籌並顧，特訂定本規則。\n"
                    "環境影響評估報告書應於期限內送達，逾期者不予受理。")


def facet_records() -> list[dict]:
    out: list[dict] = []
    years = [y for y, n in YEARS.items() for _ in range(n)]
    for i, year in enumerate(years):
        title = f"第{i}号测试报告"
        if i < len(FORMULA_TITLES):
            title = FORMULA_TITLES[i]
        elif i == len(FORMULA_TITLES):
            title = CONTROL_TITLE
        out.append({
            "id": f"f-{i:02d}", "title": title, "date": f"{year}-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}",
            "source": f"测试局{i % SOURCES:02d}", "author": NAMES[i % AUTHORS],
            "column": COLUMNS[i % len(COLUMNS)], "url": f"https://example.gov.cn/{i}.html",
            "body": f"这是第{i}号报告。内容涉及城市管理。\n第二段继续说明报告的要点。",
        })
    out[-1] = {"id": TRADITIONAL_ID, "title": TRADITIONAL_TITLE, "date": "2024-12-20", "source": "公共工程委員會",
               "author": "郭瑤琪", "column": "法规", "url": "http://gazette.nat.gov.tw/eg/1.htm",
               "body": TRADITIONAL_BODY}
    return out


def build_facet_index(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    articles = folder / "articles"
    articles.mkdir(exist_ok=True)
    (articles / "facets.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in facet_records()) + "\n", encoding="utf-8")
    index = folder / "index"
    run_ingest(index, [articles], rebuild=True)
    return index
