"""Read publication dates in the forms Chinese pages and readers write them and return `YYYY-MM-DD`.

Used by extraction (dates printed on pages, in file names and URLs) and by the search request
(`date_from`/`date_to` take every form ingest reads).

Handles ISO and slashed/dotted dates, `2024年2月5日`, ROC years (`中華民國94年1月3日`, `民國94年`),
full-width digits, and dates embedded in file names or URLs (`20200519-07-01.txt`, `/2019-11-25/`).
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata

_ROC = re.compile(r"(?:中[華华]民[國国]|民[國国])\s*(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_MDY = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])")  # 7/5/2005 9:23:57 PM (US order)
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")


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


def parse_date(value: object) -> str | None:
    """A date from a metadata value of any type (string, epoch seconds, None), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if value > 1e11:  # milliseconds
            value = value / 1000
        if 3e8 < value < 4.2e9:
            return _dt.datetime.fromtimestamp(value, _dt.timezone(_dt.timedelta(hours=8))).date().isoformat()
        return None
    if isinstance(value, str):
        return find_date(value)
    return None


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
