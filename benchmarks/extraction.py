"""Extraction benchmark: field accuracy against hand-read labels, per site family, and pages per second.

    python -m benchmarks.extraction CORPUS [CORPUS ...] [--labels FILE] [--verbose] [--no-trafilatura]
                                    [--generic-only] [--by-site]

Each CORPUS is a folder whose name is a key of `benchmarks/labels.json` (`news-html`,
`news-html-2`, `rmrb-text`); labels are keyed by path relative to that folder. Labels were
read from each page: title (a list gives every acceptable form), date, source (only pages that
print one are checked), authors where checked, and for the body either one sentence that must be
in it (`body`) or the whole ground-truth text (`full_body`, kept as a `fingerprint`: hashes of its
pieces, so the labels do not republish third-party articles).

Fields: titles, dates and sources compare after NFKC and removing whitespace; `body` holds when
the sentence is in the body (for `full_body` pages: ≥ 90% of the text's 10-character pieces
are in the body); `clean` (full_body pages only) also needs ≥ 90% of the body's pieces to be in
the ground truth: it starts and ends where the article does and holds no boilerplate. A label
read as first/last words holds where the body starts with its `first` words, or with them after
the agency's dateline the label left out (`大公网怀化9月27日讯（记者李颖）` opening the paragraph:
labels differ on whether the text starts before it or after it), ends with its `last` words and
holds none of its `must_not` furniture.

Three extractors: `rules` (indexer.extract as shipped), `trafilatura` (`bare_extraction`, when
installed: requirements-bench.txt) and `combined` (what indexer.extract ships is the rules with
trafilatura as a fallback where the rules' body looks wrong; here: per field, the rules' value
unless it is empty, then trafilatura's). Speed is extraction alone of the HTML pages (bytes in
memory, a warm second pass, best of three for the rules), one process, one core, in CPU time so
that other load on the machine skews it less; also for decoding and the HTML rules alone
(`extract_html`, without `extract_file`'s junk checks around it).

Honest figures. Besides the site families, each field is reported for pages of sets the rules
were written against (`dev`: their misses were read while the rules were written), of sets
labelled after the first rules and then used to tune them (`later`) and of sets labelled before
any rule was changed for them (`new`; `_tuning` in the labels file says which set is which), and
for pages whose markup one of the rules' CMS-specific class names matches (`named`: `TRS_Editor`,
`rich_media`, `artibody`, `zoom`, `news_txt`) and the others (`unnamed`). `--generic-only`
scores every page with those names taken out of the rules, so no page is helped by a name
learnt from its own site (leave-site-out for the only per-site knowledge the rules hold).
`--by-site` cleans each corpus folder's articles (every file of it, labelled or not) by what
their site prints on many pages (`indexer.extract.sites.clean_by_site`), as an archive would be.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

from indexer.article import Article
from indexer.dates import parse_date
from indexer.extract import SUPPORTED_SUFFIXES, content, extract_file
from indexer.extract.authors import parse_authors
from indexer.extract.encoding import decode
from indexer.extract.html import extract_html
from indexer.extract.sites import clean_by_site

FIELDS = ("title", "date", "source", "authors", "body", "clean")
_HTML = (".html", ".htm", ".shtml")
# Class names in content._POSITIVE that come from particular sites' templates, not general words.
_SITE_WORDS = ("trs_?editor", "rich_media", "artibody", "zoom", "news_?txt")
_NAMED = re.compile(rb"""(?:class|id)\s*=\s*["']?[^"'>]*(?:trs_?editor|rich_media|artibody|\bzoom\b|news_?txt)""", re.IGNORECASE)


def _generic_only() -> None:
    """Take the site-specific class names out of the content rules (for this process)."""
    words = [w for w in content._POSITIVE.pattern.split("|") if w not in _SITE_WORDS]
    content._POSITIVE = re.compile("|".join(words), re.IGNORECASE)
    content._names_weight.cache_clear()


def _by_site(folder: Path, name: str) -> dict[str, Article]:
    """Every article of a corpus folder, cleaned by what its site prints on many of its pages."""
    articles = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and path.suffix.lower() not in (".json", ".jsonl"):
            rel = path.relative_to(folder).as_posix()
            articles += [a for a in extract_file(path.read_bytes(), rel) if isinstance(a, Article)]
    cleaned = clean_by_site(articles, source=name)
    lines = sum(a.body.count("\n") - c.body.count("\n") for a, c in zip(articles, cleaned))
    changed = sum(a is not c for a, c in zip(articles, cleaned))
    print(f"{name}: site learning removed {lines} lines from {changed} of {len(articles)} articles")
    return {a.id: a for a in cleaned}


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


PIECE = 10  # characters of a piece of text compared with the ground truth

# The dateline opening a report's first paragraph (`大公网怀化9月27日讯（记者李颖）`, `成都全搜索新闻网（记者
# 王玲）4月28日报道`), whitespace removed: labels differ on whether the text starts before or after it.
_DATELINE = re.compile(r"^[^，。、]{0,30}?(?:[讯訊电電]|[报報][道导導])[(（][^()（）]{1,30}[)）]"
                       r"|^[^，。、]{0,30}?[(（](?:[^()（）]{0,6}(?:[记記]者|通[讯訊][员員]))[^()（）]{0,30}[)）]"
                       r"(?:\d{1,2}月\d{1,2}日(?:[电電讯訊]|[报報][道导導]))?"
                       r"|^[^，。、]{0,20}?\d{1,2}月\d{1,2}日[电電讯訊](?![(（])")  # `中新网1月4日电 据…`


def _letters(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", _norm(text))


def _pieces(text: str, step: int = 3) -> set[str]:
    """Every `step`-th piece of PIECE letters (the whole text when it is shorter)."""
    text = _letters(text)
    return {text[i:i + PIECE] for i in range(0, max(len(text) - PIECE + 1, 1), step)} if text else set()


def _hash(piece: str) -> int:
    return int.from_bytes(hashlib.blake2b(piece.encode("utf-8"), digest_size=4, person=b"wensou-l").digest(), "little")


def _hashes(pieces) -> set[int]:
    return {_hash(piece) for piece in pieces}


def fingerprint(text: str) -> dict[str, str]:
    """What the labels keep of a whole ground-truth body, instead of the third party's text: the
    hashes (32 bits) of every third piece of it (`pieces`, the text a body must hold) and of every
    piece (`windows`: what a body's pieces may be), each set sorted and packed in base64 — enough
    to score a body, not to read the article."""
    def pack(values: set[int]) -> str:
        return base64.b64encode(b"".join(v.to_bytes(4, "little") for v in sorted(values))).decode("ascii")
    return {"pieces": pack(_hashes(_pieces(text))), "windows": pack(_hashes(_pieces(text, step=1)))}


def _unpack(packed: str) -> set[int]:
    raw = base64.b64decode(packed)
    return {int.from_bytes(raw[i:i + 4], "little") for i in range(0, len(raw), 4)}


def _share(part: set[int], whole: set[int]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _field_ok(field: str, got: Article | None, want: dict) -> bool | None:
    """Whether `got` has `field` right; None when the page's label does not check the field."""
    if got is None:
        return False if field in want or (field in ("body", "clean") and "full_body" in want) else None
    if field in ("clean", "body") and "full_body" in want:
        # Some ground-truth bodies begin with the headline; the title is its own field, so pieces of
        # the extracted title are not asked of the body.
        truth = want["full_body"]
        wanted = _unpack(truth["pieces"]) - _hashes(_pieces(got.title, step=1))
        recall = _share(wanted, _hashes(_pieces(got.body, step=1)))
        if field == "body":
            return recall >= 0.9
        return recall >= 0.9 and _share(_hashes(_pieces(got.body)), _unpack(truth["windows"])) >= 0.9
    if field == "clean":
        if "first" not in want and "last" not in want:
            return None
        # a label read from the page as printed: the body starts and ends where the article does
        # and holds none of the page's furniture
        body = _norm(got.body)
        first = _norm(want.get("first"))
        dateline = _DATELINE.match(body)
        starts = body.startswith(first) or bool(dateline) and body[dateline.end():].startswith(first)
        return (starts and body.endswith(_norm(want.get("last")))
                and not any(_norm(bad) in body for bad in want.get("must_not", [])))
    if field == "body":
        if "body" not in want:
            return None
        body = _norm(got.body)
        return _norm(want["body"]) in body and not any(_norm(bad) in body for bad in want.get("must_not", []))
    if field not in want:
        return None
    if field == "authors":
        return list(got.authors) == list(want["authors"])
    if field == "source" and want["source"] is None:
        return None  # only pages that print a source are checked
    accepted = want[field] if isinstance(want[field], list) else [want[field]]
    return any(_norm(getattr(got, field)) == _norm(value) if value is not None else getattr(got, field) is None
               for value in accepted)


def _trafilatura(raw: bytes, rel: str) -> Article | None:
    from trafilatura import bare_extraction

    text = decode(raw)
    if text is None:
        return None
    doc = bare_extraction(text, with_metadata=True, include_comments=False, include_tables=True)
    if doc is None:
        return None
    get = doc.get if isinstance(doc, dict) else lambda key: getattr(doc, key, None)
    return Article(id=rel, title=get("title") or "", date=parse_date(get("date")), source=get("sitename") or None,
                   authors=parse_authors((get("author") or "").replace(";", "、")), body=get("text") or "")


def _combined(rules: Article | None, other: Article | None) -> Article | None:
    if rules is None or other is None:
        return rules or other
    return Article(id=rules.id, title=rules.title or other.title, date=rules.date or other.date,
                   source=rules.source or other.source, authors=rules.authors or other.authors,
                   body=rules.body or other.body)


def _family(rel: str, corpus: str, families: dict[str, list[str]]) -> str:
    folder = rel.split("/")[0] if "/" in rel else corpus
    return next((family for family, folders in families.items() if folder in folders or corpus in folders), "other")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="+", help="labelled corpus folders (news-html, news-html-2, rmrb-text)")
    parser.add_argument("--labels", type=Path, default=Path(__file__).with_name("labels.json"))
    parser.add_argument("--verbose", action="store_true", help="list every miss of the rules")
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--generic-only", action="store_true", help="score without the rules' site-specific class names")
    parser.add_argument("--by-site", action="store_true", help="clean each folder's articles by their site's repeated lines")
    args = parser.parse_args(argv)
    if args.generic_only:
        _generic_only()
    all_labels = json.loads(args.labels.read_text(encoding="utf-8"))
    families = all_labels.get("_families", {})
    tuning = {corpus: stage for stage, corpora in all_labels.get("_tuning", {}).items() for corpus in corpora}
    try:
        import trafilatura  # noqa: F401
        use_traf = not args.no_trafilatura
    except ImportError:
        use_traf = False
    extractors = ("rules", "trafilatura", "combined") if use_traf else ("rules",)
    # results[extractor][field][family] -> [good, checked]
    tally: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: [0, 0])))
    timing = defaultdict(lambda: [0.0, 0])
    misses: list[str] = []
    sites: set[str] = set()
    for folder in args.corpus:
        name = folder.resolve().name
        labels = all_labels.get(name)
        if not labels:
            print(f"{folder}: no labels for a corpus named {name!r}")
            continue
        cleaned = _by_site(folder, name) if args.by_site else {}
        for rel, want in sorted(labels.items()):
            path = folder / rel
            if not path.is_file():
                continue
            raw = path.read_bytes()
            html = rel.lower().endswith(_HTML)
            out = list(extract_file(raw, rel))
            got = {"rules": out[0] if out and isinstance(out[0], Article) else None}
            if args.by_site and got["rules"] is not None:
                got["rules"] = cleaned.get(rel, got["rules"])
            if use_traf:
                got["trafilatura"] = _trafilatura(raw, rel) if html else got["rules"]
                got["combined"] = _combined(got["rules"], got["trafilatura"])
            family = _family(rel, name, families)
            stage = tuning.get(name, "later")
            named = "named" if html and _NAMED.search(raw) else "unnamed"
            sites.add(f"{name}/{rel.split('/')[0]}" if "/" in rel else name)
            for extractor in extractors:
                for field in FIELDS:
                    ok = _field_ok(field, got[extractor], want)
                    if ok is None:
                        continue
                    for bucket in ("all", family, stage, named):
                        tally[extractor][field][bucket][1] += 1
                        tally[extractor][field][bucket][0] += int(ok)
                    if extractor == "rules" and not ok and args.verbose:
                        value = getattr(got["rules"], "body" if field == "clean" else field, None)
                        expected = want.get(field, want.get("body", "(full_body)"))
                        misses.append(f"  {field:7} {name}/{rel}: want {str(expected)[:60]!r} got {str(value)[:90]!r}")
    # Speed: a second, warm pass over the HTML pages alone (the first pass paid for imports and caches).
    timing.clear()
    html_pages = [(folder / rel).read_bytes() for folder in args.corpus for rel in all_labels.get(folder.resolve().name, {})
                  if rel.lower().endswith(_HTML) and (folder / rel).is_file()]
    for extractor in extractors[:2]:
        best = float("inf")
        for _ in range(3 if extractor == "rules" else 1):  # best of three passes for the rules (cheap)
            started = time.process_time()
            for raw in html_pages:
                list(extract_file(raw, "p.html")) if extractor == "rules" else _trafilatura(raw, "p.html")
            best = min(best, time.process_time() - started)
        timing[extractor] = [best, len(html_pages)]
    # The same pages through decoding and the HTML rules alone, without extract_file's checks
    # around them (the junk check reads every character of the page in Python).
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for raw in html_pages:
            extract_html(decode(raw) or "", "p.html")
        best = min(best, time.process_time() - started)
    timing["rules, decode + extract_html only"] = [best, len(html_pages)]
    pages = len(html_pages)
    print(f"{len(sites)} sites; HTML pages timed: {pages}")
    buckets = ("all", "government", "news", "other", "dev", "later", "new", "named", "unnamed")
    print(f"{'field':8}{'extractor':13}" + "".join(f"{b:>17}" for b in buckets))
    for field in FIELDS:
        for extractor in extractors:
            cells = []
            for bucket in buckets:
                good, checked = tally[extractor][field][bucket]
                cells.append(f"{good:3}/{checked:<3} {100 * good / checked:5.1f}%" if checked else "-")
            print(f"{field:8}{extractor:13}" + "".join(f"{c:>17}" for c in cells))
    for extractor, (seconds, count) in timing.items():
        if count:
            print(f"speed {extractor}: {count / seconds:.0f} HTML pages/second")
    if misses:
        print("rules misses:")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
