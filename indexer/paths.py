"""Where things are by default: the one place that decides the index folder and the demo articles.

In a source checkout (the folder holding `indexer/` also holds `index_data/`) the defaults are
that checkout's `index_data/index` and `index_data/articles`, wherever the command is run from;
an installed package (`pip install .`) uses `index_data/` under the current folder. `$WENSOU_INDEX`
overrides the index folder everywhere.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
USER_DICT = PACKAGE_DATA / "userdict.txt"  # domain terms for the segmenter; ships with the package


def data_root() -> Path:
    """The `index_data/` folder: the checkout's when run from one, else under the current folder."""
    checkout = Path(__file__).resolve().parent.parent / "index_data"
    return checkout if checkout.is_dir() else Path.cwd() / "index_data"


def default_index_dir() -> Path:
    """`$WENSOU_INDEX`, else `index_data/index`."""
    return Path(os.environ.get("WENSOU_INDEX") or data_root() / "index")


def desk_root() -> Path:
    """Where the desks of cluster indexes are kept (see `indexer.backends.desk_dir`):
    `$WENSOU_DESK`, else `index_data/desk`."""
    return Path(os.environ.get("WENSOU_DESK") or data_root() / "desk")


def default_articles_dir() -> Path:
    """What a new index is built from: the bundled demo articles."""
    return data_root() / "articles"
