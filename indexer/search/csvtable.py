"""Tables as CSV for spreadsheets, one writer for every CSV wensou writes (the search page's
export, the concordance's, on the web and from the CLI).

UTF-8 with a byte-order mark (so spreadsheet programs read Chinese right), CRLF line ends, and a
text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return, or their full-width forms) prefixed with an apostrophe; lists joined with '; ', None
empty, numbers as written.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
CHUNK_ROWS = 200  # rows a streamed piece holds


def csv_cell(value: object) -> str:
    """One cell's text: lists joined with '; ', None empty, formula-like text neutralised."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_table(rows: Iterable[list]) -> Iterator[str]:
    """Any table as CSV text, chunk by chunk: BOM, then the rows (the first is the header), each
    cell through `csv_cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    yield "\ufeff"
    for n, row in enumerate(rows, 1):
        writer.writerow([csv_cell(v) for v in row])
        if n % CHUNK_ROWS == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
