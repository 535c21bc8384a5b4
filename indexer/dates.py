"""Read publication dates in the forms Chinese pages and readers write them and return `YYYY-MM-DD`.

Used by extraction (dates printed on pages, in file names and URLs) and by the search request
(`date_from`/`date_to` take every form ingest reads).

Handles ISO and slashed/dotted dates, `2024年2月5日`, ROC years (`中華民國94年1月3日`, `民國94年`),
dates in Chinese numerals as documents sign them (`二〇二三年五月十日`, `中華民國九十四年一月三日`),
full-width digits, and dates embedded in file names or URLs (`20200519-07-01.txt`, `/2019-11-25/`);
`english_date` reads English dates with the month by name (`Nov 15, 2019`, `15 November 2019`).
"""
from __future__ import annotations

import datetime as _dt
import email.utils
import re
import unicodedata

_ROC = re.compile(r"(?:中[華华]民[國国]|民[國国])\s*(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_MDY = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])")  # 7/5/2005 9:23:57 PM (US order)
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
# English dates on Chinese pages (`06:00 Nov 15, 2019`, `15 November 2019`): the month by its name
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?P<month>(?:[Jj]an|[Ff]eb|[Mm]ar|[Aa]pr|[Mm]ay|[Jj]un|[Jj]ul|[Aa]ug|[Ss]ep|[Oo]ct|[Nn]ov|[Dd]ec)[a-z]{0,6}\.?|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)"
_EN_DATE = re.compile(r"(?<![A-Za-z])" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})(?!\d)"
                      r"|(?<!\d)(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH.replace("month", "month2")
                      + r",?\s+(?P<year2>(?:19|20)\d{2})(?!\d)")


_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# a date in Chinese numerals: the year digit by digit (二〇二三) or as a number (ROC 九十四, 一百一十二)
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九十百]{1,5})(\s*年\s*)([一二三四五六七八九十]{1,3})(\s*月\s*)"
                      r"([一二三四五六七八九十]{1,3})(?=\s*[日号號])")


def _cn_number(text: str) -> int:
    """二〇二三 → 2023 (a digit a character), 九十四 → 94, 一百一十二 → 112, 三十一 → 31."""
    if all(c in _CN_DIGIT for c in text):
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    total = current = 0
    for c in text:
        if c == "十" or c == "百":
            total += (current or 1) * (10 if c == "十" else 100)
            current = 0
        else:
            current = _CN_DIGIT[c]
    return total + current


def _arabic_dates(text: str) -> str:
    """`text` with its dates in Chinese numerals written in digits (`二〇二三年五月十日` → `2023年5月10日`)."""
    return _CN_DATE.sub(lambda m: f"{_cn_number(m[1])}{m[2]}{_cn_number(m[3])}{m[4]}{_cn_number(m[5])}", text)


_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九十百]{1,5}(?=\s*年)")
_CN_MONTH_DAY = re.compile(r"(?<=[年月])(\s*)([一二三四五六七八九十]{1,3})(?=\s*[月日号號])")


def period_in_digits(text: str) -> str:
    """A date or a period written in Chinese numerals, in digits: a year, a year and a month,
    or a day (`二〇二四年三月` → `2024年3月`, `民國一百一十三年` → `民國113年`), for a date filter."""
    text = _CN_YEAR.sub(lambda m: str(_cn_number(m[0])), text)
    return _CN_MONTH_DAY.sub(lambda m: f"{m[1]}{_cn_number(m[2])}", text)


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        value = _dt.date(year, month, day)
    except ValueError:
        return None
    if not 1900 <= year <= 2100:
        return None
    return value.isoformat()


def normalise_digits(text: str) -> str:
    """Fold full-width digits and punctuation (２０２４／２／５) to ASCII."""
    return unicodedata.normalize("NFKC", text)


def find_date(text: str) -> str | None:
    """The first date written in `text`, as YYYY-MM-DD, or None. Years alone never count."""
    if not text:
        return None
    text = normalise_digits(text)
    if "年" in text:
        text = _arabic_dates(text)
    found: list[tuple[int, str]] = []
    for match in _ROC.finditer(text):
        value = _valid(int(match.group(1)) + 1911, int(match.group(2)), int(match.group(3)))
        if value:
            found.append((match.start(), value))
            break
    for match in _YMD.finditer(text):
        value = _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if value:
            found.append((match.start(), value))
            break
    if not found:
        for match in _MDY.finditer(text):
            value = _valid(int(match.group(3)), int(match.group(1)), int(match.group(2)))
            if value:
                found.append((match.start(), value))
                break
    return min(found)[1] if found else None


# A day with a two-digit year, year first as Chinese pages write it, where its time or a date's
# label tells it is one (`09-11-21 13:34`, `日期：09-11-21`): a year of this century up to this one
# (no ROC year that short is a web page's: `99-11-21` stays unread, as 1999 or ROC 99 may be meant).
_SHORT_YEAR = re.compile(r"(?:(?P<label>(?:日期|[时時][间間])\s*[:：]\s*)|(?<![\d/.:-]))(\d{2})-(\d{1,2})-(\d{1,2})(?![\d:/.-])"
                         r"(?P<time>\s+\d{1,2}:\d{2}(?![\d-]))?")


def short_year_date(text: str) -> str | None:
    """The first day written with a two-digit year in `text` (`_SHORT_YEAR`), as YYYY-MM-DD, or None."""
    for match in _SHORT_YEAR.finditer(normalise_digits(text)):
        year = int(match.group(2))
        if (match.group("label") or match.group("time")) and year <= _dt.date.today().year % 100:
            value = _valid(2000 + year, int(match.group(3)), int(match.group(4)))
            if value:
                return value
    return None


def english_date(text: str) -> str | None:
    """The first English date in `text` with its month by name (`06:00 Nov 15, 2019`,
    `15 November 2019`), as YYYY-MM-DD, or None. Not one of `find_date`'s forms: a page's
    English date is its date only where it prints no other (a blog's software prints
    `Saturday, September 10th, 2005` over the post's own `发表于 9/7/2005`)."""
    for match in _EN_DATE.finditer(text):
        name = (match["month"] or match["month2"]).lower()
        if name.rstrip(".") not in _MONTH_NAMES:
            continue  # (`Mayor 15 2019`: no month)
        value = _valid(int(match["year"] or match["year2"]), _MONTHS.index(name[:3]) + 1, int(match["day"] or match["day2"]))
        if value:
            return value
    return None


_MONTH_NAMES = frozenset(_MONTHS) | {"january", "february", "march", "april", "june", "july", "august", "sept",
                                     "september", "october", "november", "december"}


# a time of day after a date (`2024/2/5 09:30`, `2024-02-05T00:00:00+08:00`), and the 日 / 号 after its day
_TIME_OF_DAY = re.compile(r"(?:[T\s]*(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)?$")
_DAY_MARK = re.compile(r"(?<=\d)[日号號]$")


def day_alone(text: str) -> str | None:
    """The day `text` names when it is one date, year first, and nothing more but a time of day
    (`2024/2/5 09:30`, `二〇二四年二月五日`, `2024年2月5号`, `民國113年2月5日`); an instant with its
    zone is dated as `parse_date` dates it (its day in China's time). None otherwise
    (`2005年6月1日以后`: more than a date)."""
    text = normalise_digits(text).strip()
    zoned = _ZONED.fullmatch(text)
    if zoned:
        return _zoned_day(zoned)
    if "年" in text:
        text = _arabic_dates(text)
    text = _DAY_MARK.sub("", _TIME_OF_DAY.sub("", text, count=1))
    for pattern, offset in ((_YMD, 0), (_ROC, 1911)):
        match = pattern.fullmatch(text)
        if match:
            return _valid(int(match.group(1)) + offset, int(match.group(2)), int(match.group(3)))
    return None


def parse_date(value: object) -> str | None:
    """A date from a metadata value of any type (string, epoch seconds, None), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if not -1e15 < value < 1e15:  # (a number of 400 digits is no time: dividing it would overflow)
            return None
        if value > 1e11:  # milliseconds
            value = value / 1000
        if 3e8 < value < 4.2e9:
            return _dt.datetime.fromtimestamp(value, _CHINA).date().isoformat()
        return None
    if isinstance(value, str):
        # an instant (its time has a colon: the one NFKC pass of most values stays find_date's)
        zoned = _ZONED.fullmatch(normalise_digits(value).strip()) if ":" in value or "：" in value else None
        return _zoned_day(zoned) if zoned else find_date(value)
    return None


# the forms a record's date field comes in that a page's line is never read in: epoch seconds or
# milliseconds written as text, a compact day (with its time), a ROC day with slashes (Taiwan's
# open data: `108/10/16`), an RSS/e-mail date (`Wed, 16 Oct 2019 08:30:00 GMT`)
_EPOCH_TEXT = re.compile(r"\d{10}(?:\d{3})?(?:\.\d+)?")
_COMPACT_DAY = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})(?:\s*\d{2}(?:\d{2}(?:\d{2})?)?)?")
# Java's Date.toString (`Wed Oct 16 20:30:00 CST 2019`); CST in a Chinese feed is China's time
_JAVA_DATE = re.compile(r"[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+\d{1,2}:\d{2}(?::\d{2})?\s+[A-Z]{2,4}(?:[+-]\d{2}:?\d{2})?\s+(\d{4})")
_ROC_SLASHES = re.compile(r"(\d{2,3})[/.-](\d{1,2})[/.-](\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_MAIL_DATE = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[A-Z]{1,4}|[+-]\d{4})")


def record_date(value: object) -> str | None:
    """A record's date field, which is a date and nothing else: what `parse_date` reads, and also
    the forms of exports and feeds above (whole values only), or an English date by name
    (`Oct 16, 2019`)."""
    found = parse_date(value)
    if isinstance(value, int) and not isinstance(value, bool) and 19000101 <= value <= 21001231:
        value = str(value)  # a compact day written as a number (`"date": 20191016`), no epoch time
    if found or not isinstance(value, str):
        return found
    text = normalise_digits(value).strip()
    compact = _COMPACT_DAY.fullmatch(text)
    day = _valid(int(compact[1]), int(compact[2]), int(compact[3])) if compact else None
    if day:  # (`2019101608`, a day and its hour, before the ten digits of an epoch time)
        return day
    if _EPOCH_TEXT.fullmatch(text):
        return parse_date(float(text))
    java = _JAVA_DATE.fullmatch(text)
    if java and java[1].lower() in _MONTHS:
        return _valid(int(java[3]), _MONTHS.index(java[1].lower()) + 1, int(java[2]))
    roc = _ROC_SLASHES.fullmatch(text)
    if roc and 50 <= int(roc[1]) <= 150:
        return _valid(int(roc[1]) + 1911, int(roc[2]), int(roc[3]))
    if _MAIL_DATE.fullmatch(text):
        try:  # (CST, which email reads as US Central time, is China Standard Time in a Chinese feed)
            moment = email.utils.parsedate_to_datetime(re.sub(r"\bCST$", "+0800", text))
        except (TypeError, ValueError, IndexError, OverflowError):
            moment = None
        if moment is not None:
            day = _day_of(moment)
            return day.isoformat() if 1900 <= day.year <= 2100 else None
    return english_date(text) if len(text) <= 60 else None


def _zoned_day(zoned: re.Match) -> str | None:
    """The day of an ISO instant with its zone (a match of `_ZONED`), as `_day_of` reads it; None
    for one that is no instant (25:00, February 30th) or out of range."""
    zone = "+00:00" if zoned[4] in "Zz" else zoned[4]
    try:  # (fromisoformat takes at most 6 decimals: Go writes 9)
        moment = _dt.datetime.fromisoformat(f"{zoned[1]}T{zoned[2]}{(zoned[3] or '')[:7]}{zone}")
        day = _day_of(moment)
    except (ValueError, OverflowError):
        return None
    return day.isoformat() if 1900 <= day.year <= 2100 else None


def _day_of(moment: _dt.datetime) -> _dt.date:
    """A time's day: in China's time (as epoch seconds are read) when it is given in UTC (`Z`,
    `+00:00`, `GMT`: a server's clock, whoever published), else in the zone it is written in
    (`2021-04-29T14:14:00-04:00` is the 29th, the day a New York paper prints over the story)."""
    offset = moment.utcoffset()
    if offset is None:
        return moment.date()
    return (moment.astimezone(_CHINA) if not offset else moment).date()


_CHINA = _dt.timezone(_dt.timedelta(hours=8))
# an ISO 8601 instant with its zone (`2024-02-04T20:00:00Z`, `…+00:00`), as crawlers export times
_ZONED = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?\s*(Z|z|[+-]\d{2}:?\d{2})")


def date_from_path(relpath: str) -> str | None:
    """A date written in a file name or URL path (`20190201-01-01.txt`, `/2019-11-25/`, `/2016/11/22/`)."""
    text = normalise_digits(relpath)
    for match in _COMPACT.finditer(text):
        value = _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if value:
            return value
    match = re.search(r"(?<!\d)((?:19|20)\d{2})[-/_](\d{1,2})[-/_](\d{1,2})(?!\d)", text)
    if match:
        return _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    # `/article/11-22-2014/19750`: the year last, month and day in whichever order only one fits
    match = re.search(r"/(\d{1,2})-(\d{1,2})-((?:19|20)\d{2})/", text)
    if match:
        a, b, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if (a > 12) != (b > 12):
            return _valid(year, min(a, b), max(a, b))
    return None


def day_number(date: str | None) -> int:
    """A `YYYY-MM-DD` date as a number of days (its ordinal), 0 when there is no valid date:
    what per-article arrays and signature rows hold."""
    try:
        return _dt.date.fromisoformat(date[:10]).toordinal() if date else 0
    except ValueError:
        return 0
