"""Person names from author fields and bylines, with job titles and roles removed.

`生態環境部黨組書記 孫金龍` → `孫金龍`; `记者 张三 李四` and `张三、李四` → two names;
bylines such as `（记者杜一菲）`, `本报记者 邵玉姿` and `新华社北京9月30日电（记者朱基钗）`.
Editors and photographers are never authors: a page that names only them has no author.
"""
from __future__ import annotations

import re

from indexer.cjk import HAN, PRIVATE_USE

from .cleaning import normalise_line

_CJK = HAN + PRIVATE_USE  # names: Chinese characters, and legacy encodings' glyphs
# Words that name a role or a job, never a person (both scripts).
_ROLE = re.compile(
    r"^(?:本[报報]|特[约約]|[实實]習生|[实实]习生|通[讯訊]员|通[讯訊][員员]|[记記]者|特派[记記]者|首席[记記]者|"
    r"作者|撰文|文|[图圖]文?|[编編][辑輯]|[责責]任[编編][辑輯]|[执執]行|[综綜]合|[报報][道导導]|[编編]?[译譯]|"
    r"[见見]?[习習]生|[来來]源|[评評][论論]员|[专專][栏欄]作家|[网網]友|[摄攝]影?|[本报]+[讯訊]|[综綜]合[报報][导導]|整合|整理|"
    r"(?:参与|參與)?(?:[采採][写寫]|[报報][道导導])|)$"
)
# Endings of job titles: a token ending in one of these is a title, not a name.
_TITLE_END = re.compile(
    r"(?:[书書][记記]|主任委[员員]|委[员員]|主任|[长長]|部[长長]|局[长長]|院[长長]|[处處][长長]|主席|[总總][理裁监監]|"
    r"[经經]理|[董][事]|[秘][书書]|[组組][长長]|[厅廳][长長]|署[长長]|市[长長]|[县縣][长長]|[镇鎮][长長]|[省][长長]|"
    r"[教][授]|[研][究][员員]|[博][士]|[专專]家|[记記]者|[编編][辑輯]|[评評][论論][员員]|[发發]言人|[代][表]|[成][员員]|"
    r"[大][使]|[领領][事]|[参參][赞贊]|司令[员員]?|政委|[军軍][长長]|[校][长長]|[会會][长長]|[社][长長]|[台][长長]|"
    r"[负負][责責]人|[顾顧][问問]|[律][师師]|[医醫][师師]|[工][程][师師]|[老][师師]|[分][析][师師]|[学學][者]|"
    r"通[讯訊][员員]|[实實][习習]生|主[编編]|[总總][编編])$"
)
# What a reporter does in a sentence or a caption (`回答记者提问。`, `记者获悉`, `记者了解到，…`):
# what follows 记者 there is no name.
_REPORTER_DOES = re.compile(r"(?:提[问問]|[采採][访訪]|[获獲]悉|了解|[发發][现現]|注意到|走[访訪]|[调調]查|[询詢][问問]|"
                            r"[现現]场|[连連][线線]|[近今昨前]日|日前)")  # (`记者现场报道`, `记者连线报道`: no names)
_NOT_NAMES = re.compile(
    r"^(?:" + _REPORTER_DOES.pattern + r".*|"
    r"未知|佚名|匿名|[网網][络絡]|[网網][络絡]整理|本站|本站原创|原创|[网網]易|新浪|腾讯|[凤鳳]凰[网網]|admin\w*|webmaster|"
    r".{0,4}管理[员員]|"  # a CMS account (`管理员`, `系统管理员`), not a person
    r"(?:[打列]印|[关關][闭閉])(?:本?[页頁]|本文|文章|窗口)|[点點](?:此|[击擊]).*|"  # a page's button (`【打印本页】 来源：…`,
    # `（点此奉献）`), not a person
    r"[编編][辑輯][部]|[综綜]合|[记記]者|[编編][辑輯]|[报報][道導]|[新][闻聞][中][心]|国际中心|.*[网網]$|.*[报報]$|"
    r".*[社台]$|.*中心$|.*快[讯訊]$|.*[报報][讯訊]$|社[论論]|短[评評]|[时時][评評]|.*[党黨]支部$|.{2,}[部局院处處署厅廳会會办辦委]$|[工学學协協]会|[总本]部|[党团]委|\d+|.*@.*|name|"
    r".*[报報][道導]$|.*[发發]自.*|查看.*|更多.*|[关關]注.*|[订訂][阅閱].*|[进進]入.*|[详詳]情.*|"
    r"(?:最新|更多|其他|其它|相[关關]|[热熱]门|[热熱]門|全部|推[荐薦]|[历歷]史|往期|精[选選]|.*的)(?:文章|作品)$|.*[专專][栏欄]$|"
    # (`作者最新文章`, `作者其他作品`: a sidebar's heading, no name; 王文章 is one)
    r".*[网網][络絡]$|.*科技$|.*公司$|.*集[团團]$|.*[营營班队隊团團版]$|[阅閱][读讀]|[评評][论論]|[浏瀏][览覽]|[点點][击擊]|[发發][表布]|分享|收藏|"
    r".*\.(?:com|cn|net|org|gov|edu|tw|hk)\b.*|www\..*|.*\b(?:publish\w*|press|news|team|inc|ltd|group|media|blog)\b.*|"
    r"(?:staff\s+)?(?:reporter|writer|correspondent|editor|author)s?|editorial|anonymous|unknown)$",  # a role, no name
    re.IGNORECASE,
)
_WEB_DESIGN = re.compile(r"\bdesign(?:er|ed)?\s+by\b", re.IGNORECASE)  # a meta author naming who built the site
_SPLIT = re.compile(r"[、，,;；/／|｜\s]+|和(?=[" + _CJK + r"]{2,3}$)")
_LIST_SPLIT = re.compile(r"[、，,;；/／|｜]+")
_BRACKETED = re.compile(r"[（(]\s*(?:[^（）()]*?[记記]者|[^（）()]*?通[讯訊][员員])\s*([^（）()]+?)\s*[）)]")
# The writer before `/文`, maybe with the name in Latin letters and a post after it:
# `亚当·史密斯（Adam Smith）/文 《经济学人》社区副编辑`, `张三/文`.
_NAME_SLASH_WEN = re.compile(r"^([" + _CJK + r"·]{2,12}(?:\s*[、，,]\s*[" + _CJK + r"·]{2,12}){0,3})"
                             r"(?:\s*[（(][A-Za-z .'\-]{2,40}[）)])?\s*[/／]\s*文(?:\s|$)")
# A dispatch naming its reporters in brackets without a role word: `中新网上海11月4日电 (陈静 奚晓蕾)`.
_DISPATCH_NAMES = re.compile(r"^[^\s（()]{1,16}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*[电電]\s*[（(]\s*([" + _CJK
                             + r"]{2,4}(?:[\s、，,]+[" + _CJK + r"]{2,4}){0,3})\s*[）)]")
_BYLINE = re.compile(  # (the lead-in as short as it can be: the first role word, `记者郭倩、实习记者陈涵旸`)
    r"^(?:[^\s（(]{0,8}?\s?[^\s（(]{0,12}?)(?:特派|特约|見習|见习|駐[^\s]{1,6})?(?:[记記]者|[实實][习習]生)\s*[:：︰】\]]?\s*"
    r"((?:[" + _CJK + r"·]{1,5}\s*[、，,]?\s*){1,4}?)(?:\s*(?:[摄攝]影?|[报報][道導]|[发發]自.*|[/／].*|[^" + _CJK + r"]*))?$"
)
# An editor credited after the reporters on a byline's line (`新京报 记者 张三 编辑 李四`): no author.
_EDITOR_AFTER = re.compile(r"\s+(?:(?:[责責]任)?[编編][辑輯]|[责責][编編]|校[对對])\s*[:：︰]?\s*[" + _CJK + r"·]{2,5}(?:\s.*)?$")
_NAME_SLASH_PAPER = re.compile(r"^([" + _CJK + r"]{2,4})\s*[/／]\s*[" + _CJK + r"]{2,12}(?:[报報]|[网網]|[社]|[台]|[刊]|[杂雜]志|日[报報])"
                               r"(?:\s+(?:19|20)\d{2}[-/.年].*)?$")
# `（记者 胡晓蓉）`, `（特约通讯员：林兴勇）` or, with no role word, `（张巨峰）` closing a paragraph.
# After a role word the names may be a list, each with its own role (`（记者郭倩、实习记者陈涵旸）`);
# without one only names apart by spaces (`（据央视、澎湃）` lists outlets, not people).
_SIGNED_AT_END = re.compile(r"[（(]\s*(?:(?P<role>[^（）()\s、，,]{0,8}\s?(?:[记記]者|通[讯訊][员員])\s*[:：]?\s*)"
                            r"(?P<names>[" + _CJK + r"]{2,4}(?:(?:\s+|\s*[、，,]\s*(?:[^（）()\s、，,]{0,4}"
                            r"(?:[记記]者|通[讯訊][员員])\s*)?)[" + _CJK + r"]{2,4}){0,3})"
                            r"|(?P<plain>[" + _CJK + r"]{2,4}(?:\s+[" + _CJK + r"]{2,4}){0,3}))\s*[）)]\s*$")
# What precedes a role-less bracketed signature: the end of a sentence (`……起到推动作用。（张巨峰）`);
# a bracket straight after words is a gloss (`反手长胶（特殊打法）`), not a name.
_SENTENCE_CLOSED = re.compile(r"[。！？!?…”」』]\s*$")
# A byline opening the first paragraph: `记者梁爽报道　6月10日，……`, `本报讯 记者 张三 李四 报道：……`.
# `记者梁爽报道　6月10日，…`, `金羊网讯 记者谢文鑫报道：…`, `东方网通讯员龙钢、记者朱贝尔1月11日报道：…`
_LEAD_ROLE = r"(?:特约|特約|特派|首席)?[记記]者|通[讯訊][员員]"
_LEAD_BYLINE = re.compile(r"^(?:[^\s，。,（(]{0,8}[讯訊]\s*|[^\s，。,（(]{1,8}[网網]\s*)?(?:本[报報])?"
                          r"((?:(?:" + _LEAD_ROLE + r")\s*(?![近今昨前明][日天期]|日前)(?:[" + _CJK + r"·]{2,5}[\s、]*){1,4}?){1,3})"
                          r"\s*(?:\d{1,2}月\d{1,2}日)?\s*[报報][道導]\s*[:：，,\s]")
_BRACKETED_NAME = re.compile(r"^[（(]\s*([" + _CJK + r"]{2,4}(?:\s+[" + _CJK + r"]{2,4}){0,3})\s*[）)]$")
_SIGNED = re.compile(r"^(?:《[^》]{1,12}》)?\s*(?:(?:作者|撰稿|撰文)\s*[:：/／|｜丨︱]?|文\s*[:：/／|｜丨︱]|文(?=\s))\s*"  # (文 with its mark: not `文明承诺`)
                     r"([" + _CJK + r"·]{2,5}(?:(?:\s*[、，,]\s*|\s+)[" + _CJK + r"·]{2,5}){0,3}"
                     r"|[A-Z][a-zA-Z.'\-]+(?:\s[A-Z][a-zA-Z.'\-]+){1,3})"  # (`撰文 Megan Molteni`, `作者 Nazlee Arbee`)
                     r"(?:\s*[（(][^（）()]{1,12}[）)])?$")  # `作者 谢永亮（学者）`: what the author is, after the name
# A credit line in brackets naming reporters of several roles: `【环球时报驻美国特约记者 温燕 青木
# 环球时报记者 郭媛丹】`; the names follow each role (`…记者`, `…通讯员`).
_CREDIT = re.compile(r"^[【\[〔]([^【】\[\]〔〕]{4,100})[】\]〕]$")
_CREDIT_ROLE = re.compile(r"\S*(?:[记記]者|通[讯訊][员員])(?:\s*[:：／/]\s*|\s+)")
# A photo credit inside such a line, after the names: `首圖／台灣伴侶權益推動聯盟提供`, `攝影：…`.
_PHOTO_CREDIT = re.compile(r"\s+(?:首?[图圖]片?|[摄攝]影)\s*[／/:：].*$")
# `赵六 发自 北京`, `张三、李四 发自华盛顿`: a correspondent's byline names the place it was sent from.
_SENT_FROM = re.compile(r"^((?:[" + _CJK + r"·]{2,5}(?:\s*[、，,]\s*|\s+)){0,3}[" + _CJK + r"·]{2,5})\s*[发發]自\s*[" + _CJK + r"]{2,10}$")
# A news agency's or paper's dateline around a report: `（中央社記者盧太城台東縣12日電）`, `（中央社台北13日電）`,
# `〔記者王憶紅／台北報導〕`, `【聯合晚報／記者楊正海／台北報導】`, `（民視新聞陳韻平、郭文海台北報導）`: who
# published it (`org`, a name ending as organisations do), who wrote it and where (`rest`).
_ORG = r"[" + _CJK + r"]{1,6}?(?:社|[报報]|[网網]|新[闻聞]|[电電][视視]台?|[电電]台)"
_DATELINE = (r"[（(〔【\[]\s*(?P<org>(?!本[报報])" + _ORG + r")?\s*[／/]?\s*(?:本[报報])?(?P<role>[记記]者\s*)?"
             r"(?P<rest>[^（）()〔〕【】\[\]]{2,40}?)\s*(?:(?P<dispatch>\d{1,2}日\s*[电電])|[报報][导導道])\s*[）)〕】\]]")
_LEAD_DATELINE = re.compile("^" + _DATELINE)
# What a publisher's name ends with, and a newsroom's (`乐居财经`, `界面新闻`, `虎嗅科技`, `腾讯汽车`).
_OUTLET_NAME = re.compile(_ORG + r"|[" + _CJK + r"]{1,6}?(?:[财財][经經]|[传傳]媒|科技|[频頻]道|[观觀]察|客[户戶]端|[汽][车車])")
_CLOSING_DATELINE = re.compile(_DATELINE + r"\s*$")
# `【財訊快報／陳孟朔】` opening the text: the paper and its reporter, no role word.
_PAPER_AND_NAME = re.compile(r"^[【〔\[]\s*(?P<org>(?!本[报報])" + _ORG + r")\s*[／/]\s*(?P<name>[" + _CJK + r"·]{2,4})\s*[】〕\]]")
# `聯合報 記者林宸誼／即時報導`, `聯合報／編譯茅毅、記者謝守真／綜合報導` in the byline above a portal's
# copy: the paper before the reporters (記者, or after a slash 編譯 for a story compiled from
# wires: `路透社編譯完成` is a sentence) published it.
_BYLINE_ROLE = r"(?:[记記]者|[編编][譯译])\s*"
_PAPER_BYLINE = re.compile(r"(?:^|[\s\d:：])(?P<org>(?!本[报報])" + _ORG + r")\s*(?:[／/]\s*" + _BYLINE_ROLE + r"|[记記]者\s*)"
                           r"[" + _CJK + r"·]{2,4}(?:\s*[、，,]\s*(?:" + _BYLINE_ROLE + r")?[" + _CJK + r"·]{2,4}){0,3}"
                           r"\s*(?:[／/]\s*[" + _CJK + r"]{0,6}[报報][导導道])?\s*$")
# `新頭殼newtalk2014.10.24 金名/高雄報導` over the text: the publisher, the day, the reporter and where.
_PUBLISHER_DAY_NAME = re.compile(r"^(?P<org>[^\s\d]{2,16}?)\s*(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}\s+"
                                 r"(?P<names>[" + _CJK + r"·]{2,4}(?:[、，,][" + _CJK + r"·]{2,4}){0,3})"
                                 r"\s*[／/]\s*[" + _CJK + r"]{2,6}[报報][导導道]$")
# `生活中心／賴俊佑報導` opening the text: a newsroom desk, a slash, the reporters and 報導.
_DESK_REPORTED = re.compile(r"^[" + _CJK + r"]{1,6}(?:中心|[组組]|部|室)\s*[／/]\s*((?:[" + _CJK + r"·]{2,5}[、，,\s]*){1,4}?)"
                            r"\s*[报報][导導道]$")
# `香港文匯報訊（記者 鄭治祖）`; `中评社台北8月19日电（记者 张颖齐）`, `中新网1月4日电`, `浙江在线杭州7月28日讯`:
# the agency, then where and when
_LEAD_AGENCY = re.compile(r"^(?P<org>(?!本[报報])(?:" + _ORG + r"[网網]?|[" + _CJK + r"]{1,6}?在[线線]))"
                          r"(?:[讯訊]\s*[（(]|[" + _CJK + r"]{0,6}?\d{1,2}月\d{1,2}日\s*[电電讯訊])")
# `【时代论坛讯】` opening the text: the outlet's own dispatch mark, its name before 讯 (专讯: its
# exclusive); not `【本报讯】`, nor a label (`【快讯】`, `【突发快讯】`, `【图讯】`).
_MARKED_AGENCY = re.compile(r"^【\s*(?P<org>(?!本[报報网網台刊站])[" + _CJK + r"]{2,8}?)[专專]?"
                            r"(?<![快简簡速短资資通喜电電视視图圖音])[讯訊]\s*】")
# Where a dateline says the report was written (a Taiwan or Hong Kong county or city, a province,
# a capital): what follows the names.
_DATELINE_PLACE = re.compile(
    r"(?:[台臺]北|新北|桃園|[台臺]中|[台臺]南|高雄|基隆|新竹|苗栗|彰化|南投|雲林|嘉義|屏東|宜蘭|花蓮|[台臺]東|澎湖|金門|"
    r"連江|馬祖|香港|澳門|北京|上海|天津|重慶|重庆|廣州|广州|深圳|南京|武漢|武汉|成都|杭州|東京|东京|首爾|首尔|紐約|纽约|"
    r"華盛頓|华盛顿|倫敦|伦敦|巴黎|新加坡|柏林|莫斯科)[縣县市]?$")


# Slashes drawn with other characters (`【聯合晚報╱記者楊正海╱即時報導】`): read as ／ in bylines.
_SLASH_LIKE = str.maketrans("╱∕⁄", "／／／")


# A writer's credit in brackets opening the first paragraph: `【文/观察者网 熊超然】“埃隆·马斯克…`.
_WRITER_CREDIT = re.compile(r"^【\s*(?:[图圖]?文|撰文|作者)\s*[／/:：]\s*(?:(?P<org>" + _ORG + r")\s+)?"
                            r"(?P<names>[" + _CJK + r"·]{2,5}(?:\s*[、，,\s]\s*[" + _CJK + r"·]{2,5}){0,3})\s*】\s*")


def writer_credit(line: str) -> int:
    """Where the text starts after a writer's credit in brackets opening `line` (0: none)."""
    match = _WRITER_CREDIT.match(line)
    return match.end() if match and match.end() < len(line) else 0


def dateline(line: str, *, closing: bool = False) -> tuple[str | None, list[str]]:
    """(publisher, authors) of a dateline opening the line (or, with `closing`, ending it);
    (None, []) when there is none."""
    line = normalise_line(line).translate(_SLASH_LIKE)
    match = (_CLOSING_DATELINE.search(line[-60:]) if closing else _LEAD_DATELINE.match(line[:60]))
    credit = None if closing or match else _WRITER_CREDIT.match(line[:60])
    if credit:
        return credit.group("org"), parse_authors(credit.group("names"))
    if not match:
        paper = None if closing else _PAPER_AND_NAME.match(line[:30])
        if paper and is_person_name(paper.group("name")):
            return paper.group("org"), [paper.group("name")]
        agency = None if closing else _LEAD_AGENCY.match(line[:30]) or _MARKED_AGENCY.match(line[:30])
        return (agency.group("org") if agency else None), []
    org, rest = match.group("org"), match.group("rest")
    if not org and not match.group("role"):
        return None, []
    if "／" in rest or "/" in rest:
        names_part = re.split(r"[／/]", rest)[-2]  # (a role word before the names: parse_authors drops it)
    else:
        place = _DATELINE_PLACE.search(rest)
        if place:
            names_part = rest[:place.start()]
        elif match.group("dispatch") and ("、" in rest or len(rest) > 5):
            names_part = rest[:-2]  # a dispatch names its place before the day: two characters, as most do
        else:
            names_part = rest
    return org, parse_authors(names_part)


# `文／CTWANT`, `圖文／鏡週刊` opening the text: the writer credited is an outlet, not a person (a
# portal carrying a partner's story): the outlet published it.
_OUTLET_CREDIT = re.compile(r"^[图圖]?文\s*[／/]\s*(?P<org>[A-Z][A-Z0-9]+|(?:[A-Za-z]{2,10})?(?:" + _ORG
                            + r"|[" + _CJK + r"]{0,6}(?:[周週]刊|[杂雜]志|[杂雜]誌)))$")


def credited_outlet(line: str) -> str | None:
    """The outlet a `文／…` credit opening the text names instead of a writer (`文／CTWANT`), or None."""
    line = normalise_line(line).translate(_SLASH_LIKE)
    match = _OUTLET_CREDIT.match(line) if len(line) <= 30 else None
    return match.group("org") if match else None


def _paper_byline(line: str) -> tuple[str, re.Match | None]:
    """(the line folded, slashes made ／; a paper's byline ending it, found in its last 50 characters)."""
    line = normalise_line(line).translate(_SLASH_LIKE)
    return line, (_PAPER_BYLINE.search(line[-50:]) if len(line) <= 80 else None)


# An editor credited after the reporter on a byline's line (`新京报 记者 吴采倩 编辑 左燕燕`).
_EDITOR_AFTER = re.compile(r"\s+(?:[责責]任)?[编編][辑輯]\s*[:：]?\s*[" + _CJK + r"·]{2,4}(?:[\s、，,]+[" + _CJK + r"·]{2,4})*\s*$")


def byline_paper(line: str) -> str | None:
    """The paper a byline line names before its reporter (`2020-10-04 15:05 聯合報 記者林宸誼／即時報導`:
    聯合報; `新京报 记者 吴采倩 编辑 左燕燕`: 新京报), or None."""
    line, match = _paper_byline(_EDITOR_AFTER.sub("", line))
    match = match or (_PUBLISHER_DAY_NAME.match(line) if len(line) <= 80 else None)
    return match.group("org") if match else None


def paper_byline_names(line: str) -> list[str]:
    """The reporters of a paper's byline ending the line: every name after the paper
    (`2023-08-28 01:05 聯合報／編譯茅毅、記者謝守真／綜合報導`: 茅毅 and 謝守真, not only the one after
    記者), or []."""
    line, match = _paper_byline(line)
    return parse_authors(line[-50:][match.end("org"):]) if match else []


_POSTED_BY = re.compile(r"^([\w" + HAN + r"][\w" + HAN + r".·_-]{1,19})\s+(?:[发發]表于|[發发]表於|posted)\b", re.IGNORECASE)
# a photo's credit: who took it (`谷一鸣摄`, `摄影`) or supplied or drew it (`供图`, `配图`, `制图`)
_PHOTO = re.compile(r"(?:[摄攝](?:影)?|供[图圖]|[配制製绘繪][图圖])\s*$|[摄攝]\s*[（(]")
# the photo's credit after the writer's (`记者马俊峰/文 受访者供图`, `本报记者 沈文敏文 影像中国供图`):
# the line is a byline still (`…/文`)
# (文 without its slash only after a three-character name standing alone: `王博文 摄` is 王博文's photo)
_PHOTO_AFTER_WRITER = re.compile(r"(?:[/／]文|(?<=\s[" + _CJK + r"]{3})文(?=\s))\s*[^\s/／]{0,12}[/／]?"
                                 r"(?:[摄攝](?:影)?|供[图圖]|[配制製绘繪][图圖])\s*$")
# Every byline pattern above needs one of these: 记者 / 通讯员 (_BRACKETED), 记者 / 实习生 (_BYLINE),
# a slash (_NAME_SLASH_PAPER), 作者 / 文 / 撰稿 (_SIGNED). Lines without any (most) are not tried.
_BYLINE_MARKS = re.compile("[记記讯訊习習/／作文撰]|[发發]自|日\\s*[电電]")


_SPACED_PAIR = re.compile(rf"(?<![{_CJK}])([{_CJK}])\s+([{_CJK}])(?![{_CJK}])")


def _join_spaced(text: str) -> str:
    """`贺  勇` (a two-character name padded to width) → `贺勇`."""
    return _SPACED_PAIR.sub(r"\1\2", text)


# The commonest surnames, both scripts: a name printed alone opening the text (a column's
# byline with no 作者) counts only with one of them (`前言`, `背景` are lines of text too).
_COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
    "孔向汤洪温康施牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
    "单季裴霍涂苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤穆卓古吉缪简车项连麦褚娄窦戚岑景"
    "宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝"
    "張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧蕭葉蘇呂盧鍾鐘譚陸賈韋鄒閻龍賀顧龔萬錢嚴湯齊喬龐顏莊聶魯歐關蘭紀畢單"
    "駱藍鮑華饒項竇費衛應閔鄔師欒榮叢鞏鄺蔣寧"
    "奚赖賴溫簡麥區区冼闗")
# Two-character surnames (`歐陽`, `張簡`, `范姜`): their names run to four characters.
_COMPOUND_SURNAMES = frozenset((
    "欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "张简", "張簡", "范姜", "东方", "東方", "慕容", "令狐",
    "皇甫", "公孙", "公孫", "端木", "尉迟", "尉遲", "夏侯", "长孙", "長孫", "司徒", "澹台", "澹臺", "申屠", "闻人", "聞人"))


def lone_name(line: str) -> list[str]:
    """The name of a line that is only a person's name with a common surname (`顧信之` printed
    above a column's text), else []."""
    line = line.strip()
    if 2 <= len(line) <= 3 and line[0] in _COMMON_SURNAMES and is_person_name(line):
        return [line]
    return []


def is_person_name(token: str) -> bool:
    """A plausible person name: 2–4 Chinese characters (more with ·), or a Latin name."""
    if not token or _NOT_NAMES.match(token) or _TITLE_END.search(token) or _ROLE.match(token):
        return False
    if re.fullmatch(rf"[{_CJK}]{{2,4}}", token):
        return True
    if re.fullmatch(rf"[{_CJK}]{{1,5}}(?:[·・•][{_CJK}]{{1,5}})+", token):  # 史蒂夫·乔布斯
        return True
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z.\-']*(?: [A-Za-z][A-Za-z.\-']*){0,3}", token))


def _strip_role_prefix(token: str) -> str:
    # (`文` and `图` alone only with a mark after them: `文若楠` is a name, 文 a surname; a desk or a
    # bureau before the reporter: `专题部记者易凡`, `驻旧金山记者薛明珠`)
    match = re.match(r"^(?:本[报報]|[" + _CJK + r"]{1,6}?(?=[记記]者))?(?:特约|特約|特派|首席|[实實][习習]|[见見][习習])?(?:(?:[记記]者|通[讯訊][员員]|作者|[实實][习習]生|撰文|[編编][譯译])\s*[:：]?"
                     r"|[文图圖]\s*[:：/／]|[文图圖]\s+)", token)
    return token[match.end():] if match and match.end() < len(token) else token


# Province-level places and large cities: where a story was written (`李立達／台北`), or where a
# portal's partner is (`新京报(北京)`).
PLACES = ("北京|上海|天津|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|"
           "四川|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|台湾|臺灣|石家庄|太原|沈阳|长春|"
           "哈尔滨|南京|杭州|合肥|福州|南昌|济南|郑州|武汉|长沙|广州|海口|成都|贵阳|昆明|西安|兰州|西宁|呼和浩特|"
           "南宁|拉萨|银川|乌鲁木齐|深圳|厦门|青岛|大连|宁波|苏州|无锡|台北|臺北|高雄|台中|臺中")
_NAME_THEN_PLACE = re.compile(r"^(?P<name>[" + _CJK + r"]{2,3})(?:" + PLACES + r")$")
# After a name: where it was written, or that wires were compiled (`陳端武／綜合外電`): not a name.
_INTERVIEWED = re.compile(r"(?<=[" + _CJK + r"]{2})[采採][访訪]$")  # `…、专题部记者易凡采访报导`
_COMPILED = re.compile(r"\s*(?:(?:[采採][访訪])?整理|[采採][写寫])\s*$")
_WRITTEN_WHERE = re.compile(r"[／/]\s*(?:" + PLACES + r"|[綜综]合外[電电]|[綜综]合[報报][導导]|外[電电]|[編编][譯译])(?=$|[\s、，,;；|｜])")


# How an agency's or an institution's name ends (an author tag naming a bureau, not a person).
_AGENCY = re.compile(r"(?:[局厅廳部委处處室所院站馆館]|中心|[办辦]公室|委[员員]会|委[員员]會|[协協][会會]|[学學][会會]|公司|集[团團])$")


def parse_authors(value: object) -> list[str]:
    """Person names from an author field of any shape (string, list, dict with `name`)."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@name") or ""
    if isinstance(value, (list, tuple)):
        names: list[str] = []
        for item in value:
            names.extend(n for n in parse_authors(item) if n not in names)
        return names
    if not isinstance(value, str):
        return []
    text = _PHOTO_AFTER_WRITER.sub("/文", normalise_line(value))
    if not text or _PHOTO.search(text) or (text.isascii() and _NOT_NAMES.match(text)) or _WEB_DESIGN.search(text):
        return []
    if len(text) >= 5 and _AGENCY.search(text) and not re.search(r"[\s、，,;；/／|]", text):
        return []  # `文化和旅游局`: an agency's name, not `文化` and `旅游局`
    text = re.sub(r"[（(【\[].*?[）)】\]]", " ", text)
    text = re.sub(r"[／/]\s*[" + _CJK + r"]{2,5}[报報][导導道]", " ", text)  # `吳垠慧／台北報導`: the place it was written in
    text = _WRITTEN_WHERE.sub(" ", text)  # `李立達／台北`, `陳端武／綜合外電`
    text = _COMPILED.sub("", text)  # `付 文采访整理`: what the reporter did, after the name
    text = re.sub(r"[:：︰]", " ", text)
    text = _join_spaced(text)
    names = []
    for part in _LIST_SPLIT.split(text):
        part = part.strip(" .。")
        # A Latin part is one name (`Joel Spolsky`) or one organisation (`Hans Publishers`), never split.
        tokens = [part] if part.isascii() and " " in part else _SPLIT.split(part)
        for token in tokens:
            token = _strip_role_prefix(token.strip(" .。"))
            if len(tokens) == 1 and len(token) >= 4 and token.endswith(("报道", "報導", "報道", "报导")):
                # `…、付文报道`: the list's last name with the byline's 报道 (a place has a space: `姚峰 上海报道`)
                token = _INTERVIEWED.sub("", token[:-2])
            if is_person_name(token) and token not in names:
                names.append(token)
    return names


_NAME_THEN_ROLE = re.compile(r"^([" + _CJK + r"]{2,4}(?:(?:\s*[、，,]\s*|\s+)[" + _CJK + r"]{2,4}){0,2})\s*(?:[记記]者|特派[员員])$")


def byline_authors(line: str) -> list[str]:
    """Names from a byline inside article text, or [] when the line is not a byline.

    Recognises `（记者杜一菲）`, `新华社北京9月30日电（记者朱基钗、王琦）`, `本报记者 邵玉姿`,
    `记者 张三 李四`, and `记者梁爽报道　6月10日，……` opening a paragraph. A photo credit (`谷一鸣摄`) is not a byline.
    """
    line = _EDITOR_CREDIT.sub("", _PHOTO_AFTER_WRITER.sub("/文", normalise_line(line)))  # editors are no authors
    if not line or len(line) > 400 or not _BYLINE_MARKS.search(line):
        return []
    names = dateline(line)[1]
    if names:
        return names
    match = _CREDIT.match(line)
    if match and _CREDIT_ROLE.search(match.group(1)):
        return [name for part in _CREDIT_ROLE.split(match.group(1))[1:] for name in parse_authors(_PHOTO_CREDIT.sub("", part))]
    match = _BRACKETED.search(line[:80])
    if match:
        return parse_authors(match.group(1))
    match = _DISPATCH_NAMES.match(line[:80])
    if match:  # every part a person's name: not `（国际观察）`, `（组图）`, `（甘肃）`
        names = _all_people(match.group(1))
        if names:
            return names
    match = _LEAD_BYLINE.match(_join_spaced(line[:60]))
    if match:
        return parse_authors(match.group(1))
    if len(line) <= 40 and not _PHOTO.search(line):
        short = _join_spaced(line)
        names = paper_byline_names(short)  # `聯合報／編譯茅毅、記者謝守真／綜合報導`
        if names:
            return names
        match = _NAME_THEN_ROLE.match(short)
        if match:  # `崔敏英 记者`: a Korean paper's byline, the name before the role
            names = re.split(r"\s*[、，,]\s*|\s+", match.group(1))
            if all(_has_common_surname(name) for name in names):
                return names
        match = _DESK_REPORTED.match(short)  # `生活中心／賴俊佑報導` (`娛樂中心／台北報導` names a place)
        if match:
            return [n for n in parse_authors(match.group(1)) if not _DATELINE_PLACE.fullmatch(n)]
        match = _BYLINE.match(_EDITOR_AFTER.sub("", short))
        if match:
            if _REPORTER_DOES.match(match.group(1)):
                return []
            names = parse_authors(match.group(1))
            if names and short.endswith(("报道", "報導", "報道")):  # `本报记者覃剑长沙报道`: where, run into the name
                names[-1] = _NAME_THEN_PLACE.sub(r"\g<name>", names[-1])
            return names
        match = _SENT_FROM.match(short)
        if match:  # `乐居财经 李奕和 发自广州`: the outlet before its correspondent is no person
            names = parse_authors(match.group(1))
            return names[1:] if len(names) > 1 and _OUTLET_NAME.fullmatch(names[0]) else names
        match = _NAME_SLASH_PAPER.match(short) or _SIGNED.match(short) or _NAME_SLASH_WEN.match(short)
        if match:
            return parse_authors(match.group(1))
        match = _PUBLISHER_DAY_NAME.match(short)
        if match:
            return parse_authors(match.group("names"))
    return []


def closing_authors(line: str) -> list[str]:
    """Names from a signature at the end of an article: a byline, `（特约通讯员：林兴勇）`, `（袁源）` or `记者 刘涛`.

    A bracketed name without a role word counts only alone on its line or after a sentence's end.
    """
    line = _EDITOR_CREDIT.sub("", normalise_line(line))  # `（记者 冯珂 编辑 高若婷）`: the editor is no author
    if _END_MARK.match(line.strip("（）() ")):  # `（未完待续）` is no name
        return []
    names = dateline(line, closing=True)[1]
    if names:
        return names
    bio = _AUTHOR_BIO.match(line)
    if bio and is_person_name(bio.group(1)):
        return [bio.group(1)]
    tail = line[-40:]
    match = _SIGNED_AT_END.search(tail)
    if match and (match.group("role") or not line[:len(line) - len(tail) + match.start()].strip()
                  or _SENTENCE_CLOSED.search(line[:len(line) - len(tail) + match.start()])):
        return parse_authors(match.group("names") or match.group("plain"))
    listed = _LISTED_AT_END.search(tail)
    if listed and _SENTENCE_CLOSED.search(line[:len(line) - len(tail) + listed.start()]):
        names = re.split(r"\s*[、，,]\s*", listed.group(1))
        if all(_has_common_surname(name) for name in names):
            return names
    credit = _CREDIT_AFTER_SENTENCE.search(tail) if len(line) > 40 else None
    if credit and not credit.group().lstrip().startswith(("（", "(")):
        return byline_authors(credit.group().strip())  # `…辨认。 华商报记者 杨德合`
    if len(line) > 40:
        return []
    match = _BRACKETED_NAME.match(line)
    if match:
        return parse_authors(match.group(1))
    return compiled_by(line) or byline_authors(line)




# Reporters listed in brackets after the last sentence, no role word (`…他(马程)！”（刘昕、巩一璇、刘晋川）`):
# names only when each has a common surname (`（北京、上海、广州）` lists places).
_LISTED_AT_END = re.compile(r"[（(]\s*([" + _CJK + r"]{2,4}(?:\s*[、，,]\s*[" + _CJK + r"]{2,4}){1,3})\s*[）)]\s*$")


def _has_common_surname(name: str) -> bool:
    return name[:1] in _COMMON_SURNAMES or name[:2] in _COMPOUND_SURNAMES and len(name) >= 3


# A reporter's credit closing the last paragraph after its last sentence: in brackets
# (`（记者 张三）`, `（袁源）`, `（刘昕、巩一璇、刘晋川）`) or as a paper's byline (`华商报记者 杨德合`).
_CREDIT_AFTER_SENTENCE = re.compile(r"(?<=[。！？!?…”」』])\s*(?:[（(][^（）()]{2,40}[）)]|[^\s，。,（(]{0,10}(?:[记記]者|通[讯訊][员員])"
                                    r"\s*[" + _CJK + r"·]{2,4}(?:[、，,\s]+[" + _CJK + r"·]{2,4}){0,3})\s*$")
_WIRE_END = re.compile(r"\s*(?:[（(]\s*完\s*[）)]|[■□◆◇])\s*$")  # `(完)`, or a magazine's `■` closing the text


def text_before_signature(line: str) -> str:
    """The last line of a text without what closes it after its last sentence: the wire's `（完）`
    and a reporter's credit that names them (`closing_authors`)."""
    for _ in range(2):  # (either order: `…。（完）（记者 张三）`, `…。（记者 张三）（完）`)
        line = _WIRE_END.sub("", line)
        credit = _CREDIT_AFTER_SENTENCE.search(line)
        if credit and credit.start() > 0 and closing_authors(line):
            line = line[:credit.start()].rstrip()
    return line


_END_MARK = re.compile(r"^(?:本文完|全文完|本期完|全文[结結]束|[续續]完|未完(?:待[续續])?|待[续續]|完[结結]?)$")


def compiled_by(line: str) -> list[str]:
    """The people a closing credit names as having compiled the story (`（米妮 / 綜合報導）`);
    [] for a desk or a wire there (`（本報訊／綜合報導）`, `（路透／綜合外電）`)."""
    match = _BRACKETED_REPORTED.match(normalise_line(line))
    return _all_people(match.group(1)) if match else []


def _all_people(text: str) -> list[str]:
    """The names of `text` (names apart by spaces or 、) when each reads as a person's — two or
    three characters (four after a two-character surname: `歐陽娜娜`), or a foreign name with its
    `·` — and one at least has a common surname; else [] (a column's label `国际观察`, `体育`, a
    place `甘肃`, a wire `路透`, a desk `本報訊`)."""
    tokens = [t for t in re.split(r"[\s、，,]+", text) if t]
    if not tokens or any(_NOT_PEOPLE.search(t) for t in tokens):
        return []
    names = parse_authors(text)
    if len(names) != len(tokens):
        return []
    foreign = [("·" in n or "・" in n) for n in names]
    compound = [3 <= len(n) <= 4 and n[:2] in _COMPOUND_SURNAMES for n in names]
    if not all(f or c or 2 <= len(n) <= 3 for n, f, c in zip(names, foreign, compound)):
        return []
    # one name among them at least with a common surname (`原韬雄、张晨`: 原 is a rarer one)
    common = any(f or c or n[0] in _COMMON_SURNAMES for n, f, c in zip(names, foreign, compound))
    return names if common else []


# What no person's name is: a place or a country, a wire agency, a desk, or a column's word at
# its end (观察, 综述, 特写, 专访, 时评, 视点, 速递, 调查, 专题, 现场, 独家).
_NOT_PEOPLE = re.compile(r"^(?:" + PLACES + r"|蒙古[国國]|[美英法德韩韓泰俄日][国國])$"
                         r"|^(?:路透|美[联聯]|法新|共同|[韩韓][联聯]|新[华華]|中央|中新|彭博|塔斯)"
                         r"|[讯訊社报報闻聞网網台]$|[图圖]|[视視][频頻]|[评評述写寫访訪察点點递遞查论論题題场場家读讀注融济濟]$")


# A closing credit naming who compiled the story: `（米妮 / 綜合報導）`, `（王大明／台北報導）`, `（李四/编译）`.
_BRACKETED_REPORTED = re.compile(r"^[（(]\s*([" + _CJK + r"]{2,4}(?:\s*[、，,]\s*[" + _CJK + r"]{2,4}){0,3})\s*[／/]\s*"
                                 r"(?:(?:" + PLACES + r")?[報报][導导道]|[綜综]合[報报][導导道]|[綜综]合外[電电]|外[電电]|[編编][譯译])\s*[）)]$")


# A contributor's note closing a column: `●作者李武忠，新北市，經濟系教授。本文為網友投稿…`.
_AUTHOR_BIO = re.compile(r"^[●■◆★※•]?\s*作者\s*[:：]?\s*([" + _CJK + r"·]{2,4})[，,（(]")


# An editor's, reviewer's or proofreader's label (`责任编辑`, `责编`, `选稿`, `审核`, `校对`, `监制`).
_EDITOR_LABEL = r"(?:[责責]任[编編][辑輯]|[责責][编編]|核稿|[选選]稿|[编編][辑輯]|[编編][审審]|[审審][核校]|校[对對]|[监監]制)"
# ... just before a name (`责任编辑：张家祺`, `编辑:李楠`, `选稿: 夏阳`, `（责编 王五、赵六）`, `编辑：（胡冠山）`).
_EDITOR_BEFORE = re.compile(_EDITOR_LABEL + r"\s*[:：︱|｜/丨]?\s*[（(]?\s*(?:(?![记記]者|作者|通[讯訊]|[摄攝])[" + _CJK
                            + r"·]{2,5}(?:\s*[、，,/／]\s*|\s+)){0,3}$")
# ... with the name after it in a byline or a closing signature (`（记者 冯珂 编辑 高若婷）`; a web editor's `网编` too).
_EDITOR_CREDIT = re.compile(r"\s*(?:" + _EDITOR_LABEL + r"|[网網][编編])\s*[/／:：|｜]?\s*[" + _CJK + r"·]{2,4}(?=[\s）)]|$)")


def _after_editor_label(name: str, text: str) -> list[bool]:
    """For each place the page text prints `name`: whether an editor's label is just before it."""
    text = re.sub(r"\s+", " ", text)
    return [bool(_EDITOR_BEFORE.search(text[max(0, m.start() - 24):m.start()])) for m in re.finditer(re.escape(name), text)]


def printed_only_as_editor(name: str, text: str) -> bool:
    """Whether the page text prints `name`, and only after an editor's label (`责任编辑：张家祺`).

    A meta author so printed is the page's editor, and editors are not authors.
    """
    found = _after_editor_label(name, text)
    return bool(found) and all(found)


def printed_as_editor(name: str, text: str) -> bool:
    """Whether the page text prints `name` after an editor's label somewhere (`作者：朱延静` beside
    `责任编辑：朱延静`: a CMS that fills its author field with the editor's name)."""
    return any(_after_editor_label(name, text))


def posted_by(line: str) -> list[str]:
    """The user name of a blog post's `ggjjzhzz 发表于 2005-9-15 11:46` line (kept as written)."""
    match = _POSTED_BY.match(normalise_line(line))
    if not match or _NOT_NAMES.match(match.group(1)):
        return []
    return [match.group(1)]


def signature_authors(line: str) -> list[str]:
    """Names from a signature line made only of titles and names (`生態環境部黨組書記 孫金龍`)."""
    line = normalise_line(line)
    if not line or len(line) > 40 or " " not in _join_spaced(line):
        return []
    tokens = [t for t in _SPLIT.split(_join_spaced(line)) if t]
    names = [t for t in tokens if is_person_name(t)]
    others = [t for t in tokens if t not in names]
    if names and all(_TITLE_END.search(t) or _ROLE.match(_strip_role_prefix(t)) or _ROLE.match(t) for t in others):
        return names
    return []
