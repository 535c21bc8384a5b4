"""Line rules shared by the HTML and text paths: what is page furniture, what is a metadata line.

Page furniture is navigation, breadcrumbs, share/print/font widgets, copyright, ICP and 公网安备
footers and mobile/desktop switches. Metadata lines are the visible `来源：`, `作者：`, `发布时间：`
lines. Both scripts (Simplified and Traditional) are written into every pattern.
"""
from __future__ import annotations

import re
import unicodedata

from indexer.cjk import HAN
from indexer.dates import find_date

# U+E5E5 is GB18030's reading of the byte pair A3 A0, which browsers show as a full-width space.
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff\ue5e5]+")

# A line that is furniture as a whole (short lines only: an article sentence may mention 分享).
_FURNITURE = re.compile(
    r"^(?:手[机機]版|[电電][脑腦]版|移[动動]版|[触觸]屏版|返回[顶頂]部|[关關]閉?[闭閉]?窗口|打印本?[页頁]?|列印|"
    r"[首主][页頁]|[上下]一[篇页頁条條].*|[扫掃]一[扫掃].*|[点點][击擊][查看进進入].*|更多.{0,6}|"
    r"[相热熱][关關門门]?(?:[阅閱][读讀]|新[闻聞]|文章|推荐|推薦|[报報][导導]|[链鏈]接).{0,4}|"
    r"[(（\[【]?(?:[责責][编編]|(?:[责責]任)?[编編][辑輯])\s*[:：].*|本文来源[:：].*|原[标標]题[:：].*|[纠糾][错錯].*|[举舉][报報].*|"
    r"[点點][击擊][图圖]片.{0,12}|[会會][员員](?:登入|登[录錄]|服[务務].{0,6}|[信邮郵]箱[:：]?|中心|注[册冊])|"
    r"(?:[记記]住|忘[记記]).{0,4}密[码碼].{0,12}|[申][请請][专專][线線][:：]|"
    r"[评評][论論]\s*\d*|收藏|[点點]?[赞讚]|[分转轉]享.{0,3}|微信|微博|QQ(?:空[间間])?|手[机機][扫掃]一[扫掃][,，:：\s]*(?:打[开開]|[访訪][问問]|[浏瀏][览覽]|[阅閱][读讀]|分享)?(?:本[页頁文]|此[页頁]|[当當]前[页頁]面?)?|Tweet|Facebook|Plurk|噗浪|LINE|[登注]?[录錄冊册].{0,3}|"
    r"[网網]站地[图圖]|[联聯][系繫]我[们們]|[关關]于我[们們]|[网網]站声明|免[责責]声明.*|版[权權][声聲]明\s*[:：].*|[隐隱]私.{0,4}|"
    r"[字]?[号號][:：]?\s*\[?[大中小]\]?.*|【?[大中小]】?(?:\s*【?[大中小]】?)+|A[+-]?(?:\s*A[+-]?)+|(?:[产產]生|[复複][制製])?[短缩縮][网網]址.{0,4}|[\[【]?[打列]印[\]】]?.*|"
    r"[\[【]?[关關][闭閉][\]】]?|(?:香港|北京|台北|臺北|澳[门門]|[当當]地)[时時][间間]|&&|[|｜/>\-·•]+|[×✕Xx]|"  # (`X`: a box's close button)
    r"第\s*(?:[\[【]?\s*\d{1,3}\s*[\]】]?\s*)+[页頁]|(?:[\[【]\s*\d{1,3}\s*[\]】]\s*){2,}|"  # page links: `第 [1] [2] 页`
    r"https?://\S+|[关關][键鍵](?:字|[词詞])\s*[:：]?|(?:[阅閱][读讀](?:[时時][间間])?\s*[:：]?\s*)?[约約]?\d{1,3}\s*分[钟鐘](?:[阅閱][读讀])?|字[级級体體型]?大小\s*(?:[:：].{0,12})?)$"  # an address alone on its
    # line; the keywords' label with nothing after it (a headline may be `关键词：稳中求进`); the time a
    # reading takes (`6 分鐘`); a font-size widget
)
# Furniture wherever it appears in a short line.
_FURNITURE_ANYWHERE = re.compile(
    r"[当當]前位置|您的位置|所在位置|[分]享到|[版權权]+所有|[Cc]opyright|COPYRIGHT|©|ICP|[公網网]+安[备備]|"
    r"[网網]站[标標][识識]|[主承][办辦]单?位?[:：]|技[术術]支持[:：]|[访訪][问問][量数數]|[浏瀏][览覽][次量][数數]?|"
    r"字[号號][:：]|[扫掃][码碼]|[扫掃]描?二[维維][码碼]|下[载載]客[户戶][端]|[举舉][报報][电電][话話]|[违違]法和不良信息|"
    r"^(?:[首主][页頁]|[Hh]ome|HOME)\s*[>＞»›→/]|^[^\s]{0,8}(?:排行榜?|[热熱][门門]|推荐|推薦|[热熱][点點]|最新)[^\s]{0,4}$|[正在]*[读讀]取[评評][论論]|[建推][议荐薦][使用]?[浏瀏][览覽]器|分辨率|[纠糾][错錯]|返回.{0,12}首[页頁]",
)  # no IGNORECASE (it makes every line twice as slow to test): Latin words are spelled in both cases
# Boilerplate that sits between paragraphs: credit lines, account promos, reprint notices, player
# and "keep reading" text, photo credits, hotline boxes, end marks. Tried on lines of at most
# `_BOILERPLATE_MAX` characters; each entry is one kind, both scripts, as its alternatives (one
# of them matching anywhere in the line makes it boilerplate).
_BOILERPLATE_MAX = 90
_BOILERPLATE = (
    # 责编：… 编辑：… 采写：… 出品︱… 摄影/… 监制 统筹 校对 …
    (r"^[(（\[【]?\s*(?:[责責][编編]|[责責]任[编編][辑輯]|核稿(?:[编編][辑輯])?|[编編][辑輯]|[选選]稿|[采採][写寫]|出品|[摄攝]影|[摄攝]像|[监監]制|[统統][筹籌]|"
     r"策[划劃]|[审審][核校]|[终終二初一][审審]|校[对對]|美[编編]|[设設][计計]|排版|[制製]作|[视視][频頻]|海[报報]|[图圖]片?|文字?|"
     r"[实實][习習]生|主[编編]|[网網][编編]|[编編][审審]|翻[译譯]|[编編][译譯]|[译譯]者?|(?:封面)?[制製绘繪配][图圖])\s*[:：︱|｜/丨]",
     # the role in brackets, the names after it (`【记者】张三`, `【通讯员】李四`), or after the name (`张三/编译`)
     r"^[【\[]\s*(?:[记記]者|通[讯訊][员員]|作者|[实實][习習]生|[摄攝]影|[编編][辑輯]|[责責][编編]|校[对對])\s*[】\]]\s*[" + HAN + r"·]{2,5}"
     r"(?:[\s、，,]+[" + HAN + r"·]{2,5}){0,3}$",
     r"^[" + HAN + r"·]{2,5}\s*[/／]\s*(?:[编編][译譯]|翻[译譯]|整理|[编編][辑輯])$",
     # the role and the name in brackets, no colon: `(编译 鲍天佑)`
     r"^[(（\[【]\s*(?:[编編][译譯]|翻[译譯]|整理|[编編][辑輯]|[责責][编編]|校[对對])\s+[" + HAN + r"·]{2,5}(?:[\s、，,]+[" + HAN + r"·]{2,5}){0,3}\s*[)）\]】]$",
     # the same without a colon, only the role and names on the line (`编辑 左燕燕`, `校对 王五`), and
     # an editor of one channel (`微信编辑：…`, `新媒体编辑 …`)
     r"^(?:(?:[责責]任)?[编編][辑輯]|[责責][编編]|校[对對]|[审審]核|[终終二初一][审審]|美[编編]|[监監]制)\s+[" + HAN + r"·]{2,5}"
     r"(?:[\s、，,]+[" + HAN + r"·]{2,5}){0,3}$",
     r"^[(（\[【]?\s*(?:微信|微博|新媒[体體]|融媒[体體]?|[网網][络絡]|[视視][频頻]|[数數]字|[网網]站|客[户戶][端])[编編][辑輯]\s*[:：︱|｜/丨\s]"),
    # account promos: 量子位 | 公众号 QbitAI, > 关注 少数派…, 扫码关注…
    (r"^.{0,30}公[众眾][号號].{0,24}$", r"公[众眾][号號].{0,12}(?:ID|[关關]注|搜索)", r"^[>＞»]\s*[关關]注",
     r"[关關]注.{0,16}(?:公[众眾][号號]|微信|微博|抖音|[头頭]条[号號]|[视視][频頻][号號])", r"微信[号號]\s*[:：]",
     r"[长長]按.{0,6}(?:二[维維]|[识識]别)"),
    # reprint notices: 39健康网原创内容，未经授权…; 转载请注明…
    (r"未[经經](?:[书書]面)?(?:授[权權]|许可|許可|同意)", r"[禁严嚴]禁[转轉]载", r"[转轉]载请", r"[转轉]載請", r"版[权權][归歸]",
     # 转载时务请注明…, 如需转载…, 本文系…授权…刊载, 版权与免责声明
     r"[转轉][载載][时時]?[务務]?[须需必]?[请請]", r"如需[转轉][载載]", r"^本文系.{0,30}授[权權]", r"授[权權].{0,16}刊[载載發发]",
     r"版[权權](?:与|和|及)?免[责責]", r"^[(（\[【]?免[责責][声聲]明",
     r"^(?:本文|原文|文章).{0,40}[经經]授[权權][转轉][载載]",
     r"版[权權]等?[问問][题題].{0,30}(?:与|和|與)本[网網站台报報刊]"),  # `如遇作品内容、版权等问题，请…与本网联系。`  # `原文出自某某臉書，某傳媒經授權轉載。`
    # "keep reading" and player text
    (r"[继繼][续續](?:往下)?[阅閱][读讀]", r"[继繼][续續][浏瀏][览覽]", r"[视視][频頻].{0,6}失[败敗]", r"播放失[败敗]",
     r"[浏瀏][览覽]器不支持", r"不支持.{0,10}[视視][频頻]", r"[点點][击擊](?:播放|[观觀][看])", r"[展][开開]全文", r"[阅閱][读讀]全文",
     r"切[换換]到?(?:高清|[标標]清|超清)", r"^正在(?:为[您你])?(?:加[载載]|[缓緩]冲|切[换換])"),
    # photo credits and captions: 图像来源，Getty Images; 图片来源：…; 图源：…; 图说：…
    (r"^[(（\[【]?\s*(?:[图圖][像片]?|[照][片]|[图圖]源|[资資]料[图圖])\s*(?:[来來]源|提供|[:：，,]).{0,60}$",
     r"^[(（\[【]?\s*[图圖][说說]\s*[:：]",
     # a chart's or table's compiler under it: `乐居财经据公开资料整理`
     r"^[^\s，。,]{0,12}?(?:根据|根據|[据據])(?:公开|公開|网络|網絡|相关|相關)?(?:资料|資料|数据|數據)整理$"),
    # hotline boxes: …热线：400-161-9995; the suicide-prevention box under Taiwan stories
    # (★珍惜生命 再給自己一次機會 / 自殺諮詢專線：0800-788995 / 生命線：1995 / 張老師專線：1980)
    (r"(?:[专專][线線]|^生命[线線])\s*[:：]\s*\d{3,}", r"^[★☆※]?\s*(?:珍惜生命[^\w]{0,2})?再[给給]自己一次[机機][会會]",
     r"(?:[热熱][线線]|[举舉][报報][电電][话話]|[咨諮][询詢][电電][话話]|客服[电電][话話]|[服][务務][电電][话話]).{0,20}\d[\d\- ]{5,}",
     r"^.{0,12}(?:投稿|爆料|新[闻聞]?线索|[举舉][报報]|[联聯][系繫]).{0,6}(?:[邮郵]箱|[电電][话話]|[热熱][线線]|微信).{0,4}[:：]"),
    # app and newsletter promos, ad labels
    (r"^(?:[广廣]告|推广|推廣|AD|Advertisements?)$", r"下[载載].{0,10}(?:APP|App|app|客[户戶]端|[应應]用程序)",
     r"打[开開].{0,10}(?:APP|客[户戶]端).{0,20}$", r"(?:APP|客[户戶]端)内?(?:[阅閱][读讀]|[查观觀]看)(?:全文|更多|原文)",
     r"[阅閱][读讀]更多.{0,4}精彩", r"(?:[订訂][阅閱]|[追关關][踪蹤注]|加入).{0,30}[:：]\s*https?://[^\s]+$",
     r"[订訂][阅閱].{0,12}(?:新[闻聞]信|[电電]子[报報]|邮件|郵件)", r"就在您的",
     r"敬[请請][锁鎖]定"),  # a channel's own programme promo: `…颱風特別報導…敬請鎖定。`
    # read counters, trackbacks, English date lines of blog software
    (r"已被[阅閱][读讀]", r"[阅閱][读讀]\s*[(（:：]\s*\d+", r"Trackback",
     r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+[A-Z][a-z]+\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"),
    # print-edition credits: 《光明日报》（2024年05月20日 03版）, 人民日报（2024年5月20日第 4 版）
    (r"^[(（]?《?[" + HAN + r"]{2,12}》?\s*[(（]\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:第?\s*\d{1,3}\s*版)?\s*[)）]\s*[)）]?$",),
    # when it was posted, as a time ago, maybe after the author's name: `吴梦启 · 5小时前`, `3分钟前`, `剛剛`
    (r"^(?:[^\s，。,]{1,20}\s*[·•|｜丨]\s*)?(?:\d{1,3}\s*(?:秒|分[钟鐘]|小[时時]|天|[周週]|个?月|個月)前|[刚剛][刚剛])$",),
    # end marks: - THE END -, — 完 —, END
    (r"^[\-—–~～=·•\s]*(?:THE\s+END|END|完|全文完)[\-—–~～=·•\s]*$",
     r"^[(（]\s*[综綜]合(?:[报報][道导導]|外[电電]|消息)?\s*[)）]$"),  # `（綜合報道）`: compiled from wires, alone on its line
    # a paper's appeal for donations under the text: 贊助《風新聞》 守護家庭價值…, 銀行戶口：040-…
    (r"^[(（\[【]?\s*[赞贊]助\s*《[^》]{1,16}》[^。，,]{0,24}$", rf"^[{HAN}]{{2,6}}[银銀]行[户戶]口\s*[:：]\s*[\d\-]{{6,}}",
     r"[奉捐][献獻]一份心力", r"[点點]此(?:奉[献獻]|捐[款助赠贈]|[赞贊]助)"),
)


def _boilerplate_pattern(at_start: bool) -> re.Pattern:
    """One scan for the alternatives of all kinds that open with `^` (`at_start`: tried once, at
    the start of the line), or for all the others (tried at every position: the `^` ones would
    only fail there). Case is ignored by searching the lower-cased line with the lower-cased
    pattern: IGNORECASE would make every character test, Chinese ones included, about twice as
    slow. So no alternative may hold an escape that lower case changes (`\\W` would become `\\w`)."""
    alternatives = [a for kind in _BOILERPLATE for a in kind if a.startswith("^") == at_start]
    if any(re.search(r"\\[A-Z]", a) for a in alternatives):
        raise ValueError("a boilerplate pattern holds an upper-case escape, which lower-casing would change")
    return re.compile("|".join(f"(?:{a})" for a in alternatives).lower())


_BOILERPLATE_AT_START = _boilerplate_pattern(True)
_BOILERPLATE_ANYWHERE = _boilerplate_pattern(False)
_META_LABELS = {
    "source": r"(?:[稿][件]?[来來]?源|供稿[单單]位|[发發]稿[单單]位|[来來]源[于於]?|[稿出][处處]|[发發]布(?:[机機][构構]|[机機][关關]|[单單]位|部[门門])|[发發]文[机機][关關]|信息[来來]源|文章[来來]源|[来來]自|出自|[转轉][载載]?自[于於]?|摘自)",
    "author": r"(?:作者|撰文|[记記]者|撰稿|署名|^[采採][写寫]|^[采採][访訪])",  # (`采写：南都记者 张三 李四`, `采访：张三` opening a line: a credit)
    "date": r"(?:最后(?:[编編][辑輯]|修改|更新)(?:[时時][间間]|日期)?|[发發]布(?:[时時][间間]|日期)|[发發][表]?[时時][间間]|[时時][间間]|日期|[发發]文日期|[成]文日期|更新[时時][间間]|[发發]稿(?:[时時][间間]|日期))",
}
_LABEL_RE = re.compile(
    "(" + "|".join(f"(?P<{k}>{v})" for k, v in _META_LABELS.items()) + r")(?:\s*[:：]\s*|\s?[|｜丨︱]\s*(?=[^\s|｜丨︱]))"
)
# What ends a value on a metadata line: the next label, a separator, or a widget word.
_VALUE_END_BEFORE = (
    r"\s{2,}|\s*[|｜]\s*|[。！？]|\s+(?=[^\s:：，。,]{1,6}\s*[:：])|\s+(?=\d{4}[-/.年])|\s+[于於](?=\s*\d{4}\s*[-/.年])|(?<=[^\d\s(（\[【])(?=\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d))"
)
_VALUE_END_AFTER = (
    r"|\s*(?=[【\[［]\s*(?:[打列]印(?:本?[页頁]|本文|文章)?|[关關][闭閉](?:窗口|本?[页頁])?|收藏|分享|返回|[纠糾][错錯]|字[号號])\s*[】\]］])"  # `【打印】【关闭窗口】`
    r"|\s*(?=[网網]友[评評][论論]|[发發]表[评評][论論])|(?=(?:[来來]源|作者|[记記]者|[编編][辑輯]|[责責]任[编編][辑輯]|[发發]布[时時][间間]|[时時][间間]|日期|[浏瀏][览覽](?:次?[数數]|量)?|[阅閱][读讀](?:次?[数數]|量)?|[点點][击擊](?:[数數率量])?|字[号號]|分享|[打列]印|\d+人[参參]与|[评評][论論])\s*[:：\d])"
)
_VALUE_END = re.compile(_VALUE_END_BEFORE + r"|\s+(?=(?:本[报報]|特[约約]|首席)?[记記]者|通[讯訊][员員]|出自)" + _VALUE_END_AFTER)


# A source value that goes on into a sentence: a quote closed then 的 (`中国科学报”的作品`; not
# `“学习强国”学习平台`), a sentence's end with more after it, or a clause of a notice (`…的作品，`).
_NOTICE_SENTENCE = re.compile(r"[”」』]的|[。！？].|的[^，,]{0,12}[，,]")


# An author's value goes on past a reporter's or correspondent's role (`作者：记者 林琳 通讯员 王蕴`),
# to a photographer's or a picture's credit.
_AUTHOR_VALUE_END = re.compile(_VALUE_END_BEFORE + r"|\s+(?=出自|[摄攝](?:影|像)(?![记記]者)|[图圖]片?\s*[:：/／])"
                               + _VALUE_END_AFTER)


# `本文来自微信公众号“机器之心”（ID：…），作者：…`: the account is the source.
_ACCOUNT_SOURCE = re.compile(
    r"(?:本文|文章|本篇)?(?:[来來]自|[转轉][载載]?自|[来來]源[于於]|[来來]源[:：]?)\s*(?:微信|[头頭]条|[微]博)?"
    r"(?:公[众眾][号號]|[号號])\s*[:：]?\s*[“\"「『《]?(?P<name>[^”\"」』》（(，,：:\s]{2,30})"
)


# `本文来自“腾讯科技”`, `转自光明日报`: a short line that is only that, without a colon.
_FROM_SOURCE = re.compile(r"^(?:(?:本文|本篇|文章|此文)(?:[来來]自|[来來]源[于於])|(?:本文|本篇|文章|此文)?(?:[转轉][载載]?自|摘自))\s*[“\"「『《]?"
                          r"(?P<name>[^“”\"「」『』《》（(，,。:：\s\[【]{2,20}?)[”\"」』》]?"
                          r"(?:\s*(?:微信)?公[众眾][号號]|\s*[头頭][条條][号號])?"  # `本文转载自“科研圈”微信公众号。`: the account's owner
                          r"\s*[。.]?(?:\s*[\[【(（][^\]】)）]*[\]】)）])?$")
# Words a site prints in the source's place when it names none: no publisher.
PLACEHOLDER_SOURCE = re.compile(r"^(?:[转轉][载載](?:文章|稿件)?|[网網][络絡]|互[联聯][网網]|[网網][络絡][转轉][载載]|本站|本[网網]|原创|未知|"
                                r"[综綜]合|[网網]友(?:投稿|上[传傳])?|投稿|其他|其它|不详|不詳)$")
# `《光明日报》（2024年05月20日 03版）`: a print edition's credit names the paper.
_PRINT_CREDIT = re.compile(r"^[(（]?《?(?P<name>[" + HAN + r"]{2,12})》?\s*[(（]\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
                           r"\s*(?:第?\s*\d{1,3}\s*版)?\s*[)）]\s*[)）]?$")


# `[ 黄宇 ] 来源：[ 国际金融报 ]`: a bracketed name just before the source label.
_NAME_BEFORE = re.compile(r"^.{0,48}?[\[【]\s*(?P<name>[" + HAN + r"·]{2,5}(?:\s+[" + HAN + r"·]{2,5}){0,2})\s*[\]】][\s\ue000-\uf8ff]*$")


# `出自[人民文学出版社]`: a source in brackets instead of after a colon.
_BRACKETED_SOURCE = re.compile(r"(?:出自|[来來]源)\s*[\[【]\s*(?P<name>[^\]】]{2,20}?)\s*[\]】]")


# `素材来源 江苏13个设区市党报及官方发布`: a short line that is only a label and a value, no colon.
_SPACED_SOURCE = re.compile(r"^(?:素材|稿件|信息|文章)?[来來]源\s+(?P<name>[^\s:：]{2,30})$")


# a CMS's stray `&&` run into Chinese text (`部领导班子成员&&深入基层`); one between Latin words or
# spaces is text (`make && ./run`, `if (a&&b)` in a technical article) and stays
_STRAY_AMPERSANDS = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])&&|&&(?=[\u3000-\u9fff\uff00-\uffef])")


_LATIN_ZWSP = re.compile(r"(?<=[0-9A-Za-z])\u200b+(?=[0-9A-Za-z])")


def fold_spaces(text: str) -> str:
    """`text` with runs of spaces folded to one and zero-width characters and stray `&&` removed.

    Neither crosses a line break, so a text of many lines can be folded at once: each of its
    lines, stripped, is then that line's `normalise_line`.
    """
    if "\u200b" in text:  # a word break between Latin words (`5G\u200biPhone`) stays one
        text = _LATIN_ZWSP.sub(" ", text).replace("\u200b", "")
    return _SPACES.sub(" ", _STRAY_AMPERSANDS.sub("", text) if "&&" in text else text)


def normalise_line(line: str) -> str:
    """One line with spaces folded, zero-width characters and stray `&&` removed."""
    return fold_spaces(line).strip()


# A line after which the article is over: the comments or related-articles block begins, or a
# paywall's login box under the lead.
_ARTICLE_END = re.compile(
    r"^[\[【(（]?\s*(?:[评評][论論](?:\s*[(（]?\d+[)）]?)?|[发發][表]?[评評][论論]|我要[评評][论論]|[网網]友[评評][论論]|[评評][论論]区|[读讀]者[评評][论論]|"
    r"已有\s*\d+\s*[件条條个個]?[评評][论論]|.{0,30}已有\s*\d+\s*[件条條个個][评評][论論]|\d+\s*[条條][评評][论論]|"
    r"相[关關](?:[阅閱][读讀]|新[闻聞]|文章|(?:媒[体體])?[报報][导導道告]|推荐|推薦|[链鏈]接|[连連][结結]|[资資][讯訊])?|延伸[阅閱][读讀]|推荐[阅閱][读讀]|推薦閱讀|猜你喜[欢歡]|[热熱][门門]推荐|"
    r"[关關][联聯][阅閱][读讀]|[关關][联聯]新[闻聞]|往期回[顾顧]|往期精彩|更多精彩|"
    r"[会會][员員](?:登入|登[录錄])|[付][费費][阅閱][读讀]|[会會][员員][专專]享|"  # a paywall's login box under a lead
    r"[^。，,]{0,16}[，,]?\s*[请請](?:支持|[赞贊]助|捐助)[^。，,]{0,8}《[^》]{1,16}》|"  # an appeal for donations, the means to give after it
    r"参考(?:文献|文獻|[资資]料)|消息[来來]源|"  # the sources a piece lists under it
    r"Comments?|Leave a (?:comment|reply)|Related(?: Posts| Articles)?|References|Sources|"
    r"Most (?:Popular|Read)|Trending(?: Now)?|You May Also Like|More Stories)\s*[\]】)）:：]?\s*$",
    re.IGNORECASE,
)


def is_article_end(line: str) -> bool:
    """True for a heading that starts the comments or related-articles block after an article."""
    return len(line) <= 40 and bool(_ARTICLE_END.match(line.strip()))


# A heading over links to other articles (not comments, not a paywall): such a box may also
# stand between two paragraphs of the text.
_RELATED_HEADING = re.compile(
    r"^[\[【(（]?\s*(?:相[关關](?:[阅閱][读讀]|新[闻聞]|文章|[报報][导導道]|推荐|推薦|[资資][讯訊])|延伸[阅閱][读讀]|推荐[阅閱][读讀]|推薦閱讀|"
    r"[关關][联聯][阅閱][读讀]|[关關][联聯]新[闻聞])\s*[\]】)）:：]?\s*$")
_PARAGRAPH_END = re.compile(r"[。！？!?][”」』\"]?$")


def _is_paragraph(line: str, linked: int) -> bool:
    """A paragraph of text: a sentence or more, closed as one, hardly linked."""
    return len(line) >= 40 and linked * 5 < len(line) and "。" in line and bool(_PARAGRAPH_END.search(line))


# What closes an article (`（完）`, `责任编辑：…`): a box after it is not inside the text.
_CLOSED = re.compile(r"[(（]\s*完\s*[)）]$|^[【\[(（]?\s*(?:[责責]任?[编編][辑輯]|[责責][编編]|[编編][辑輯])\s*[:：】\]]")
# A dateline opening a paragraph (`新华社北京9月12日电`, `本报讯`): another article's lead.
_DATELINE = re.compile(r"^\S{0,20}?(?:\d{1,2}月\d{1,2}日|\d{1,2}日)\s*[电電讯訊]|^\S{0,12}[讯訊][(（\s]")


def after_inline_box(lines: list[tuple[str, int]], at: int) -> int | None:
    """Where the text goes on when the related-articles heading `lines[at]` (text, linked
    characters) heads a box of links inside the article — at most four links, then two
    paragraphs of text (`…迪内希致辞时说…` / 延伸阅读 / two linked headlines / `他呼吁更多公众…`),
    the text before it not closed (`（完）`, `责任编辑：`) and the paragraphs after it not another
    article's lead (a dateline: `新华社北京9月12日电`) — else None: the article is over."""
    if not _RELATED_HEADING.match(lines[at][0].strip()):
        return None
    if any(_CLOSED.search(line.strip()) for line, _ in lines[max(0, at - 2):at]):
        return None
    k = at + 1
    while k < len(lines) and k <= at + 4 and lines[k][1] * 5 >= len(lines[k][0]) * 3:
        k += 1  # the box's links
    if k == at + 1 or k + 1 >= len(lines):
        return None
    if (_is_paragraph(*lines[k]) and _is_paragraph(*lines[k + 1])
            and not any(_DATELINE.match(line.strip()) for line, _ in lines[k:k + 2])):
        return k
    return None


_BAR_SEPARATORS = re.compile(r"\s*(?:>>?|»|→|->|＞＞?|[|│｜])\s*")


def _is_link_bar(line: str) -> bool:
    """A breadcrumb or menu bar: three or more short parts between `>`, `»`, `→` or `|` separators."""
    if line.count(">") + line.count("»") + line.count("→") + line.count("＞") + line.count("|") + line.count("│") \
            + line.count("｜") < 2:
        return False
    parts = [part for part in _BAR_SEPARATORS.split(line) if part]
    return len(parts) >= 3 and all(len(part) <= 20 for part in parts)


_boilerplate_at_start = _BOILERPLATE_AT_START.match
_boilerplate_anywhere = _BOILERPLATE_ANYWHERE.search
_furniture_anywhere_search = _FURNITURE_ANYWHERE.search


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture, not article text."""
    line = line.strip()
    if not line:
        return True
    if _FURNITURE.match(line):
        return True
    if len(line) <= _BOILERPLATE_MAX:
        lowered = line.lower()
        if _boilerplate_at_start(lowered) or _boilerplate_anywhere(lowered) or _is_link_bar(line):
            return True
    return len(line) <= 60 and bool(_furniture_anywhere_search(line))


# Every metadata pattern needs one of these characters (a label's colon, 公众号's 号, 出自[…]'s
# bracket, a bare 来源): a line without any is not tried against them (most lines of a page).
_META_MARKS = re.compile(r"[:：号號\[【源]")
# ... or a label and a bar (`作者｜张三`), or `本文来自…`/`转自…` opening the line, or a closing bracket
# ending it (a print credit); lines with bars are tried against this only when they hold one.
_LABEL_BAR = re.compile(r"(?:[源处處构構关關自者文期间間])\s?[|｜丨︱]")


def _may_hold_meta(line: str) -> bool:
    return bool(_META_MARKS.search(line) or "自" in line[:8]
                or line.endswith(("）", ")")) and "日" in line and len(line) <= 60
                or ("|" in line or "｜" in line or "丨" in line or "︱" in line) and _LABEL_BAR.search(line))


# What a source label names the origin of when these stand just before it: a photo, a video
# (`图片来源：`; `图文来源：` is the article's), or a chart's data on the chart's caption line
# (`单位：百万美元 数据来源：新加坡统计局`; alone on its line, `数据来源：` closes an advertorial,
# naming who supplied it).
_PICTURE_BEFORE = re.compile(r"(?:[图圖]片?|[图圖]表|[视視][频頻]|照片)\s*$")
_DATA_BEFORE = re.compile(r"(?:[数數][据據]|[资資]料)\s*$")
_CHART_CAPTION = re.compile(r"[单單]位\s*[:：]|[图圖表]\s*\d|注\s*[:：]")  # a chart's unit, number or note


def _not_the_articles(before: str) -> bool:
    """Whether the source label after `before` (the line up to it) names where a photo, a video
    or a chart's data came from."""
    if _PICTURE_BEFORE.search(before):
        return True
    data = _DATA_BEFORE.search(before)
    return bool(data) and bool(_CHART_CAPTION.search(before[:data.start()]))  # (not `发布时间：… 资料来源：…`)


# A bracket closing a source's value that is a byline, not part of the name (`新华社（记者 张三）`,
# `新华社（张三 摄）`), or its opening left where another label cut the value (`人民日报（` of
# `人民日报（记者：王五）`). An edition (`人民日报（海外版）`) or a place stays for `clean_source`.
_ROLE = r"(?:本[报報]|特[约約]|首席|[见見]習|[见見]习|[实實][习習])?(?:[记記]者|通[讯訊][员員]|作者|撰文|撰稿|[编編][译譯])"
_ROLE_LABEL = re.compile(_ROLE + r"\s*[:：]?\s*")
_BRACKETED = re.compile(r"\s*[(（](?P<inner>[^()（）]*)[)）]")
_SOURCE_BYLINE = re.compile(
    r"\s*[(（]\s*(?:" + _ROLE + r"\s*[:：]?\s*(?P<names>[^()（）]*?)|(?P<photo>[^()（）]{2,12}?\s*[摄攝](?:影)?)|)\s*(?:[)）]\s*)?$")


# A sentence's end, or a quotation opening: before a label, the line is text that mentions it
_SENTENCE_BEFORE = re.compile(r"[。？?]|[，,][^，,。]*[“「『\"]")
# What no list of names holds: a sentence's punctuation, quotes, a question
_NOT_NAMES = re.compile(r"[。！？!?“”「」『』\"；;]")


_BRACKETED_NOTE = re.compile(r"[（(][^（）()]*[）)]")  # a name's affiliation: `杨望（中国人民大学…研究员）`


def _not_names(value: str, after: str) -> bool:
    """Whether an author label's value is a sentence, a quote or a question (`记者：两位是…，最让
    自己难忘的是哪场比赛？`), not names: names are short between their separators and end no sentence."""
    return bool(_NOT_NAMES.search(value) or after in "！？!?" and after
                or any(len(part) > 10 for part in re.split(r"[\s、，,]+", _BRACKETED_NOTE.sub(" ", value))))


_OPENING_OF = {"]": "[", "】": "【", "）": "（", ")": "("}  # a closing bracket → its opening one
# a view count and a share widget run into a value (`英国那些事儿4762分享到:`)
_SHARE_RUN_IN = re.compile(r"(?<=[" + HAN + r"])\d*分享到?\s*[:：]?.*$")


def parse_meta_line(line: str) -> dict[str, str]:
    """The labelled metadata on a visible line: {'source': …, 'author': …, 'date': YYYY-MM-DD}, and
    'credit' for a print edition's credit line (`《光明日报》（2024年05月20日 03版）`) and 'placeholder'
    for a source label followed by words that name no publisher (`来源：转载文章`).

    Accepts lines such as `2024-02-05 來源:生態環境部`, `来源：新华网 作者：张三 时间：2019-09-23`.
    A line counts only when it is short, so that article sentences mentioning 来源 are ignored.
    """
    found: dict[str, str] = {}
    later = None
    if len(line) > 120 or not _may_hold_meta(line):
        return found
    account = (_ACCOUNT_SOURCE.search(line) or _BRACKETED_SOURCE.search(line) or _SPACED_SOURCE.match(line)
               or _FROM_SOURCE.match(line))
    if account:
        found["source"] = account.group("name")
        if PLACEHOLDER_SOURCE.match(found["source"]):
            found["placeholder"] = found.pop("source")
    elif line.endswith(("）", ")")):
        credit = _PRINT_CREDIT.match(line)
        if credit:  # weaker than a printed 来源 (the page may carry the paper's website's version)
            found["credit"] = credit.group("name")
    for match in _LABEL_RE.finditer(line):
        if _SENTENCE_BEFORE.search(line, 0, match.start()):
            break  # a sentence before the label: text (`…新建大棚四十座。来源：县农业农村局统计`)
        kind = next(k for k in _META_LABELS if match.group(k))
        rest = line[match.end():]
        end = (_AUTHOR_VALUE_END if kind == "author" else _VALUE_END).search(rest)
        value = (rest[: end.start()] if end else rest).strip(" ,，;；　")
        if "分享" in value:
            value = _SHARE_RUN_IN.sub("", value)
        if value[-1:] in _OPENING_OF and _OPENING_OF[value[-1]] not in value:
            value = value[:-1].rstrip(" ,，;；　")  # `[作者：龙艳]`: the bracket the label was in
        if kind == "author" and _not_names(value, rest[end.start():end.start() + 1] if end else ""):
            continue  # what follows 记者： is a question or a quote (`告诉记者：“今年…”`), not a byline
        if kind == "date":
            date = find_date(rest[:40]) or _roc_numeric(rest)
            if date and _LATER_DATE.match(match.group("date")):
                later = later or date  # `更新时间`, `成文日期`: the page's date only where no other is printed
            elif date:
                found.setdefault("date", date)
        elif value and kind == "source" and PLACEHOLDER_SOURCE.match(value.strip("[]【】 ")):
            found.setdefault("placeholder", value)  # `来源：转载文章` names no publisher, yet is a metadata line
        elif value and kind == "source" and _NOTICE_SENTENCE.search(value):
            continue  # a notice's sentence (`凡本网注明“来源：中国科学报”的作品，…`), no publisher
        elif kind == "source" and _not_the_articles(line[:match.start()]):
            continue  # `单位：百万美元 数据来源：新加坡统计局`, `图片来源：…`: where a chart or photo came from
        elif value and kind not in found:
            found[kind] = value
            if kind == "source" and match.start() > 0 and "author" not in found:
                named = _NAME_BEFORE.match(line[:match.start()])
                if named:
                    found["author"] = named.group("name")
    source = found.get("source")
    if source and ("（" in source or "(" in source):
        byline = _SOURCE_BYLINE.search(source)
        if byline:  # `来源：新华社（记者 张三）`: the agency is the source, its reporter an author
            found["source"] = source[:byline.start()].strip()
            at = line.find(source)
            whole = _BRACKETED.match(line, at + byline.start()) if at >= 0 else None  # (a label may have cut it)
            inner = _ROLE_LABEL.match(whole.group("inner")) if whole else None
            names = whole.group("inner")[inner.end():].strip() if inner and not byline.group("photo") else ""
            held = found.get("author", "").rstrip("）) ")
            if names and (not held or held in names):  # (`（记者：王五）`: `王五`, not the label's `王五）`)
                found["author"] = names
    if "date" not in found and later:
        found["date"] = later
        found[LATER_DATE] = "1"  # (a caller reading several lines prefers a publication date on another)
    if "date" not in found and found and len(line) <= 80:
        date = find_date(line)
        if date:
            found["date"] = date
    return found


# A date label that is not the publication's: when it was updated or the document written.
_LATER_DATE = re.compile(r"更新|[成]文|最后")
LATER_DATE = "date_is_later"  # parse_meta_line's mark of a date that only such a label gives
# A date in Taiwan's numbers after a date label: `發布日期：113-03-12`, `113/03/12`, `113.03.12`
# (a three-digit year is the Republic's: 113 is 2024).
# and in words: `發稿日期：111年5月17日`.
_ROC_NUMERIC = re.compile(r"^\s*(1\d\d)\s*(?:([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日)")


def _roc_numeric(text: str) -> str | None:
    match = _ROC_NUMERIC.match(text)
    return find_date(f"{int(match[1]) + 1911}-{match[3] or match[5]}-{match[4] or match[6]}") if match else None


# Characters that are digits or hold one after NFKC (², ①, ⒈, ㏡, …): every date has a digit, and
# `find_date` reads dates after NFKC; most short lines have none, and this scan is cheaper than it.
_DIGITS_NFKC = re.compile("[\\d\u00b2\u00b3\u00b9\u00bc-\u00be\u2070\u2074-\u2079\u2080-\u2089\u2150-\u215f\u2189"
                          "\u2460-\u249b\u24ea\u3251-\u325f\u32b1-\u32cb\u3358-\u3370\u3378\u3379\u339f-\u33a6"
                          "\u33a8\u33af\u33e0-\u33fe\U0001f100-\U0001f10a]")


ISSUE_NUMBER = re.compile(r"第\s*[\d,]+\s*[号號期]")  # a paper's issue number, printed with its date


def is_date_line(line: str) -> bool:
    """A short line that holds only a date/time (with maybe a label), such as `2024-02-05 09:30`."""
    if len(line) > 40 or not _DIGITS_NFKC.search(line) or not find_date(line):
        return False
    # (a paper's issue number may follow its date: `2019-09-17 第26,259号`)
    rest = ISSUE_NUMBER.sub("", unicodedata.normalize("NFKC", line))
    rest = re.sub(r"[\d\s:：\-/.年月日时時分秒T+【】\[\]]|星期.|周.|\([一二三四五六日天]\)|[上下]午|[发發]布|[时時][间間]|日期|[讯訊]$", "", rest)
    return len(rest) <= 2


def date_after_headline(line: str, title: str) -> str | None:
    """What follows the headline on the headline's own line when it is a date (a blog's
    `学做红烧肉  2005-06-13 15:00:14`, inline spans' `…出頭天2014/12/1 18:13`), else None."""
    if title and line.startswith(title) and is_date_line(line[len(title):]):
        return line[len(title):]
    return None


# Sentence punctuation: a line holding several of these is prose, not a label, date or heading.
SENTENCE_PUNCT = re.compile(r"[，。！？；]")


_SUFFIX_SPLIT = re.compile(r"\s*(?:_+|\||｜|│|--+|——|\s-\s|\s—\s|\s[»›>]\s)\s*")
HAN_CHAR = re.compile(f"[{HAN}]")
EMPTY_LABEL = re.compile(rf"^[{HAN}]{{1,6}}\s*[:：]$")  # a label whose value the page left empty: `撰稿：`
# A site's reprint and copyright policy under every article, however long its sentences, on a
# line of its own: `1.凡本站及其子站注明“文章类型：原创”的所有作品，其版权属于…`, `凡本网注明“来源：XXX”的
# 作品，均转载自其它媒体，转载目的在于传递更多信息…`, and a note that opens its line with a bullet,
# a bracket or 本文 (`●作者…。本文為網友投稿，言論不代表本報立場。`, `（本文仅代表作者观点，不代表本网立场）`).
# A report that a station's statement said 不代表本台立场 is text: its line opens with the report.
SITE_POLICY = re.compile(
    r"^[(（]?\s*(?:\d{1,2}\s*[.、．]\s*)?凡本(?:[网網站报報刊台]|[网網]站)[^。，,]{0,10}(?:注明|[标標][明注])"
    r"|^[^。，,]{0,30}[转轉][载載][^。]{0,20}目的在[于於][传傳][递遞]更多信息"
    r"|^(?:©|[Cc]opyright)\s*(?:19|20)\d{2}|^[(（【]?版[权權][声聲]明(?:\s|[:：】)）])"
    r"|^(?:[(（【]|[●※＊*]|本文|文章|言[论論])[^\n]{0,120}不代表本(?:[网網站台刊报報社]|[网網]站)[^。]{0,10}(?:[观觀][点點]|立[场場])"
    r"|^(?:[(（【]|[●※＊*]|本文|文章|以上|言[论論])[^\n]{0,120}[仅僅]代表(?:原?作者|作者本人)(?:[个個]人)?(?:[观觀][点點]|立[场場]|看法)"
    # `为传播心理学，本网站部分内容转载或摘取自网络和刊物，对于…本网站并不负任何责任。`
    r"|^[^。]{0,40}本(?:[网網站]|[网網]站)[^。]{0,120}(?:不[负負]任何[责責]任|不承[担擔]任何[责責]任|概不[负負][责責])")


def title_parts(title: str) -> list[str]:
    """The parts of a `<title>`-like line split at its site separators (`_`, `|`, ` - `, `——`, …)."""
    return [part for part in _SUFFIX_SPLIT.split(normalise_line(title)) if part.strip()]


_SITE_ADDRESS = re.compile(r"(?:^|[\s(（])(?:www\.)?[A-Za-z0-9-]+\.(?:com|net|org|cn|tw|hk|COM|NET|ORG|CN|TW|HK)(?:\.[a-z]{2})?(?:$|[\s)）])")


def strip_site_suffix(title: str) -> str:
    """A `<title>` without the site name and channel parts (`_网易财经`, `-新华网`, `|…`).

    The longest part is taken as the headline; a bare `-` splits only when what follows is short.
    """
    title = normalise_line(title)
    parts = [p for p in _SUFFIX_SPLIT.split(title) if p.strip()]
    if not parts:
        return title
    if len(parts) > 1:  # a part that holds the site's address (`三立新聞網 SETN.COM`) is no headline, however long
        parts = [part for part in parts if not _SITE_ADDRESS.search(part)] or parts
    best = max(parts, key=lambda part: len(part) + len(HAN_CHAR.findall(part)))  # a Chinese character counts twice
    if "-" in best:
        head, _, tail = best.rpartition("-")
        if head and 0 < len(tail) <= 16 and len(head) > len(tail):
            best = head
    return best.strip()
