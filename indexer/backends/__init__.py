"""Where an index lives: the embedded Whoosh index in a folder (the default) or an OpenSearch
cluster (`opensearch://HOST:PORT[,HOST:PORT…]/NAME`, docs/interfaces.md "Backends").

`open_engine(spec)` gives the engine for either; both have the methods the CLI and the web
layer use (`search`, `article`, `related`, `mark_article`, `stats`, `article_count`, `close`)
and return the same result objects (`indexer.search.result`).
"""
from __future__ import annotations

from pathlib import Path

from indexer.backends.spec import SCHEME, desk_dir, is_cluster, parse_spec, spec_text

__all__ = ["SCHEME", "desk_dir", "is_cluster", "open_engine", "parse_spec", "spec_text"]


def open_engine(spec: Path | str):
    """The engine for an --index value: `indexer.search.SearchEngine` on a folder, or
    `indexer.backends.opensearch.OpenSearchEngine` on an opensearch:// URL. Each is imported
    when first asked for (not a way round an import circle: there is none), so a command on a
    folder never loads the cluster client and `cluster start` never loads the engine."""
    if is_cluster(spec):
        from indexer.backends.opensearch import OpenSearchEngine

        return OpenSearchEngine(str(spec))
    from indexer.search.engine import SearchEngine

    return SearchEngine(spec)
