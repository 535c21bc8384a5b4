"""Building the analysis tables shipped in `indexer/data` (`fold.json`, `jieba_words.txt`) that
`indexer.analysis` loads at start-up: `python -m indexer.analysis_tables` after an OpenCC or jieba
upgrade (a test keeps the shipped files equal to what this gives)."""
from __future__ import annotations

import json
import unicodedata

from indexer.analysis import FOLD_TABLE_FILE, JIEBA_WORDS, jieba_dictionary


def build_fold_table() -> dict[int, str]:
    """Map each character whose NFKC form, case fold or Simplified form is one other character."""
    table: dict[int, str] = {}
    # NFKC where it maps one character to exactly one character, in every plane: full-width
    # forms, the ideographic space, compatibility ideographs (and their supplement: U+2F804 is
    # 你), Kangxi radicals, circled ideographs (㊥ is 中), the mathematical letters a headline
    # writes a word in (𝐁𝐄𝐘𝐎𝐍𝐃 is beyond), modifier letters; Latin-1's ¹ ² ³ as the digits, as
    # the other superscripts are (`100m²` is found by 100m2), µ as μ, the no-break space as a space
    for cp in (*range(0xA0, 0xD800), *range(0xE000, 0x110000)):
        ch = chr(cp)
        norm = unicodedata.normalize("NFKC", ch)
        if norm != ch and len(norm) == 1:
            table[cp] = norm
    # Traditional → Simplified, one character at a time: context-free, so folding never
    # depends on the neighbouring characters and a query folds like the text it is cut from.
    import opencc

    converter = opencc.OpenCC("t2s")
    chars = [chr(cp) for cp in range(0x3400, 0xA000)]
    chars += [table.get(cp, chr(cp)) for cp in range(0xF900, 0xFB00)]
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) == len(chars):
        for original, simple in zip(chars, converted):
            if len(simple) == 1 and simple != original:
                table[ord(original)] = simple
    # Greek capital and final sigma: `str.lower` makes Σ the final ς after a letter (`F.Σ1` →
    # `f.ς1`) and σ elsewhere, so the same word would fold two ways; both fold to σ first.
    table[0x03A3] = "\u03c3"
    table[0x03C2] = "\u03c3"
    # Follow chains (compatibility ideograph → NFKC → Simplified; 薴 → 苧 → 苎) to their end, so
    # folding is idempotent: a query in folded form folds like the text it was taken from.
    for cp in list(table):
        seen = {cp}
        target = table[cp]
        while ord(target) in table and ord(target) not in seen:
            seen.add(ord(target))
            target = table[ord(target)]
        table[cp] = target
    return {cp: t for cp, t in table.items() if t != chr(cp)}


def jieba_words() -> bytes:
    """The content of `indexer.analysis.JIEBA_WORDS`, from jieba's dictionary."""
    freqs, total = jieba_dictionary()
    lines = sorted(f"{w} {n}\n".encode() for w, n in freqs.items())
    return f"#total {total}\n".encode() + b"".join(lines)


if __name__ == "__main__":  # regenerate the shipped tables after an OpenCC or jieba upgrade
    FOLD_TABLE_FILE.write_text(json.dumps({str(cp): ch for cp, ch in sorted(build_fold_table().items())},
                                     ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    JIEBA_WORDS.write_bytes(jieba_words())
    print(f"wrote {FOLD_TABLE_FILE} and {JIEBA_WORDS}")
