"""Line rules shared by the HTML and text paths: what is page furniture, what is a metadata line.

Page furniture is navigation, breadcrumbs, share/print/font widgets, copyright, ICP and 公网安备
footers and mobile/desktop switches. Metadata lines are the visible `来源：`, `作者：`, `发布时间：`
lines. Both scripts (Simplified and Traditional) are written into every pattern.
"""
from __future__ import annotations

import re
import unicodedata

from .dates import find_date

_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff]+")

# A line that is furniture as a whole (short lines only: an article sentence may mention 分享).
_FURNITURE = re.compile(
    r"^(?:手[机機]版|[电電][脑腦]版|移[动動]版|[触觸]屏版|返回[顶頂]部|[关關]閉?[闭閉]?窗口|打印本?[页頁]?|列印|"
    r"[首主][页頁]|[上下]一[篇页頁条條].*|[扫掃]一[扫掃].*|[点點][击擊][查看进進入].*|更多.{0,6}|"
    r"[相热熱][关關門门]?(?:[阅閱][读讀]|新[闻聞]|文章|推荐|推薦|[报報][导導]|[链鏈]接).{0,4}|"
    r"[(（\[【]?(?:[责責][编編]|(?:[责責]任)?[编編][辑輯])\s*[:：].*|本文来源[:：].*|原[标標]题[:：].*|[纠糾][错錯].*|[举舉][报報].*|"
    r"[评評][论論]\s*\d*|收藏|[点點]?[赞讚]|[分转轉]享.{0,3}|微信|微博|QQ空[间間]|[登注]?[录錄冊册].{0,3}|"
    r"[网網]站地[图圖]|[联聯][系繫]我[们們]|[关關]于我[们們]|[网網]站声明|免[责責]声明.*|[隐隱]私.{0,4}|"
    r"[字]?[号號][:：]?\s*\[?[大中小]\]?.*|【?[大中小]】?(?:\s*【?[大中小]】?)+|[\[【]?[打列]印[\]】]?.*|"
    r"[\[【]?[关關][闭閉][\]】]?|&&|[|｜/>\-·•]+)$"
)
# Furniture wherever it appears in a short line.
_FURNITURE_ANYWHERE = re.compile(
    r"[当當]前位置|您的位置|所在位置|[分]享到|[版權权]+所有|Copyright|©|ICP|[公網网]+安[备備]|"
    r"[网網]站[标標][识識]|[主承][办辦]单?位?[:：]|技[术術]支持[:：]|[访訪][问問][量数數]|[浏瀏][览覽][次量][数數]?|"
    r"字[号號][:：]|[扫掃][码碼]|下[载載]客[户戶][端]|[举舉][报報][电電][话話]|[违違]法和不良信息|"
    r"[建推][议荐薦][使用]?[浏瀏][览覽]器|分辨率",
    re.IGNORECASE,
)
_META_LABELS = {
    "source": r"(?:[来來]源[于於]?|[稿出][处處]|[发發]布[机機][构構]|[发發]文[机機][关關]|信息[来來]源|文章[来來]源|[来來]自)",
    "author": r"(?:作者|撰文|[记記]者|撰稿|署名)",
    "date": r"(?:[发發]布(?:[时時][间間]|日期)|[发發][表]?[时時][间間]|[时時][间間]|日期|[发發]文日期|[成]文日期|更新[时時][间間]|[发發]稿[时時][间間])",
}
_LABEL_RE = re.compile(
    "(" + "|".join(f"(?P<{k}>{v})" for k, v in _META_LABELS.items()) + r")\s*[:：]\s*"
)
# What ends a value on a metadata line: the next label, a separator, or a widget word.
_VALUE_END = re.compile(
    r"\s{2,}|\s*[|｜]\s*|\s+(?=\d{4}[-/.年])|(?=(?:[来來]源|作者|[记記]者|[编編][辑輯]|[责責]任[编編][辑輯]|[发發]布[时時][间間]|[时時][间間]|日期|[浏瀏][览覽]|[阅閱][读讀]|[点點][击擊]|字[号號]|分享|[打列]印|\d+人[参參]与|[评評][论論])\s*[:：\d])"
)


def normalise_line(line: str) -> str:
    """One line with spaces folded, zero-width characters and stray `&&` removed."""
    line = line.replace("&&", "").replace("\u200b", "")
    return _SPACES.sub(" ", line).strip()


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture, not article text."""
    line = line.strip()
    if not line:
        return True
    if _FURNITURE.match(line):
        return True
    return len(line) <= 60 and bool(_FURNITURE_ANYWHERE.search(line))


def parse_meta_line(line: str) -> dict[str, str]:
    """The labelled metadata on a visible line: {'source': …, 'author': …, 'date': YYYY-MM-DD}.

    Accepts lines such as `2024-02-05 來源:生態環境部`, `来源：新华网 作者：张三 时间：2019-09-23`.
    A line counts only when it is short, so that article sentences mentioning 来源 are ignored.
    """
    found: dict[str, str] = {}
    if len(line) > 120:
        return found
    for match in _LABEL_RE.finditer(line):
        kind = next(k for k in _META_LABELS if match.group(k))
        rest = line[match.end():]
        end = _VALUE_END.search(rest)
        value = (rest[: end.start()] if end else rest).strip(" ,，;；　")
        if kind == "date":
            date = find_date(rest[:40])
            if date:
                found.setdefault("date", date)
        elif value and kind not in found:
            found[kind] = value
    if "date" not in found and found and len(line) <= 80:
        date = find_date(line)
        if date:
            found["date"] = date
    return found


def is_date_line(line: str) -> bool:
    """A short line that holds only a date/time (with maybe a label), such as `2024-02-05 09:30`."""
    if len(line) > 40 or not find_date(line):
        return False
    rest = re.sub(r"[\d\s:：\-/.年月日时時分秒T+]|星期.|周.|[上下]午|[发發]布|[时時][间間]|日期", "", unicodedata.normalize("NFKC", line))
    return len(rest) <= 2


_SUFFIX_SPLIT = re.compile(r"\s*(?:_+|\||｜|--+|——|\s-\s|\s—\s)\s*")


def strip_site_suffix(title: str) -> str:
    """A `<title>` without the site name and channel parts (`_网易财经`, `-新华网`, `|…`).

    The longest part is taken as the headline; a bare `-` splits only when what follows is short.
    """
    title = normalise_line(title)
    parts = [p for p in _SUFFIX_SPLIT.split(title) if p.strip()]
    if not parts:
        return title
    best = max(parts, key=len)
    if "-" in best:
        head, _, tail = best.rpartition("-")
        if head and 0 < len(tail) <= 16 and len(head) > len(tail):
            best = head
    return best.strip()
