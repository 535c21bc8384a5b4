"""Which file gave which articles (a generation's manifest.json), and the rules for ids.

The catalogue maps each file read (by absolute path) to its content hash, the options it was
read with, the source it came from and the articles it gave (id, URL, content hash). It decides
whether an arriving article is stored, and under which id (docs/interfaces.md "The article",
`id`). Ids are identity:

- an article with an id of its own is stored, even when its title and text equal another
  article's (the same story printed on two pages): identical content is a repost, collapsed
  at search time (`indexer.stories`), never a reason to drop an id. Such articles are counted
  as kept reposts;
- an id already taken by another article *from the same source* is a duplicate (a feed that
  repeats an id): the first is kept, the repeat reported;
- an id already taken by an article from *another* source is stored under the source
  folder's name as a prefix (`site-b/1.html`), so two sites saved the same way both stay.
"""
from __future__ import annotations

import hashlib
from collections import Counter

from indexer.article import Article


def content_hash(article: Article) -> str:
    """What makes two articles the same article: their title and text."""
    return hashlib.blake2b(f"{article.title}\n{article.body}".encode("utf-8", "surrogatepass"),
                           digest_size=12).hexdigest()


class Catalogue:
    """files: key -> {"hash", "opts", "source", "articles": [[id, url, content hash], ...]}."""

    def __init__(self, files: dict, default_opts: str | None = None) -> None:
        self.files: dict[str, dict] = {}
        self.id_owner: dict[str, str] = {}
        self.chash: dict[str, str | None] = {}
        self.content_owner: dict[str, str] = {}  # content hash -> the first article holding it
        for key, rec in files.items():
            rec = dict(rec)
            rec.setdefault("opts", default_opts)
            rec.setdefault("source", None)
            rec["articles"] = [[*a, None][:3] for a in rec.get("articles", [])]  # older manifests: [id, url]
            self.files[key] = rec
            for aid, _url, chash in rec["articles"]:
                self._own(key, aid, chash)

    def _own(self, key: str, aid: str, chash: str | None) -> None:
        self.id_owner[aid] = key
        self.chash[aid] = chash
        if chash:
            self.content_owner.setdefault(chash, aid)

    def drop(self, key: str) -> list[str]:
        """Forget the file's articles; returns their ids (to delete from the index)."""
        rec = self.files.pop(key, None)
        if not rec:
            return []
        for aid, _url, _ in rec["articles"]:
            self.id_owner.pop(aid, None)
            chash = self.chash.pop(aid, None)
            if chash and self.content_owner.get(chash) == aid:
                self.content_owner.pop(chash, None)
        return [a[0] for a in rec["articles"]]

    def start_file(self, key: str, digest: str, opts: str, source: str) -> None:
        self.files[key] = {"hash": digest, "opts": opts, "source": source, "articles": []}

    def admit(self, key: str, source_name: str, article: Article) -> tuple[bool, str | None]:
        """Store `article` as one of file `key`'s articles, renaming its id if it must.

        Returns (stored, note): not stored, the note says which id it repeats; stored, the note
        (if any) says which id it was given instead of its own."""
        source = self.files[key]["source"]
        chash = content_hash(article)
        aid = article.id
        note = None
        owner = self.id_owner.get(aid)
        if owner is not None:
            if self.files[owner].get("source") == source:
                return False, f"duplicate of article {aid!r} (same id)"
            candidate, n = f"{source_name}/{aid}", 2
            while candidate in self.id_owner:
                candidate, n = f"{source_name}-{n}/{aid}", n + 1
            note = (f"id {aid!r} already belongs to a different article from {self.files[owner].get('source') or owner}; "
                    f"stored as {candidate!r}")
            aid = candidate
        article.id = aid
        self.files[key]["articles"].append([aid, article.url, chash])
        self._own(key, aid, chash)
        return True, note

    def repost_of(self, aid: str) -> str | None:
        """The id of an earlier article with the same title and text, if `aid` is a repost."""
        chash = self.chash.get(aid)
        owner = self.content_owner.get(chash) if chash else None
        return owner if owner != aid else None

    def ids(self) -> set[str]:
        return set(self.id_owner)

    def ids_of(self, key: str) -> list[str]:
        return [a[0] for a in (self.files.get(key) or {}).get("articles", [])]

    def article_count(self) -> int:
        return sum(len(rec["articles"]) for rec in self.files.values())

    def per_source(self) -> Counter:
        """Article counts by source path."""
        counts: Counter = Counter()
        for rec in self.files.values():
            counts[rec.get("source")] += len(rec["articles"])
        return counts

    def to_manifest(self) -> dict:
        return {"files": self.files}
