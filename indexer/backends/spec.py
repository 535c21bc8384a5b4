"""An --index value: a folder, or an OpenSearch index (`opensearch://HOST:PORT[,HOST:PORT…]/NAME`),
and where a cluster index's desk folder is."""
from __future__ import annotations

import re
from pathlib import Path

from indexer import paths

SCHEME = "opensearch:"


def is_cluster(spec: Path | str | None) -> bool:
    """Whether an --index value names an OpenSearch index. A URL that went through pathlib has
    lost one slash of `//` (`opensearch:/host:9200/name`); both forms are understood."""
    return spec is not None and str(spec).startswith(SCHEME)


def spec_text(spec: Path | str) -> str:
    """An --index value as the user wrote it: a cluster's URL with its `//` (pathlib keeps one)."""
    text = str(spec)
    return SCHEME + "//" + text[len(SCHEME):].lstrip("/") if is_cluster(text) else text


def parse_spec(spec: str) -> tuple[list[str], str]:
    """(["host:port", …], NAME) of an opensearch:// URL (or its pathlib form with one slash)."""
    rest = spec[len("opensearch:"):].lstrip("/")
    hosts, _, name = rest.partition("/")
    name = name.strip("/")
    host_list = [h.strip() for h in hosts.split(",") if h.strip()]
    if not host_list or not name:
        raise ValueError(f"expected opensearch://HOST:PORT[,HOST:PORT…]/NAME, got {spec!r}")
    if not all(c.isalnum() or c in "-_." for c in name) or name[0] in "-_." or name.lower() != name:
        raise ValueError(f"index name {name!r}: lower-case letters, digits, '-', '_' and '.' only")
    return host_list, name


def desk_dir(spec: Path | str) -> Path:
    """The folder of an index's desk: its saved searches, alert marks and own variant pairs
    (`indexer.saved`, `indexer.search.variants`). An index folder is its own desk; an OpenSearch index
    has one under `paths.desk_root()`, named after its hosts and alias, on the machine that runs
    the command or the server (the cluster holds the articles and their recorded sources)."""
    if not is_cluster(spec):
        return Path(spec)
    hosts, name = parse_spec(str(spec))
    where = re.sub(r"[^0-9A-Za-z._-]+", "_", min(hosts))  # the same desk whatever order the hosts are listed in
    return paths.desk_root() / f"{where}-{name}"
