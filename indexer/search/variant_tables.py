"""Building the shipped cross-strait tables (`data/variants.json`, `data/traditional.json`) that
`indexer.search.variants` reads: `python -m indexer.search.variant_tables` after changing
OpenCC, jieba or the lists here (a test checks the shipped files equal what this gives).

- OpenCC's Taiwan phrase tables, read from the installed OpenCC package (`TWPhrases.ocd2`,
  used by `s2twp`, and `TWPhrasesRev.ocd2`, used by `tw2sp`); nothing is downloaded. Each value
  is converted back with OpenCC itself to get its partner. Pairs whose words are everyday words
  on both sides with another meaning (文件 is a mainland "document" and a Taiwan "file";
  访问 an official visit; 支持 and 支援 are both common) are left out (`_AMBIGUOUS`): expanding
  them would bring in articles about something else.
- `_OWN_PAIRS`: a short reviewed table of common pairs the tables lack.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

from indexer.analysis import fold, jieba_dictionary
from indexer.search.variants import TABLE, TRADITIONAL, _to_simplified, _to_traditional

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
    0.4 s, so it is computed once, by `python -m indexer.search.variant_tables`, not in every process)."""
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


if __name__ == "__main__":  # regenerate the shipped tables after changing OpenCC, jieba or the lists above
    TABLE.write_text(json.dumps(build_table(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    TRADITIONAL.write_text(json.dumps(build_traditional(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {TABLE} and {TRADITIONAL}")
