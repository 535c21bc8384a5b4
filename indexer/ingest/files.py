"""Finding the article files under the paths given (recursively, following symlinks but never
looping) and reading one within its size bound, every problem a `Skipped` with its reason."""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.article import Skipped
from indexer.extract import SUPPORTED_SUFFIXES
from indexer.ingest.report import SkippedFile

JSON_SUFFIXES = frozenset({".json", ".jsonl"})


@dataclass
class SourceFile:
    path: Path  # as found (absolute)
    relpath: str  # relative to the folder given, POSIX separators: the article id of pages
    root: str = ""  # the source (path given) it was found under, absolute

    @property
    def key(self) -> str:
        return str(self.path)


@dataclass
class OtherFile:
    """A file in a folder read that is no article file (a saved page's pictures and scripts, a
    .gz archive): not read, counted by its suffix in the report."""
    relpath: str
    suffix: str


def iter_source_files(paths: Iterable[Path | str]) -> Iterator[SourceFile | Skipped | OtherFile]:
    """Every article file under `paths` (recursively, following symlinks but never looping).

    Paths in SourceFile and Skipped are relative to the path given (a path given that cannot be
    read is named as given); a file reached twice (through two paths given) is yielded once."""
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    paths = list(paths)
    # a path given (or recorded source) inside another is read once, under whichever comes first:
    # nothing skipped, so nothing said (a symlink's loop or a folder linked twice still is)
    given_dirs = {os.path.normpath(Path(g).absolute()) for g in paths}
    for given in paths:
        p = Path(os.path.normpath(Path(given).absolute()))
        root = str(p)
        try:
            st = p.stat()
        except OSError as exc:
            yield SkippedFile(str(given), os_reason(exc), root)  # named as given
            continue
        if stat.S_ISDIR(st.st_mode):
            for item in _walk(p, p, seen_dirs, given_dirs):
                if isinstance(item, SourceFile):
                    if item.key in seen_files:
                        continue
                    seen_files.add(item.key)
                yield item
        elif p.suffix.lower() in SUPPORTED_SUFFIXES:
            if root not in seen_files:
                seen_files.add(root)
                yield SourceFile(p, readable_name(p.name), root)
        else:
            yield SkippedFile(str(given), f"not an article file (supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})",
                              root)


def _walk(root: Path, folder: Path, seen: set[tuple[int, int]],
          given: set[str]) -> Iterator[SourceFile | Skipped | OtherFile]:
    rel = readable_name(folder.relative_to(root).as_posix())
    try:
        st = folder.stat()
    except OSError as exc:
        yield SkippedFile(rel, os_reason(exc), str(root))
        return
    if (st.st_dev, st.st_ino) in seen:
        if str(folder) in given and not folder.is_symlink():
            return
        reason = ("symlink loop: this folder was already read" if folder.is_symlink()
                  else "already read: this folder is inside another source or path given")
        yield SkippedFile(rel, reason, str(root))
        return
    seen.add((st.st_dev, st.st_ino))
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield SkippedFile(rel, os_reason(exc), str(root))
        return
    pages = {e.name.rsplit(".", 1)[0].lower() for e in entries if "." in e.name
             and e.name.rsplit(".", 1)[1].lower() in _PAGE_SUFFIXES}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if pages and _is_resources_of(entry, pages) and str(path) not in given:  # (given itself: read as asked)
            yield from _resources(root, path)
            continue
        relpath = readable_name(path.relative_to(root).as_posix())
        try:
            is_dir = entry.is_dir()  # follows symlinks
        except OSError as exc:
            yield SkippedFile(relpath, os_reason(exc), str(root))
            continue
        if is_dir:
            inside = _read_elsewhere(path, root, given) if entry.is_symlink() else None
            if inside is not None:  # its folder is walked under its own path: its articles keep those ids
                yield SkippedFile(relpath, f"symlink to a folder read under its own path: {inside}", str(root))
                continue
            yield from _walk(root, path, seen, given)
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            if entry.is_symlink() and not path.exists():
                yield SkippedFile(relpath, "broken symlink", str(root))
                continue
            yield SourceFile(path, relpath, str(root))
        else:
            yield OtherFile(relpath, "".join(path.suffixes[-2:]).lower() or "(none)")


def _read_elsewhere(link: Path, root: Path, given: set[str]) -> str | None:
    """Where a symlinked folder's target is read under its own path — inside the folder being
    walked (not in a hidden folder, which the walk passes over) or inside another path given —
    as that path; None when the link is the only way to it."""
    try:
        target = Path(os.path.realpath(link))
        if Path(os.path.realpath(link.parent)).is_relative_to(target):
            return None  # a link to a folder above it: a loop, which the walk reports as such
    except OSError:
        return None
    walked = str(root.resolve())
    for top in (walked, *given):
        try:
            rel = target.relative_to(top)
        except ValueError:
            continue
        if not any(part.startswith(".") for part in rel.parts):
            return readable_name(rel.as_posix()) if top == walked else str(target)
    return None


# a page saved "complete" by a browser (`公告.htm` and the folder `公告_files`): that folder holds
# the page's pictures, scripts and frames (share buttons, ads, `saved_resource.html`), not articles
_PAGE_SUFFIXES = frozenset({"htm", "html", "shtml", "xhtml", "mht", "mhtml"})
_RESOURCES = ("_files", ".files", "_archivos", "-Dateien", "_fichiers")


def _is_resources_of(entry: os.DirEntry, pages: set[str]) -> bool:
    """Whether folder `entry` is the resources folder of a saved page beside it (`pages`: the
    lower-cased names, without suffix, of the pages in the same folder)."""
    name = entry.name.lower()
    tail = next((t for t in _RESOURCES if name.endswith(t.lower())), None)
    try:
        return tail is not None and name[:-len(tail)] in pages and entry.is_dir()
    except OSError:
        return False


def _resources(root: Path, folder: Path) -> Iterator[OtherFile]:
    """Every file under a saved page's resources folder, as an OtherFile (counted, not read)."""
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(dirpath) / name
            yield OtherFile(readable_name(path.relative_to(root).as_posix()),
                            "".join(path.suffixes[-2:]).lower() or "(none)")


def readable_name(name: str) -> str:
    """A relative path as text a person can read and every file can hold: a file name that is
    not UTF-8 (an archive unzipped from Windows: GBK names) comes from the file system with
    its bytes escaped as lone surrogates, which no id, report or index can be written with; its
    bytes are read as GB18030 where they are that, else each unreadable byte as U+FFFD."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


DENIED = "cannot read: permission denied"  # the reason of a file or folder this user may not read


def os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return DENIED
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return f"cannot read: {exc.strerror or exc}"


def read_source(path: Path, relpath: str, limit_mb: float, flag: str = "--max-file-mb") -> bytes | Skipped:
    """The bytes of a regular file of at most `limit_mb`; anything else is Skipped with a reason
    (naming `flag`, the option that raises the limit).

    FIFOs and devices are refused (reading them could block forever or never end), and at most
    one byte past the limit is ever read, whatever size the file claims.
    """
    limit = int(limit_mb * 1024 * 1024)
    too_big = f"over the {limit_mb:g} MB limit (raise it with {flag})"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return Skipped(relpath, os_reason(exc))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Skipped(relpath, "not a regular file (a device, FIFO or socket)")
        if st.st_size > limit:
            return Skipped(relpath, f"file is {st.st_size / 1048576:.1f} MB, {too_big}")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            return Skipped(relpath, f"file grew while read, {too_big}")
        return data
    except OSError as exc:
        return Skipped(relpath, os_reason(exc))
    finally:
        os.close(fd)
