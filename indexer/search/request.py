"""What a search asks for: `SearchRequest.create` validates raw parameters (from the CLI or a
URL) in one place and raises `BadRequest` with a message, in Chinese, saying which parameter
is wrong and what would be right.

Dates in `date_from`/`date_to` take every form ingest reads (`indexer.dates`): 2005,
2005-06, 2005-6, 2005-06-01, 2005/6/1, 20050601, 2005年6月, 2005年6月1日, 民國94年, 民國94年6月,
中華民國94年1月3日, in full-width digits or Chinese numerals too (二〇二四年三月). A year or a month is a period: as a start bound its
first day, as an end bound its last.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from indexer.dates import day_alone, find_date, normalise_digits, period_in_digits

SORTS = ("relevance", "newest", "oldest")
MAX_QUERY_CHARS = 2000
MAX_PER_PAGE = 1000
MAX_FILTER_VALUES = 50
MAX_ID_CHARS = 2000
DEFAULT_FACET_SIZE = 30
MAX_FACET_SIZE = 1000
ROC_YEAR_OFFSET = 1911  # 民國 1 年 = 1912
MIN_YEAR, MAX_YEAR = 1900, 2100  # the years ingest accepts in a date

DATE_HINT = "可写 2024-02-05、2005年6月、民國94年"
_LABELS = {"from": "起始日期", "to": "结束日期", "source": "来源", "author": "作者", "column": "栏目",
           "page": "页码", "per_page": "每页条数", "facet_size": "分面条数", "collapse": "collapse",
           "variants": "variants", "story": "story", "within": "在结果中搜索（within）"}


class BadRequest(ValueError):
    """A search parameter that cannot be used; the message says which and why."""


DEFAULT_DEADLINE = 2.0  # seconds a search may take before it stops (SearchTooCostly)
MAX_DEADLINE = 600.0


def listing_deadline(page_deadline: float = DEFAULT_DEADLINE) -> float:
    """The seconds a listing of every match (an export, the concordance) may take: ten times a
    page's, as it reads every match; the same on the command line and the web."""
    return min(MAX_DEADLINE, 10 * float(page_deadline))


class SearchTooCostly(BadRequest):
    """A search stopped because it would cost too much: its deadline passed, or its size
    (clauses × page size) is over the budget before starting. The message, in Chinese, names the
    query. A `BadRequest`, so every caller that reports bad parameters reports this too."""

    def __init__(self, query: str, reason: str) -> None:
        self.query = query
        shown = query if len(query) <= 40 else query[:40] + "…"
        super().__init__(f"查询「{shown}」代价过高，已停止：{reason}。请减少用 OR 连接的词语、缩小筛选范围或减少每页条数")


_SEP = r"(?:\s*[-/.]\s*|\s*年\s*)"  # between year and month
_SEP2 = r"(?:\s*[-/.]\s*|\s*月\s*)"  # between month and day
_FORMS = (  # year, month or day; matched whole against the digit-normalised, stripped text
    re.compile(r"(?P<y>\d{4})\s*年?"),
    re.compile(rf"(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}})\s*月?"),
    re.compile(rf"(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}}){_SEP2}(?P<d>\d{{1,2}})\s*日?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),  # 20050601, as in file names
    re.compile(r"(?:中[華华]民[國国]|民[國国])\s*(?P<roc>\d{1,3})\s*年"),
    re.compile(r"(?:中[華华]民[國国]|民[國国])\s*(?P<roc>\d{1,3})\s*年\s*(?P<m>\d{1,2})\s*月"),
    re.compile(r"(?:中[華华]民[國国]|民[國国])\s*(?P<roc>\d{1,3})\s*年\s*(?P<m>\d{1,2})\s*月"
                r"\s*(?P<d>\d{1,2})\s*日?"),
)


def _period(year: int, month: int | None, day: int | None, *, end: bool) -> dt.date:
    """The first (or, with `end`, last) day of a year, a month or a day; ValueError if none
    (years outside 1900-2100, like ingest: no article is dated there)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError("year out of range")
    if month is None:
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    if day is None:
        first = dt.date(year, month, 1)
        if not end:
            return first
        return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    value = find_date(f"{year:04d}-{month}-{day}")  # ingest's own reading of a full date
    if value is None:
        raise ValueError("not a date")
    return dt.date.fromisoformat(value)


def parse_date_bound(value: object, *, end: bool, name: str) -> str | None:
    """A date filter bound → YYYY-MM-DD (the start of its period, or with `end` its last day);
    None for an empty value. Raises BadRequest naming `name` ("from"/"to")."""
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise BadRequest(f"{_LABELS.get(name, name)}必须是文字（{DATE_HINT}）")
    text = period_in_digits(normalise_digits(str(value)).strip())  # (`二〇二四年三月`, `民國一百一十三年`)
    if not text:
        return None
    for pattern in _FORMS:
        m = pattern.fullmatch(text)
        if m:
            parts = m.groupdict()
            if parts.get("roc") and int(parts["roc"]) == 0:  # (民國 counts from its year 1, 1912: there is no 0)
                break
            year = int(parts["roc"]) + ROC_YEAR_OFFSET if parts.get("roc") else int(parts["y"])
            month = int(parts["m"]) if parts.get("m") else None
            day = int(parts["d"]) if parts.get("d") else None
            try:
                return _period(year, month, day, end=end).isoformat()
            except ValueError:
                break
    else:  # a day in any other form ingest reads (2024/2/5 09:30, 二〇二四年二月五日, 2024年2月5号, ISO with a zone)
        day = day_alone(text)
        if day is not None:
            return day
    raise BadRequest(f"{_LABELS.get(name, name)}无法识别：{_shorten(str(value))}（{DATE_HINT}）")


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _int_param(value, name: str, default: int, lo: int, hi: int) -> int:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return default
    label = _LABELS.get(name, name)
    wrong = BadRequest(f"{label}必须是 {lo} 到 {hi} 之间的整数")
    if isinstance(value, bool):
        raise wrong
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        try:
            n = int(normalise_digits(value).strip())
        except ValueError:
            raise BadRequest(f"{label}必须是 {lo} 到 {hi} 之间的整数，不能是「{_shorten(value)}」") from None
    else:
        raise wrong
    if not lo <= n <= hi:
        raise wrong
    return n


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bool_param(value, name: str, default: bool) -> bool:
    """True/False, or in a URL 1/0 (also true/false, yes/no, on/off); empty means the default."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "":
            return default
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise BadRequest(f"{_LABELS.get(name, name)} 只能是 1 或 0")


def _values(given, name: str) -> tuple[str, ...]:
    """A repeatable filter's values: stripped, empty ones dropped, each once, in order."""
    label = _LABELS.get(name, name)
    if given is not None and not isinstance(given, (str, list, tuple, set, frozenset)):
        raise BadRequest(f"{label}筛选必须是文字或文字的列表")
    given = [given] if isinstance(given, str) else list(given or ())
    if len(given) > MAX_FILTER_VALUES:
        raise BadRequest(f"{label}筛选最多 {MAX_FILTER_VALUES} 个，收到 {len(given)} 个")
    if any(not isinstance(v, str) for v in given):
        raise BadRequest(f"{label}筛选必须是文字")
    return tuple(dict.fromkeys(v.strip() for v in given if v.strip()))


def _within(given) -> tuple[str, ...]:
    """The within-queries: each a query string, as long as a query may be."""
    values = _values(given, "within")
    for v in values:
        if len(v) > MAX_QUERY_CHARS:
            raise BadRequest(f"在结果中搜索的查询过长：{len(v)} 个字符，最多 {MAX_QUERY_CHARS} 个")
    return values


def _deadline(value) -> float | None:
    """Seconds (a number above 0, at most MAX_DEADLINE), or None for the engine's default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    wrong = BadRequest(f"时限（deadline）必须是大于 0、不超过 {MAX_DEADLINE:g} 的秒数")
    if isinstance(value, bool):
        raise wrong
    try:
        seconds = float(normalise_digits(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise wrong from None
    if not 0 < seconds <= MAX_DEADLINE:  # also NaN
        raise wrong
    return seconds


def _story(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest("story 必须是文章编号（文字）")
    value = value.strip()
    if len(value) > MAX_ID_CHARS:
        raise BadRequest(f"story 的文章编号过长：{len(value)} 个字符，最多 {MAX_ID_CHARS} 个")
    return value or None


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: build it with `create`."""

    query: str = ""
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None  # YYYY-MM-DD, inclusive
    sort: str = "relevance"  # as asked; SearchResult.sort says what was applied
    page: int = 1
    per_page: int = 10
    facet_size: int = DEFAULT_FACET_SIZE
    collapse: bool = True  # near-duplicate reposts shown as one hit
    variants: bool = True  # unquoted terms also find the other strait's wording
    story: str | None = None  # an article id: only its near-duplicate cluster
    within: tuple[str, ...] = ()  # queries the results must also match (search within results)
    deadline: float | None = None  # seconds before the search stops (None: the engine's default)

    @classmethod
    def create(cls, query=None, sources=(), authors=(), columns=(), date_from=None, date_to=None,
               sort=None, page=None, per_page=None, facet_size=None, collapse=None, variants=None,
               story=None, within=(), deadline=None) -> SearchRequest:
        """Validate raw parameters (from the CLI or a URL); raises BadRequest."""
        q = "" if query is None else query
        if not isinstance(q, str):
            raise BadRequest("查询必须是文字")
        if len(q) > MAX_QUERY_CHARS:
            raise BadRequest(f"查询过长：{len(q)} 个字符，最多 {MAX_QUERY_CHARS} 个")
        if sort is None or (isinstance(sort, str) and not sort.strip()):
            sort = "relevance"
        if not isinstance(sort, str) or sort.strip() not in SORTS:
            raise BadRequest(f"排序方式只能是 relevance（相关度）、newest（最新）或 oldest（最早），"
                             f"不能是「{_shorten(str(sort))}」")
        d_from = parse_date_bound(date_from, end=False, name="from")
        d_to = parse_date_bound(date_to, end=True, name="to")
        if d_from and d_to and d_from > d_to:
            raise BadRequest(f"起始日期 {d_from} 晚于结束日期 {d_to}")
        return cls(query=q, sources=_values(sources, "source"), authors=_values(authors, "author"),
                   columns=_values(columns, "column"), date_from=d_from, date_to=d_to, sort=sort.strip(),
                   page=_int_param(page, "page", 1, 1, 1_000_000),
                   per_page=_int_param(per_page, "per_page", 10, 1, MAX_PER_PAGE),
                   facet_size=_int_param(facet_size, "facet_size", DEFAULT_FACET_SIZE, 1, MAX_FACET_SIZE),
                   collapse=_bool_param(collapse, "collapse", True),
                   variants=_bool_param(variants, "variants", True), story=_story(story),
                   within=_within(within), deadline=_deadline(deadline))
