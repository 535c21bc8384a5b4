"""An index's own cross-strait pairs (`variants add A B`, `variants remove A B`): an editor's
wording, kept in `variants.json` in the index folder and merged with the shipped tables at
search time by `indexer.search.variants.index_wording`."""
from __future__ import annotations

from pathlib import Path

from indexer.analysis import fold, units
from indexer.deskfiles import locked, write_json
from indexer.search.variants import INDEX_FILE, index_pairs, pairs


class BadPair(ValueError):
    """A pair that cannot be added or removed; one line for the user."""


def check_pair(a: str, b: str) -> tuple[str, str]:
    """The pair trimmed; raises BadPair when a side is not at least two characters to search,
    or both sides are one wording once folded (script and width differences are folded anyway)."""
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
