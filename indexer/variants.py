"""Cross-strait vocabulary: the other side's wording of a term (软件 / 軟體, 信息 / 資訊, 质量 / 品質).

Script folding (`indexer.analysis.fold`) already joins 發展 and 发展; it cannot join two
different words for one thing. This module pairs such words from two sources:

- OpenCC's Taiwan phrase tables, read from the installed OpenCC package (`TWPhrases.ocd2`,
  used by `s2twp`, and `TWPhrasesRev.ocd2`, used by `tw2sp`); nothing is downloaded. Each value
  is converted back with OpenCC itself to get its partner. Pairs whose words are everyday words
  on both sides with another meaning (文件 is a mainland "document" and a Taiwan "file";
  访问 an official visit; 支持 and 支援 are both common) are left out (`_AMBIGUOUS`): expanding
  them would bring in articles about something else.
- `_OWN_PAIRS`: a short reviewed table of common pairs the tables lack.

Pairs are compared in folded form, so script differences alone never make a variant.

Script variants: folding maps each Traditional character to one Simplified character, so where a
Traditional character stands for two Simplified ones it can miss: 瞭解 folds to 瞭解, not 了解;
項鍊 to 项炼, not 项链; 睡著 to 睡著, not 睡着. OpenCC's phrase-aware conversion knows these
(`s2tw` of a Simplified term, `tw2s` of a Traditional one); where its answer folds differently
from the term, that is a variant too.
`variants(term)` replaces every paired wording inside the term (longest first) and returns
the other side's wording, Taiwan wordings written in Traditional characters. Single characters
are never replaced. The pairing is computed from OpenCC once and shipped as `data/variants.json`
(a test checks it equals what the installed OpenCC gives); it is loaded on first use.

An index may add its own pairs (`variants add A B`: an editor's wording, e.g. a local name):
`variants.json` in the index folder, beside CURRENT, so rebuilds keep it, merged with the
shipped tables (`index_wording`). The engine passes its index folder to `expand`, which stats
the file on each search (one `stat`, microseconds) and reads it again only when it changed: a
new pair applies to the next search, without a rebuild or a restart.
"""
from __future__ import annotations

import json
import os
import struct
import threading
from functools import lru_cache
from pathlib import Path

from indexer.analysis import fold, is_dictionary_word, jieba_dictionary, segmenter
from indexer.deskfiles import locked, write_json
from indexer.paths import PACKAGE_DATA

TABLE = PACKAGE_DATA / "variants.json"  # written by `python -m indexer.variants` (build_table)
TRADITIONAL = PACKAGE_DATA / "traditional.json"  # written with it (build_traditional)

MAX_VARIANTS = 4

# (mainland, Taiwan) pairs OpenCC's phrase tables lack; reviewed by hand.
_OWN_PAIRS: tuple[tuple[str, str], ...] = (
    ("质量", "品質"),
    ("计划", "計畫"),  # Taiwan's standard form; OpenCC writes 計劃, which folds to 计划
    ("规划", "規畫"),
    ("悉尼", "雪梨"),
    ("特朗普", "川普"),
    ("普京", "普丁"),
    ("默克尔", "梅克爾"),
    ("马克龙", "馬克宏"),
    ("泽连斯基", "澤倫斯基"),
    ("内塔尼亚胡", "納坦雅胡"),
    ("朝鲜", "北韓"),
    ("宇航员", "太空人"),
    ("幼儿园", "幼稚園"),
    ("菠萝", "鳳梨"),
    ("猕猴桃", "奇異果"),
    ("三文鱼", "鮭魚"),
    ("公交车", "公車"),
    ("外卖", "外送"),
    ("数据中心", "資料中心"),
    ("大数据", "大數據"),
)

# OpenCC pairs (folded mainland, folded Taiwan) that are everyday words with another meaning.
_AMBIGUOUS: frozenset[tuple[str, str]] = frozenset(
    tuple(p.split("/")) for p in (  # type: ignore[misc]
        "发布/释出 文件/档案 文档/文件 程序/程式 进程/程序 进程/行程 社区/社群 联系/联络 "
        "查找/查询 运行/执行 地址/位址 对象/物件 访问/存取 局部/区域性 声明/宣告 高级/进阶 "
        "高级/高阶 低级/低阶 高端/高阶 注销/登出 保存/储存 存储/储存 创建/建立 打开/开启 "
        "支持/支援 数字/数位 模拟/类比 仿真/模拟 消息/讯息 设备/装置 信道/通道 交互/互动 "
        "图像/影像 实时/即时 添加/新增 集成/整合 调用/呼叫 连接/连线 通信/通讯 项目/专案 "
        "智能/智慧 审核/稽核 重载/过载 呼出/拨出 截取/撷取 查看/检视 视图/检视 全局/全域性 "
        "导入/汇入 导出/汇出 发送/传送 接口/介面 界面/介面 在线/线上 拷贝/复制 禁用/停用 "
        "死机/宕机 算子/运算元 调制/调变 调度/排程 串行/序列 散列/杂凑 盘片/碟片 插件/外挂 "
        "壁纸/桌布 循环/回圈 屏蔽/遮蔽 溢出/溢位 映射/对映 镜像/映象 范式/正规化 词组/片语 "
        "实例/例项 性能/效能 优化/最佳化 大数据/大资料 数据/资料 集群/丛集 激活/启用 "
        "传感/感测 数字/数位 字体/字型 图库/相簿 相册/相簿 局部/区域性 视频/视讯 "
        "音频/音讯 信号/讯号 质量/质量 导出/汇出 回调/回拨 比特/位元 比特/位元组"
    ).split()
)

_OPENCC_FILES = ("TWPhrases.ocd2", "TWPhrasesRev.ocd2")


def _ocd2_values(path: Path) -> list[list[str]]:
    """The values of an OpenCC `.ocd2` dictionary (keys live in its marisa trie; not needed).

    The file ends with OpenCC's SerializedValues block: item count (u32), total value bytes
    (u32), the NUL-terminated values, then per item a u16 count and a u16 length per value.
    The block is found by trying each start offset from the end until one accounts for every
    byte up to the end of the file.
    """
    data = path.read_bytes()
    size = len(data)
    for p in range(size - 8, 0, -1):
        n, total = struct.unpack_from("<II", data, p)
        buf_end = p + 8 + total
        if n == 0 or n > 1_000_000 or buf_end + 4 * n > size or not total:
            continue
        if data[buf_end - 1] != 0:
            continue
        q, used, items = buf_end, 0, []
        try:
            for _ in range(n):
                (k,) = struct.unpack_from("<H", data, q)
                lens = struct.unpack_from(f"<{k}H", data, q + 2)
                q += 2 + 2 * k
                if k == 0:
                    raise ValueError
                items.append([data[p + 8 + used + sum(lens[:i]):p + 8 + used + sum(lens[:i + 1]) - 1]
                              for i in range(k)])
                used += sum(lens)
        except (struct.error, ValueError):
            continue
        if q == size and used == total:
            return [[v.decode("utf-8") for v in vs] for vs in items]
    raise ValueError(f"no value block found in {path}")


def _opencc_dir() -> Path:
    import opencc

    return Path(opencc.__file__).parent / "clib" / "share" / "opencc"


def _build_pairs() -> dict[str, tuple[str, ...]]:
    """folded wording → folded wordings of the other side (both directions), from OpenCC."""
    import opencc

    tw2sp, s2twp = opencc.OpenCC("tw2sp"), opencc.OpenCC("s2twp")
    found: set[tuple[str, str]] = set()
    folder = _opencc_dir()
    taiwan, mainland = (_ocd2_values(folder / name) for name in _OPENCC_FILES)
    for values in taiwan:  # Taiwan wordings: their mainland partner via tw2sp
        for v in values:
            found.add((fold(tw2sp.convert(v)), fold(v)))
    for values in mainland:  # mainland wordings: their Taiwan partner via s2twp
        for v in values:
            found.add((fold(v), fold(s2twp.convert(fold(v)))))
    found |= {(fold(a), fold(b)) for a, b in _OWN_PAIRS}
    table: dict[str, list[str]] = {}
    for a, b in sorted(found):
        if a == b or len(a) < 2 or len(b) < 2 or (a, b) in _AMBIGUOUS:
            continue
        table.setdefault(a, []).append(b)
        table.setdefault(b, []).append(a)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


def _build_taiwan_side() -> frozenset[str]:
    """Folded wordings that are Taiwan's (written in Traditional characters when shown)."""
    import opencc

    s2twp = opencc.OpenCC("s2twp")
    tw = {fold(b) for _, b in _OWN_PAIRS}
    for values in _ocd2_values(_opencc_dir() / _OPENCC_FILES[0]):
        tw.update(fold(v) for v in values)
    for values in _ocd2_values(_opencc_dir() / _OPENCC_FILES[1]):
        tw.update(fold(s2twp.convert(fold(v))) for v in values)
    return frozenset(tw)


def build_table() -> dict:
    """The pairing as shipped in `TABLE`: computed from the installed OpenCC's tables (about
    0.4 s, so it is computed once, by `python -m indexer.variants`, not in every process)."""
    table = _build_pairs()
    partners = {p for ps in table.values() for p in ps}
    return {"pairs": {k: list(v) for k, v in sorted(table.items())},
            "taiwan": sorted(_build_taiwan_side() & partners),
            "script_chars": _build_script_chars()}


def build_traditional() -> dict:
    """What writes a Taiwan wording in Traditional characters without OpenCC (see
    `_traditional`): each character's own conversion where it changes; the characters some
    dictionary word converts otherwise (发 in 头发); and those words of jieba's dictionary whose
    conversion is not their characters' own."""
    s2tw = _to_traditional()
    chars = [chr(c) for lo, hi in ((0x3400, 0xA000), (0xF900, 0xFB00)) for c in range(lo, hi)]
    own = {a: b for a, b in zip(chars, s2tw("\n".join(chars)).split("\n")) if a != b and len(b) == 1}
    words = sorted({fold(w) for w in jieba_dictionary()[0]})
    ambiguous: set[str] = set()
    exceptions: dict[str, str] = {}
    for word, converted in zip(words, s2tw("\n".join(words)).split("\n")):
        by_char = "".join(own.get(c, c) for c in word)
        if converted != by_char:
            exceptions[word] = converted
            ambiguous.update(c for c, a, b in zip(word, converted, by_char) if a != b or len(converted) != len(word))
            if len(converted) != len(word):
                ambiguous.update(word)
    return {"traditional": dict(sorted(own.items())), "ambiguous": "".join(sorted(ambiguous)),
            "traditional_words": dict(sorted(exceptions.items()))}


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads(TABLE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def pairs() -> dict[str, tuple[str, ...]]:
    """folded wording → folded wordings of the other side (both directions)."""
    return {k: tuple(v) for k, v in _table()["pairs"].items()}


@lru_cache(maxsize=1)
def _taiwan_side() -> frozenset[str]:
    """Folded wordings of the table that are Taiwan's (written in Traditional characters when shown)."""
    return frozenset(_table()["taiwan"])


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2tw").convert


@lru_cache(maxsize=1)
def _traditional_tables() -> tuple[dict[int, str], frozenset[str], dict[str, str]]:
    t = json.loads(TRADITIONAL.read_text(encoding="utf-8"))
    return ({ord(k): v for k, v in t["traditional"].items()}, frozenset(t["ambiguous"]), t["traditional_words"])


def _traditional(text: str) -> str:
    """`text` (folded: Simplified characters) in Traditional characters, as OpenCC's `s2tw`
    writes it, from the shipped tables where they decide it (OpenCC takes ~0.1 s to load: a
    third of a command-line search): character by character where no character is one that
    some word converts otherwise; else word by word (jieba's cut), a dictionary word from its
    own entry or its characters; OpenCC only for a word it does not know holding such a
    character."""
    own, ambiguous, words = _traditional_tables()
    if not any(c in ambiguous for c in text):
        return text.translate(own)
    out = []
    for piece in segmenter.cut_query(text):
        if piece in words:
            out.append(words[piece])
        elif not any(c in ambiguous for c in piece) or len(piece) > 1 and is_dictionary_word(piece):
            out.append(piece.translate(own))
        else:  # such a character alone, or in a word jieba's dictionary lacks: context decides
            return _to_traditional()(text)
    return "".join(out)


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc

    return opencc.OpenCC("tw2s").convert


def script_variants(term: str) -> list[str]:
    """The term as OpenCC's phrase conversion writes it in the other script, when that folds
    differently from the term (else [])."""
    term = term.strip()
    if not term or "\x00" in term:  # OpenCC reads its input as a C string: a NUL ends it
        return []
    chars = _script_chars()
    if not any(c in chars for c in term + fold(term)):
        return []  # no character whose conversion can fold differently: OpenCC not needed
    return _opencc_script_variants(term)


@lru_cache(maxsize=1)
def _script_chars() -> frozenset[str]:
    return frozenset(_table()["script_chars"])


def _build_script_chars() -> str:
    """Every character whose conversion to the other script (alone, or as OpenCC's phrase
    tables convert it in context) folds to another character than it: only a term holding
    one can have a script variant. Checked against jieba's whole dictionary in both scripts."""
    s2tw, tw2s = _to_traditional(), _to_simplified()
    found: set[str] = set()
    chars = [chr(c) for lo, hi in ((0x3400, 0xA000), (0xF900, 0xFB00), (0x20000, 0x323B0)) for c in range(lo, hi)]
    for convert in (s2tw, tw2s):
        for a, b in zip(chars, convert("\n".join(chars)).split("\n")):
            if fold(a) != fold(b):
                found.update((a, fold(a)))
    folder = _opencc_dir()
    # phrase tables: where a value's character folds otherwise than the other script's
    # character at its place (the Simplified side of a Traditional value, and back)
    for name, convert in (("STPhrases.ocd2", tw2s), ("STPhrases_GeneratedFromRegionalPhrases.ocd2", tw2s),
                          ("TWVariantsPhrases.ocd2", tw2s), ("TWVariantsRevPhrases.ocd2", tw2s),
                          ("TSPhrases.ocd2", s2tw)):
        for values in _ocd2_values(folder / name):
            for v in values:
                other = convert(v)
                if len(other) == len(v):
                    found.update(x for a, b in zip(v, other) if fold(a) != fold(b) for x in (a, b, fold(a), fold(b)))
    for name in ("STCharacters.ocd2", "TSCharacters.ocd2", "TSCharactersExt.ocd2"):
        for values in _ocd2_values(folder / name):
            # a character with several conversions: context decides, which matters only where
            # they fold apart (发 → 發 or 髮 folds back to 发 either way; 了 → 了 or 瞭 does not)
            if len(values) > 1 and len({fold(t) for t in values}) > 1:
                found.update(x for t in values for x in (t, fold(t)))
    # (CJK compatibility ideographs need no entry: every one is converted alone above)
    for name in ("TWVariants.ocd2", "TWVariantsRev.ocd2"):
        for values in _ocd2_values(folder / name):
            found.update(x for t in values if len(t) == 1 for x in (t, fold(t)))
    return "".join(sorted(found))


def _opencc_script_variants(term: str) -> list[str]:
    folded = fold(term)
    traditional = _to_traditional()(term)
    # Simplified input has a Traditional form that differs from it; Traditional input does not.
    other = traditional if folded == term and traditional != term else _to_simplified()(term)
    if not other or fold(other) == folded or not _has_units(other):
        return []
    return [other]


def _has_units(text: str) -> bool:
    from indexer.analysis import units

    return bool(units(fold(text)))


@lru_cache(maxsize=1)
def _max_len() -> int:
    return max(map(len, pairs()), default=0)


def _matches(folded: str, wording: Wording | None = None) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, partners) for paired wordings in `folded`, longest match first, no overlap."""
    table, longest = (pairs(), _max_len()) if wording is None else (wording.table, wording.longest)
    out = []
    i, n = 0, len(folded)
    while i < n:
        for length in range(min(longest, n - i), 1, -1):
            partners = table.get(folded[i:i + length])
            if partners:
                out.append((i, i + length, partners))
                i += length
                break
        else:
            i += 1
    return out


# ------------------------------------------------------------------ an index's own pairs

INDEX_FILE = "variants.json"  # in the index folder: {"pairs": [[A, B], ...]} as the editor wrote them


class BadPair(ValueError):
    """A pair that cannot be added or removed; one line for the user."""


class Wording:
    """The shipped pairing merged with an index's own pairs (compared by identity: one object
    per version of the file, so the per-term cache keys on it)."""

    def __init__(self, own: list[tuple[str, str]]) -> None:
        self.own = own
        table = dict(pairs())
        taiwan = set(_taiwan_side())
        for a, b in own:
            fa, fb = fold(a), fold(b)
            table[fa] = tuple(dict.fromkeys(table.get(fa, ()) + (fb,)))
            table[fb] = tuple(dict.fromkeys(table.get(fb, ()) + (fa,)))
            taiwan.update(fold(w) for w in (a, b) if fold(w) != w)  # written in Traditional: shown so
        self.table = table
        self.taiwan = frozenset(taiwan)
        self.longest = max(map(len, table), default=0)


_index_cache: dict[Path, tuple[tuple, Wording | None]] = {}
_index_lock = threading.Lock()


def _stamp(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def index_pairs(index_dir: Path | str) -> list[tuple[str, str]]:
    """The index's own pairs, as written, in the order they were added ([] without a file; a
    file that is not the JSON written here counts as none)."""
    try:
        data = json.loads((Path(index_dir) / INDEX_FILE).read_text(encoding="utf-8"))
        return [(str(a), str(b)) for a, b in data["pairs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def index_wording(index_dir: Path | str | None) -> Wording | None:
    """The pairing a search over `index_dir` uses: None (the shipped tables alone) when the index
    has no pairs of its own; re-read only when the file changed (inode, mtime, size)."""
    if index_dir is None:
        return None
    path = Path(index_dir) / INDEX_FILE
    stamp = _stamp(path)
    if stamp is None:
        return None
    cached = _index_cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _index_lock:
        own = index_pairs(index_dir)
        wording = Wording(own) if own else None
        _index_cache[path] = (stamp, wording)
        return wording


def check_pair(a: str, b: str) -> tuple[str, str]:
    """The pair trimmed; raises BadPair when a side is not at least two characters to search,
    or both sides are one wording once folded (script and width differences are folded anyway)."""
    from indexer.analysis import units

    a, b = str(a).strip(), str(b).strip()
    for w in (a, b):
        if len(fold(w)) < 2 or not units(fold(w)) or len(w) > 50:
            raise BadPair(f"{w!r}: a wording is 2 to 50 characters, with something to search")
        if any(not c.isprintable() or c.isspace() for c in w):
            raise BadPair(f"{w!r}: a wording holds no spaces or control characters")
    if fold(a) == fold(b):
        raise BadPair(f"{a} and {b} are one wording once folded (simplified/traditional, width, case): "
                      "they find each other already")
    return a, b


def _same(p: tuple[str, str], q: tuple[str, str]) -> bool:
    return {fold(p[0]), fold(p[1])} == {fold(q[0]), fold(q[1])}


def add_index_pair(index_dir: Path | str, a: str, b: str) -> bool:
    """Add the pair to the index's own (BadPair when invalid). Returns False when it was there."""
    pair = check_pair(a, b)
    index_dir = Path(index_dir)
    with locked(index_dir):
        own = index_pairs(index_dir)
        if any(_same(pair, p) for p in own):
            return False
        write_json(index_dir / INDEX_FILE, {"pairs": [list(p) for p in own + [pair]]})
    return True


def remove_index_pair(index_dir: Path | str, a: str, b: str) -> None:
    """Remove the pair (either order) from the index's own; BadPair when it is not one of them
    (the shipped pairs cannot be removed)."""
    pair = (str(a).strip(), str(b).strip())
    index_dir = Path(index_dir)
    with locked(index_dir):
        own = index_pairs(index_dir)
        kept = [p for p in own if not _same(pair, p)]
        if len(kept) == len(own):
            raise BadPair(f"{pair[0]} / {pair[1]} is not one of this index's pairs"
                          + (" (it is a shipped pair)" if is_shipped(*pair) else ""))
        write_json(index_dir / INDEX_FILE, {"pairs": [list(p) for p in kept]})


def is_shipped(a: str, b: str) -> bool:
    """Whether the shipped tables pair the two wordings already."""
    return fold(b.strip()) in pairs().get(fold(a.strip()), ())


@lru_cache(maxsize=4096)
def variants(term: str, wording: Wording | None = None) -> list[str]:
    """The other side's wordings of `term` (at most MAX_VARIANTS; [] when it has none); with
    `wording`, an index's own pairs too (`index_wording`).

    >>> variants("高质量发展")
    ['高品質發展']
    """
    folded = fold(term.strip())
    found = _matches(folded, wording)
    out: list[str] = script_variants(term)
    if not found:
        return out
    taiwan = _taiwan_side() if wording is None else wording.taiwan
    # One variant per choice of partner; the first partner everywhere, then each alternative.
    choices = [[p[0] for _, _, p in found]]
    for k, (_, _, partners) in enumerate(found):
        for alt in partners[1:]:
            choice = list(choices[0])
            choice[k] = alt
            choices.append(choice)
    for choice in choices:
        pieces, last, to_taiwan = [], 0, False
        for (start, end, _), partner in zip(found, choice):
            pieces.append(folded[last:start])
            pieces.append(partner)
            to_taiwan = to_taiwan or partner in taiwan
            last = end
        pieces.append(folded[last:])
        text = "".join(pieces)
        shown = _traditional(text) if to_taiwan else text
        if fold(shown) != text:  # s2tw chose a character that folds elsewhere: keep folded
            shown = text
        if text != folded and all(fold(o) != text for o in out):
            out.append(shown)
        if len(out) >= MAX_VARIANTS:
            break
    return out


def clause_variants(clauses, wording: Wording | None = None) -> dict[int, list[str]]:
    """index → variants for each clause (an `indexer.query.Clause`) the search expands: unquoted,
    searching titles and bodies (not source:/author:), not excluded. A quoted phrase stays
    exact (script folding only); its variant is offered as a suggestion instead."""
    out: dict[int, list[str]] = {}
    for i, clause in enumerate(clauses):
        if clause.quoted or clause.negated or clause.field not in (None, "title"):
            continue
        found = variants(clause.text, wording)
        if found:
            out[i] = found
    return out


def expand(parsed, index_dir: Path | str | None = None):
    """(the query with each expandable clause ORed with its variants, the variants added).

    `parsed` is an `indexer.query.ParsedQuery`; the result is a new one (the original is kept
    for ranking the wording as typed first). With `index_dir`, the index's own pairs count too."""
    from indexer.query import Clause, ParsedQuery

    found = clause_variants(parsed.positive, index_wording(index_dir))
    if not found:
        return parsed, []
    groups, added, i = [], [], 0
    for group in parsed.groups:
        members = list(group)
        for clause in group:
            for v in found.get(i, []):
                members.append(Clause(v, clause.field, False, False))
                added.append(v)
            i += 1
        groups.append(members)
    return ParsedQuery(groups=groups, excluded=list(parsed.excluded)), list(dict.fromkeys(added))


if __name__ == "__main__":  # regenerate the shipped tables after changing OpenCC, jieba or the lists above
    TABLE.write_text(json.dumps(build_table(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    TRADITIONAL.write_text(json.dumps(build_traditional(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {TABLE} and {TRADITIONAL}")
