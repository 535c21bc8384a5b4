"""wensou command line: ingest, rebuild, sources, search, show, stats, serve (docs/interfaces.md "Command line").

A thin shell over `indexer`: it turns options into requests, renders results as readable text
(matches emphasised on a terminal) or as the contract's JSON, and maps failures to exit codes:
0 done, 1 nothing could be done, 2 bad usage.
"""
from __future__ import annotations

import errno
import json
import logging
import os
import re
import sys
import unicodedata
from pathlib import Path

# NumPy's BLAS starts a thread per core when imported; wensou does no linear algebra, and the
# threads cost a command-line search CPU time it shares with everything else on the machine.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402

from indexer import paths as paths_mod
from indexer import processes
from indexer.messages import SKIPPED_SHOWN, Messages, choose_language


def _say() -> Messages:
    """The texts in the reader's language (`--lang`, `WENSOU_LANG`, the locale: indexer.messages)."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    if isinstance(obj, dict) and "say" in obj:
        return obj["say"]
    return Messages(choose_language())


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _fail(message: str, code: int = 1):
    say = _say()
    click.echo(say.say("error", message=say.reason(message)), err=True)
    sys.exit(code)


class QueryCommand(click.Command):
    """A command taking a QUERY that may begin with the exclusion operator: `search -污染 生态`
    (any input is a valid query, docs/interfaces.md). A word starting with one `-` that is no
    option of the command is its query, not an error; an unknown `--long` option still is one."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["context_settings"] = {**(kwargs.get("context_settings") or {}), "ignore_unknown_options": True}
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = {opt for param in self.get_params(ctx) for opt in (*getattr(param, "opts", ()),
                                                                    *getattr(param, "secondary_opts", ()))}
        for arg in args:
            if arg == "--":
                break
            if arg.startswith("--") and arg.split("=", 1)[0] not in known:
                raise click.NoSuchOption(arg.split("=", 1)[0], ctx=ctx)
        return super().parse_args(ctx, args)


class WensouGroup(click.Group):
    """The command group: what no command catches is said in one line, never a traceback — a
    folder that may not be written or a full disk (exit 1), Ctrl-C (exit 130, the shell's code
    for an interrupted command; click itself prints an English "Aborted!" and exits 1)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(_say().say("interrupted"), err=True)
            sys.exit(130)
        except Exception as exc:  # a file that may not be written or read, or SQLite refusing one
            refused = (isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError)
                       and (exc.filename is not None or exc.errno in _REFUSED)
                       or type(exc).__name__ == "OperationalError" and type(exc).__module__ == "sqlite3")
            if not refused:
                raise  # (a closed pipe under `| head` is click's to end quietly; a bug stays a bug)
            where = getattr(exc, "filename", None) or (ctx.obj or {}).get("index", "")
            reason = getattr(exc, "strerror", None) or str(exc)
            _fail(_say().say("os_error", path=_shown(str(where)), reason=_say().reason(reason)))


# What a file system says when it refuses a write: permission, read-only, full, quota, I/O.
_REFUSED = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EIO}


@click.group(cls=WensouGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              default=lambda: str(paths_mod.default_index_dir()),
              show_default="index_data/index or $WENSOU_INDEX", help="Index directory.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of what is printed for people (JSON is the same in both).  "
                   "[default: zh; $WENSOU_LANG, or en when the locale is English]")
@click.pass_context
def cli(ctx: click.Context, index_dir: Path, lang: str | None) -> None:
    """wensou (文搜): search Chinese news and government articles."""
    ctx.obj = {"index": Path(index_dir), "say": Messages(choose_language(lang))}
    _warnings_said_by(ctx.obj["say"])
    processes.allow_open_files()  # a large index holds hundreds of files open, twice during a switch
    _cluster_guard(ctx, index_dir)


class _SaidWarnings(logging.Handler):
    """The engine's warnings (a damaged generation, the previous one served instead: `indexer.
    generations`) on stderr in the language chosen, one line each."""

    def __init__(self, say: Messages) -> None:
        super().__init__(logging.WARNING)
        self.say_ = say

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.say_.say("warning", message=self.say_.reason(record.getMessage())), err=True)
        except Exception:  # noqa: BLE001 - a warning that cannot be printed must not stop the command
            self.handleError(record)


def _warnings_said_by(say: Messages) -> None:
    log = logging.getLogger("wensou")
    for h in [h for h in log.handlers if isinstance(h, _SaidWarnings)]:
        log.removeHandler(h)
    log.addHandler(_SaidWarnings(say))


def _engine(ctx: click.Context):
    from indexer.backends import open_engine

    return open_engine(ctx.obj["index"])


def _desk(ctx: click.Context) -> Path:
    """The folder of the index's saved searches, alert marks and own variant pairs."""
    from indexer.backends import desk_dir

    return desk_dir(ctx.obj["index"])


def _desk_to_read(ctx: click.Context) -> Path:
    """The desk folder a listing reads: a folder that is not there is a mistyped `--index`, said so
    (exit 1), not "nothing saved" (an index's folder holds its desk from the first `saved add`)."""
    desk = _desk(ctx)
    if not _on_cluster(ctx) and not desk.is_dir():
        _fail(_say().say("no_index", index=_index_text(ctx)))
    return desk


def _index_text(ctx: click.Context) -> str:
    """The --index value as the user wrote it (a cluster's URL with its `//`)."""
    from indexer.backends import spec_text

    return spec_text(ctx.obj["index"])


def _on_cluster(ctx: click.Context) -> bool:
    from indexer.backends import is_cluster

    return is_cluster(ctx.obj["index"])


# ---------------------------------------------------------------------------- ingesting


def _parse_field_map(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    mapping = {}
    for pair in value.split(","):
        if not pair.strip():
            continue
        if "=" not in pair:
            raise click.BadParameter(_say().reason(f"expected THEIRS=OURS pairs, got {pair!r}"), param_hint="--field-map")
        theirs, ours = (s.strip() for s in pair.split("=", 1))
        if not theirs or not ours:
            raise click.BadParameter(_say().reason(f"empty name in {pair!r}"), param_hint="--field-map")
        from indexer.extract.records import MAPPABLE_FIELDS

        if ours not in MAPPABLE_FIELDS:  # a typo would silently empty every article's field
            raise click.BadParameter(_say().reason(f"{ours!r} is not a field of an article (one of: {', '.join(MAPPABLE_FIELDS)})"),
                                     param_hint="--field-map")
        mapping[theirs] = ours
    return mapping


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(name: str) -> str:
    """A file name or id as one line of a report: control characters, line and paragraph
    separators and bidirectional overrides escaped as Python would (`'a\\nb'`), so a name cannot
    fake a report line or reorder it on screen; ordinary names are printed as they are."""
    name = str(name)
    if not _UNPRINTABLE.search(name):
        return name
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


def _run(ctx: click.Context, paths, rebuild: bool, fmt: str, **opts) -> None:
    import sqlite3

    from indexer import space, store
    from indexer.ingest.report import IngestOptions, NothingToIngest, SourceMissing, UnknownSources
    from indexer.ingest.run import run_ingest

    options = IngestOptions(**opts)
    say = _say()
    bar = None
    if sys.stderr.isatty() and fmt == "text":
        bar = click.progressbar(length=1, label=say.say("reading"), file=sys.stderr,
                                item_show_func=lambda megabytes: megabytes)

    def progress(done: int, total: int) -> None:
        """`done` of `total` bytes read (the percentage and the time left, then the megabytes)."""
        if bar is not None:
            bar.length = max(total, 1)
            digits = 1 if total < 10 << 20 else 0
            bar.update(done - bar.pos, f"{done / 1048576:,.{digits}f}/{total / 1048576:,.{digits}f} MB")

    def status(message: str) -> None:
        if bar is not None:
            bar.render_finish()
            click.echo(say.say("status", message=say.status(message)), err=True)

    try:
        if str(ctx.obj["index"]).startswith("opensearch:"):
            report = _cluster_ingest(ctx, paths, rebuild, options, progress, status)
        else:
            report = run_ingest(ctx.obj["index"], list(paths), rebuild=rebuild, options=options,
                                progress=progress, status=status)
    except store.IndexBusy as exc:
        _fail(say.say("busy", message=exc))
    except (SourceMissing, UnknownSources, store.IndexDamaged) as exc:
        _fail(str(exc))
    # the disk is full (space.NotEnoughSpace, or SQLite's "database or disk is full" for the
    # catalogue being written); the live index is kept
    except (OSError, sqlite3.OperationalError) as exc:
        if not space.is_no_space(exc):
            raise
        _fail(str(space.no_space(exc, ctx.obj["index"])))
    except NothingToIngest as exc:
        for s in exc.skipped:
            click.echo(say.say("skipped", path=_shown(s.path), reason=_shown(say.reason(s.reason))), err=True)
        _fail(str(exc))
    finally:
        if bar is not None:
            bar.render_finish()
    if report.restored:
        click.echo(say.say("restored", gen=report.restored), err=True)
    for path in report.dropped_sources:
        click.echo(say.say("forgot", path=_shown(path)), err=True)
    for kind, items in (("skipped", report.skipped), ("duplicate", report.duplicates),
                        ("renamed", report.renamed), ("cut", report.cut), ("untexted", report.notes)):
        for s in items:
            click.echo(say.say(kind, path=_shown(s.path), reason=_shown(say.reason(s.reason))), err=True)
    for r in report.removed_articles:
        click.echo(say.say("removed" if r.path else "removed_unfiled", id=_shown(r.id), path=_shown(r.path),
                           reason=_shown(say.reason(r.reason))), err=True)
    if fmt == "json":
        _echo_json(report.to_dict())
    else:
        click.echo(say.summary(report))


_file_mb = click.option("--max-file-mb", "max_page_mb", type=click.FloatRange(min=0.001), default=None,
                        help="Largest HTML or text page to read; larger ones are skipped.  [default: 16]")
_data_mb = click.option("--max-data-mb", "max_data_mb", type=click.FloatRange(min=0.001), default=None,
                        help="Largest JSON or JSON Lines file to read; larger ones are skipped.  [default: 1024]")
_body_chars = click.option("--max-body-chars", type=click.IntRange(min=1000), default=None,
                           help="Index and show an article's body up to this many characters; longer ones are "
                                "cut and reported.  [default: 500000]")
_fmt = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
_source_name = click.option("--source-name", default=None, help="Source for articles that name none.")
_field_map = click.option("--field-map", default=None, help="Map JSON field names: content=body,pub=date")


def _read_opts(source_name, field_map, max_page_mb, max_data_mb, max_body_chars=None) -> dict:
    from indexer.ingest.sources import ReadOptions

    given = {"source_name": source_name, "field_map": field_map, "max_page_mb": max_page_mb,
             "max_data_mb": max_data_mb, "max_body_chars": max_body_chars}
    return {"recorded_fill": frozenset(k for k, v in given.items() if v is None),  # a recorded path keeps its own
            "source_name": source_name, "field_map": _parse_field_map(field_map),
            "max_page_mb": ReadOptions.max_page_mb if max_page_mb is None else max_page_mb,
            "max_data_mb": ReadOptions.max_data_mb if max_data_mb is None else max_data_mb,
            "max_body_chars": ReadOptions.max_body_chars if max_body_chars is None else max_body_chars}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_source_name
@_field_map
@click.option("--prune", is_flag=True, help="Drop articles whose files are gone.")
@_file_mb
@_data_mb
@_body_chars
@_fmt
@click.pass_context
def ingest(ctx, paths, source_name, field_map, prune, max_page_mb, max_data_mb, max_body_chars, fmt):
    """Add new and changed articles from files and folders; skip unchanged ones.

    Each PATH is recorded as a source of the index, with these options, for later rebuilds; a
    recorded PATH keeps the recorded value of each reading option not given now."""
    _run(ctx, paths, False, fmt, prune=prune,
         **_read_opts(source_name, field_map, max_page_mb, max_data_mb, max_body_chars))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_source_name
@_field_map
@_file_mb
@_data_mb
@_body_chars
@click.option("--drop-missing", is_flag=True,
              help="Forget recorded sources that are missing, and their articles, instead of failing.")
@_fmt
@click.pass_context
def rebuild(ctx, paths, source_name, field_map, max_page_mb, max_data_mb, max_body_chars, drop_missing, fmt):
    """Build a complete new index beside the live one, then switch to it atomically.

    Without PATH: from every recorded source of the index (`sources`), each with the options it
    was read with (a new index: the demo articles). With PATHs: from those, which replace the
    recorded sources; a recorded PATH keeps the recorded value of each reading option not given
    now (and sources recorded inside it keep theirs)."""
    if not paths and (source_name or field_map or max_page_mb is not None or max_data_mb is not None
                      or max_body_chars is not None):
        raise click.UsageError("reading options apply to the PATHs given; without PATH every recorded source is "
                               "read with its own options (see `sources`)")
    if paths and drop_missing:
        raise click.UsageError("--drop-missing applies to a rebuild from the recorded sources (no PATH)")
    _run(ctx, paths, True, fmt, drop_missing=drop_missing,
         **_read_opts(source_name, field_map, max_page_mb, max_data_mb, max_body_chars))


@cli.command("sources")
@_fmt
@click.pass_context
def sources_cmd(ctx, fmt):
    """The recorded sources of the index: path, options, article count, last read."""
    from indexer import store
    from indexer.ingest.sources import read_sources

    if _on_cluster(ctx):
        try:
            with _engine(ctx) as engine:
                generation, recorded = engine.recorded_sources()
        except store.NoIndex as exc:
            _fail(str(exc))
    else:
        gen = store.current_generation(ctx.obj["index"])
        if gen is None:
            _fail(_say().say("no_index", index=_index_text(ctx)))
        generation, recorded = gen.name, read_sources(gen) or []
    if fmt == "json":
        _echo_json({"generation": generation, "sources": [s.to_dict() for s in recorded]})
        return
    if not recorded:
        click.echo(_say().say("sources.none"))
    say = _say()
    for s in recorded:
        when = _iso_time(s.last_read) if s.last_read else say.say("sources.never")
        state = "" if Path(s.path).exists() else say.say("sources.missing")
        click.echo(f"{s.path}{state}\n  " + say.say("sources.line", n=s.articles, when=when)
                   + f"\n  {s.options.describe()}")


def _iso_time(ts: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# ----------------------------------------------------------------------------- searching

_MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.S)


def _render_html(fragment: str, color: bool) -> str:
    """Snippet HTML as terminal text: marks bold yellow on a terminal, unmarked otherwise (piped
    text is the text itself: brackets such as 【】 are printed in real headlines)."""
    import html

    def repl(m: re.Match) -> str:
        inner = m.group(1)
        return click.style(inner, fg="yellow", bold=True) if color else inner

    return html.unescape(_MARK_RE.sub(repl, fragment))


def _meta_line(date, source, authors) -> str:
    return " · ".join(x for x in (date, source, "、".join(authors or [])) if x)


@cli.command(cls=QueryCommand)
@click.argument("query", required=False, default="")
@click.option("--source", "sources", multiple=True, help="Only this source (repeat for several: any of them).")
@click.option("--author", "authors", multiple=True, help="Only this author (repeat for several: any of them).")
@click.option("--column", "columns", multiple=True, help="Only this column/document type, 栏目 (repeat for several).")
@click.option("--from", "date_from", default=None, help="From date: 2024-02-05, 2024-02, 2024, 2005年6月, 民國94年 ...")
@click.option("--to", "date_to", default=None, help="To date (inclusive), in the same forms.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--no-collapse", is_flag=True, help="List every near-duplicate repost instead of one per story.")
@click.option("--no-variants", is_flag=True, help="Do not also find the other strait's wording of unquoted terms.")
@click.option("--within", "within", multiple=True,
              help="Search within results: only articles also matching this query (repeatable).")
@click.option("--deadline", default=None, help="Seconds the search may take before it stops as too costly.  [default: 2]")
@_fmt
@click.pass_context
def search(ctx, query, sources, authors, columns, date_from, date_to, sort, page, per_page, no_collapse,
           no_variants, within, deadline, fmt):
    """One page of results with facets."""
    from indexer import store
    from indexer.search.request import BadRequest, SearchRequest, SearchTooCostly

    try:
        request = SearchRequest.create(query=query, sources=sources, authors=authors, columns=columns,
                                       date_from=date_from, date_to=date_to, sort=sort, page=page,
                                       per_page=per_page, collapse=not no_collapse, variants=not no_variants,
                                       within=within, deadline=deadline)
    except BadRequest as exc:
        raise click.UsageError(_say().reason(str(exc))) from None
    try:
        with _engine(ctx) as engine:
            result = engine.search(request)
    except (store.NoIndex, SearchTooCostly) as exc:
        _fail(str(exc))
    if fmt == "json":
        _echo_json(result.to_dict())
        return
    color = sys.stdout.isatty()
    say = _say()
    stories = say.say("stories", n=result.stories) if result.stories != result.total else ""
    if result.total:
        click.echo(say.say("results", total=result.total, stories=stories, ms=result.took_ms, page=result.page,
                           pages=result.pages))
    else:
        click.echo(say.say("results.none", ms=result.took_ms))
    if result.notice:
        click.echo(say.say("note", text=result.notice))
    if result.variants:
        click.echo(say.say("also_searched", terms="、".join(result.variants)))
    for n, hit in enumerate(result.hits, start=(result.page - 1) * result.per_page + 1):
        click.echo("")
        click.echo(f"{n}. " + _render_html(hit.title_html, color))
        meta = _meta_line(hit.date, hit.source, hit.authors)
        click.echo(f"   {meta}" + (f"  [{hit.id}]" if meta else f"   [{hit.id}]"))
        click.echo("   " + _render_html(hit.snippet, color).replace("\n", " "))
        if hit.duplicates:
            click.echo(say.say("similar", n=hit.duplicates))
    for s in result.suggestions:
        click.echo("\n" + say.say("try", query=s.query, total=s.total))
    facets = result.facets
    for name in ("source", "author", "column", "year"):
        values = facets.get(name) or []
        if values:
            click.echo("")
            click.echo(say.say("labelled", label=say.say("facet." + name),
                               values=", ".join(f"{v.value} ({v.count})" for v in values[:8])))


@cli.command()
@click.argument("article_id")
@click.option("--query", "-q", default="", help="Mark this query's matches in the text.")
@_fmt
@click.pass_context
def show(ctx, article_id, query, fmt):
    """One article."""
    from indexer import store
    from indexer.search.engine import SearchEngine

    try:
        with _engine(ctx) as engine:
            article = engine.article(article_id)
    except store.NoIndex as exc:
        _fail(str(exc))
    if article is None:
        _fail(_say().say("no_article", id=repr(article_id)))
    if fmt == "json":
        _echo_json(article.to_dict())
        return
    color = sys.stdout.isatty()
    title_html, body_html = SearchEngine.mark_article(article, query)
    click.echo(_render_html(title_html, color))
    click.echo(_meta_line(article.date, article.source, article.authors))
    say = _say()
    for label, value in (("url", article.url), ("column", article.column),
                         ("keywords", "、".join(article.keywords))):
        if value:
            click.echo(say.say("labelled", label=say.say("show." + label), values=value))
    click.echo("")
    click.echo(_render_html(body_html, color))


@cli.command()
@_fmt
@click.pass_context
def stats(ctx, fmt):
    """Article count, date range, top sources and authors, index size, last build."""
    from indexer import store
    from indexer.search import zerohits

    try:
        with _engine(ctx) as engine:
            data = engine.stats()
    except store.NoIndex as exc:
        _fail(str(exc))
    data["zero_hits"] = zerohits.top(ctx.obj["index"])  # the queries that found nothing, most frequent first
    if fmt == "json":
        _echo_json(data)
        return
    b = data["last_build"]
    rng = data["date_range"]
    say = _say()
    click.echo(say.say("stats.articles", n=data["articles"]))
    click.echo(say.say("stats.dates", start=rng["from"] or "-", end=rng["to"] or "-"))
    click.echo(say.say("stats.index", mb=data["index_size_bytes"] / 1048576, generation=data["generation"]))
    click.echo(say.say("stats.build", mode=say.mode(b["mode"]), finished=b["finished"], seconds=b["seconds"],
                       files=b["files"], added=b["added"], updated=b["updated"], unchanged=b["unchanged"],
                       removed=b["removed"], duplicates=b["duplicates"], skipped=len(b["skipped"])))
    for s in b["skipped"][:SKIPPED_SHOWN]:
        click.echo("  " + say.say("skipped", path=_shown(s["path"]), reason=_shown(say.reason(s["reason"]))))
    if len(b["skipped"]) > SKIPPED_SHOWN:
        click.echo(say.say("stats.more", n=len(b["skipped"]) - SKIPPED_SHOWN))
    for name in ("top_sources", "top_authors"):
        if data[name]:
            click.echo(say.say("labelled", label=say.say("stats." + name),
                               values=", ".join(f"{v['value']} ({v['count']})" for v in data[name])))
    if data["zero_hits"]:
        click.echo(say.say("stats.zero_hits", list=", ".join(f"{_shown(v['query'])} ({v['count']})"
                                                               for v in data["zero_hits"])))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=click.IntRange(0, 65535), show_default=True)
@click.option("--threads", default=8, type=click.IntRange(1, 64), show_default=True)
@click.option("--base-url", default=None, metavar="URL",
              help="The public address (https://news.example.org) that redirects and feed links use; "
                   "without it redirects are relative and feeds link to the address served on.")
@click.option("--deadline", default=2.0, show_default=True, type=click.FloatRange(0, 600, min_open=True),
              metavar="SECONDS", help="Seconds a search may take; a costlier one stops with a 503 saying so.")
@click.pass_context
def serve(ctx, host, port, threads, base_url, deadline):
    """The search page and JSON API on waitress; picks up rebuilt indexes without a restart."""
    from search_web import create_app
    from search_web.server import CannotListen, make_server, settle_loaded
    from search_web.urls import bound_url, check_base_url

    try:
        base_url = check_base_url(base_url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base-url") from None
    app = create_app({"INDEX_DIR": ctx.obj["index"], "BASE_URL": base_url, "DEADLINE": deadline,
                      # exports, concordances and heavy searches leave threads and half the cores free
                      "HEAVY_SLOTS": max(1, min(threads // 4, (os.cpu_count() or 2) // 2))})
    try:
        server = make_server(app, host=host, port=port, threads=threads)
    except CannotListen as exc:
        _fail(str(exc))
    settle_loaded()  # the app and its warm-up loaded: no full collection walks it again
    app.config["BOUND_URL"] = bound_url(host, getattr(server, "effective_port", port))
    click.echo(_say().say("serving", index=_index_text(ctx),
                          url=f"http://{host}:{getattr(server, 'effective_port', port)}/"), err=True)
    server.run()


# ----------------------------------------------------------------------- trust: check, export


@cli.command()
@_fmt
@click.pass_context
def check(ctx, fmt):
    """Verify every byte of every file of the live generation against its checksums.

    Lists the damaged files and the articles each holds; exit 1 when anything is damaged (or
    cannot be verified), 0 when all is intact."""
    from indexer import store

    try:
        checked = _check_cluster(ctx) if _on_cluster(ctx) else _check_folder(ctx)
    except store.NoIndex as exc:
        _fail(str(exc))
    damaged = checked["damaged"]
    if fmt == "json":
        _echo_json(checked)
    else:
        say = _say()
        state = say.say("check.intact") if checked["ok"] else say.say("check.damaged_count", n=len(damaged))
        click.echo(say.say("check.verified", generation=checked["generation"], files=checked["files"],
                           mb=checked["bytes"] / 1048576, seconds=checked["seconds"], state=state))
        for d in damaged:
            count = "" if d["articles"] is None else say.say("check.articles", n=d["articles"])
            ids = d["ids"] or []
            listed = (("：" if say.language == "zh" else ": ") + ", ".join(ids[:10])
                      + (f" … (+{len(ids) - 10})" if len(ids) > 10 else "")) if ids else ""
            click.echo(say.say("check.damaged", file=d["file"], reason=say.reason(d["reason"]), holds=say.reason(d["holds"]),
                               count=count, listed=listed))
        if not checked["ok"]:
            click.echo(say.say("check.untrusted"), err=True)
    sys.exit(0 if checked["ok"] else 1)


def _check_folder(ctx: click.Context) -> dict:
    """Every byte of the live generation against its checksums (`indexer.integrity`)."""
    from indexer import integrity, store

    for _ in range(5):
        gen = store.current_generation(ctx.obj["index"])
        if gen is None:
            _fail(_say().say("no_index", index=_index_text(ctx)))
        try:
            report = integrity.verify_full(gen)
        except integrity.FormatError as exc:
            _fail(str(exc))
        if store.current_generation(ctx.obj["index"]) == gen:
            break
        # superseded while it was read (writers switched and may have removed it: its files
        # "missing", its record gone): the live generation is the one to check
    if report.format == 1:
        _fail(_say().say("check.format1", generation=gen.name))
    return {"generation": gen.name, "format": report.format, "ok": report.ok, "files": report.files,
            "bytes": report.bytes, "seconds": round(report.seconds, 3),
            "damaged": integrity.affected(gen, report.damaged)}


def _check_cluster(ctx: click.Context) -> dict:
    """The cluster's shard copies of the live index and its article count (`ClusterReading.check`)."""
    with _engine(ctx) as engine:
        return engine.check()


@cli.command(cls=QueryCommand)
@click.argument("query", required=False, default="")
@click.option("--source", "sources", multiple=True, help="Only this source (repeat for several: any of them).")
@click.option("--author", "authors", multiple=True, help="Only this author (repeat for several: any of them).")
@click.option("--column", "columns", multiple=True, help="Only this column/document type, 栏目 (repeat for several).")
@click.option("--from", "date_from", default=None, help="From date, in the forms `search` takes.")
@click.option("--to", "date_to", default=None, help="To date (inclusive).")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.pass_context
def export(ctx, query, sources, authors, columns, date_from, date_to, fmt):
    """Every article (or those QUERY and the filters match) as JSON Lines records, streamed.

    One record per line with the article's fields (id, title, date, source, sources, authors,
    url, column, keywords, body): what `rebuild` reads back, so `export > all.jsonl` then
    `rebuild all.jsonl` gives the same index."""
    from indexer import store
    from indexer.search.export import export_records, jsonl_line
    from indexer.search.request import BadRequest, SearchRequest

    try:
        request = SearchRequest.create(query=query, sources=sources, authors=authors, columns=columns,
                                       date_from=date_from, date_to=date_to)
    except BadRequest as exc:
        raise click.UsageError(_say().reason(str(exc))) from None
    out = sys.stdout
    written = 0
    try:
        for record in export_records(ctx.obj["index"], request):
            out.write(jsonl_line(record))
            written += 1
        out.flush()
        if not written:  # nothing to export: what a search would say of it, on stderr (a filter's typo)
            with _engine(ctx) as engine:
                said = engine.matching(request).notice()
            if said:
                click.echo(_say().say("note", text=said), err=True)
    except store.NoIndex as exc:
        _fail(str(exc))
    except BrokenPipeError:  # `export | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


@cli.command("concordance", cls=QueryCommand)
@click.argument("query")
@click.option("--source", "sources", multiple=True, help="Only this source (repeat for several: any of them).")
@click.option("--author", "authors", multiple=True, help="Only this author (repeat for several: any of them).")
@click.option("--column", "columns", multiple=True, help="Only this column/document type, 栏目 (repeat for several).")
@click.option("--from", "date_from", default=None, help="From date: 2024-02-05, 2024-02, 2024, 2005年6月, 民國94年 ...")
@click.option("--to", "date_to", default=None, help="To date (inclusive), in the same forms.")
@click.option("--within", "within", multiple=True, help="Only articles also matching this query (repeatable).")
@click.option("--no-variants", is_flag=True, help="Do not also find the other strait's wording of unquoted terms.")
@click.option("--width", default="30", show_default=True, help="Characters of context on each side (1-200).")
@click.option("--sort", "line_sort", type=click.Choice(["date", "source", "left", "right"]), default="date",
              show_default=True, help="Order of the lines (left: by the reversed left context).")
@click.option("--deadline", default=None,
              help="Seconds the reading may take; past them the lines read so far are given, and the note says so.  [default: 20, as the web's]")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@click.pass_context
def concordance_cmd(ctx, query, sources, authors, columns, date_from, date_to, within, no_variants, width,
                    line_sort, deadline, fmt):
    """Every occurrence of the query in the matching articles, with context (KWIC)."""
    from indexer import store
    from indexer.search.concordance import concordance, options
    from indexer.search.request import BadRequest, SearchRequest, SearchTooCostly, listing_deadline

    try:
        width_n, _ = options(width, line_sort)
        request = SearchRequest.create(query=query, sources=sources, authors=authors, columns=columns,
                                       date_from=date_from, date_to=date_to, variants=not no_variants,
                                       within=within, deadline=listing_deadline() if deadline is None else deadline)
    except BadRequest as exc:
        raise click.UsageError(_say().reason(str(exc))) from None
    try:
        with _engine(ctx) as engine:
            conc = concordance(engine, request, width=width_n, sort=line_sort)
    except (store.NoIndex, SearchTooCostly) as exc:
        _fail(str(exc))
    if fmt == "json":
        _echo_json(conc.to_dict())
        return
    if fmt == "csv":
        out = sys.stdout.buffer
        for chunk in conc.csv_chunks():
            out.write(chunk.encode("utf-8"))
        out.flush()
        return
    color = sys.stdout.isatty()
    say = _say()
    click.echo(say.say("concordance", total=conc.total, read=conc.articles_read, articles=conc.articles,
                       ms=conc.took_ms))
    if conc.note:
        click.echo(say.say("note", text=conc.note))
    for x in conc.lines:
        # piped, the match is unmarked: it starts at the same screen column on every line (the left
        # context right-aligned to `width` full-width characters, whatever its Latin and digits)
        match = click.style(x.match, fg="yellow", bold=True) if color else x.match
        short = max(0, 2 * conc.width - _columns(x.left))
        left = "\u3000" * (short // 2) + " " * (short % 2) + x.left
        click.echo(f"{x.date or '----------'}  {left}{match}{x.right}  [{x.id}]")
    if conc.per_year:
        click.echo("")
        click.echo(say.say("per_year", list=", ".join(f"{y or say.say('undated')} ({c})" for y, c in conc.per_year)))


def _columns(text: str) -> int:
    """The screen columns `text` takes: two for a wide character (CJK, full-width), else one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# ------------------------------------------------------------- the archivist's desk: saved, alerts, variants


@cli.group("saved")
def saved_group():
    """Saved searches, stored with the index (rebuilds keep them)."""


@saved_group.command("add", cls=QueryCommand)
@click.argument("name")
@click.argument("query", required=False, default="")
@click.option("--source", "sources", multiple=True, help="Only this source (repeat for several: any of them).")
@click.option("--author", "authors", multiple=True, help="Only this author (repeat for several: any of them).")
@click.option("--column", "columns", multiple=True, help="Only this column/document type, 栏目 (repeat for several).")
@click.option("--from", "date_from", default=None, help="From date, in the forms `search` takes.")
@click.option("--to", "date_to", default=None, help="To date (inclusive).")
@click.option("--within", "within", multiple=True, help="Only articles also matching this query (repeatable).")
@click.option("--no-variants", is_flag=True, help="Do not also find the other strait's wording of unquoted terms.")
@click.option("--replace", is_flag=True, help="Replace a saved search of that name.")
@click.pass_context
def saved_add(ctx, name, query, sources, authors, columns, date_from, date_to, within, no_variants, replace):
    """Save QUERY (and filters) as NAME."""
    from indexer import saved

    try:
        search = saved.make(name, query, sources, authors, columns, date_from, date_to, within, not no_variants)
        replaced = saved.add(_desk(ctx), search, replace=replace)
    except saved.BadSaved as exc:
        hint = _say().say("saved.or_replace") if isinstance(exc, saved.SavedExists) else ""
        raise click.UsageError(_say().reason(str(exc)) + hint) from None
    say = _say()
    click.echo(say.say("saved.replaced" if replaced else "saved.saved", name=_shown(search.name),
                       query=_shown(search.query) or say.say("every_article")))


@saved_group.command("list")
@_fmt
@click.pass_context
def saved_list(ctx, fmt):
    """The saved searches, in the order they were saved."""
    from indexer import saved

    found = saved.load(_desk_to_read(ctx))
    if fmt == "json":
        _echo_json([s.to_dict() for s in found])
        return
    if not found:
        click.echo(_say().say("saved.none"))
    for s in found:
        filters = s.describe(_say().language)
        click.echo(f"{_shown(s.name)}: {_shown(s.query) or _say().say('every_article')}"
                   + (f"  [{_shown(filters)}]" if filters else ""))


@saved_group.command("remove")
@click.argument("name")
@click.pass_context
def saved_remove(ctx, name):
    """Forget the saved search NAME."""
    from indexer import saved

    try:
        saved.remove(_desk(ctx), name)
    except saved.BadSaved as exc:
        _fail(str(exc))
    click.echo(_say().say("saved.removed", name=_shown(name)))


@cli.command("alerts")
@_fmt
@click.pass_context
def alerts_cmd(ctx, fmt):
    """Per saved search, the articles new since the last `alerts` run (run it after each ingest
    or rebuild; the first run only sets the mark)."""
    from indexer import saved, store

    try:
        # a script reading JSON gets every new article: the mark moves past all of them
        found = saved.run_alerts(ctx.obj["index"], limit=None if fmt == "json" else saved.MAX_NEW)
    except store.NoIndex as exc:
        _fail(str(exc))
    if fmt == "json":
        _echo_json([a.to_dict() for a in found])
        return
    if not found:
        click.echo(_say().say("saved.none"))
    for a in found:
        if a.first:
            click.echo(_say().say("alerts.marked", name=_shown(a.name)))
            continue
        if a.too_costly:
            click.echo(_say().say("alerts.costly", name=_shown(a.name)))
            continue
        more = _say().say("alerts.more", n=a.more) if a.more else ""
        click.echo(_say().say("alerts.new", name=_shown(a.name), n=len(a.new) + a.more, more=more))
        for n in a.new:
            click.echo(f"  {n['date'] or '----------'}  {_shown(n['title'])}  [{_shown(n['id'])}]")


@cli.group("variants")
def variants_group():
    """The index's own wording pairs (质量 / 品質), merged with the shipped tables and used by
    the next search, without a rebuild."""


@variants_group.command("add")
@click.argument("a")
@click.argument("b")
@click.pass_context
def variants_add(ctx, a, b):
    """Pair wording A with wording B: an unquoted A also finds B (ranked below A), and B finds A."""
    from indexer import variant_pairs

    try:
        added = variant_pairs.add_index_pair(_desk(ctx), a, b)
    except variant_pairs.BadPair as exc:
        raise click.UsageError(_say().reason(str(exc))) from None
    say = _say()
    shipped = say.say("variants.shipped") if variant_pairs.is_shipped(a, b) else ""
    click.echo(say.say("variants.added" if added else "variants.already", a=_shown(a.strip()), b=_shown(b.strip()),
                       shipped=shipped))


@variants_group.command("list")
@_fmt
@click.pass_context
def variants_list(ctx, fmt):
    """The index's own pairs, in the order they were added."""
    from indexer.search import variants

    own = variants.index_pairs(_desk_to_read(ctx))
    if fmt == "json":
        _echo_json([{"a": a, "b": b} for a, b in own])
        return
    if not own:
        click.echo(_say().say("variants.none"))
    for a, b in own:
        click.echo(f"{_shown(a)} / {_shown(b)}")


@variants_group.command("remove")
@click.argument("a")
@click.argument("b")
@click.pass_context
def variants_remove(ctx, a, b):
    """Remove the pair A / B (either order) from the index's own."""
    from indexer import variant_pairs

    try:
        variant_pairs.remove_index_pair(_desk(ctx), a, b)
    except variant_pairs.BadPair as exc:
        _fail(str(exc))
    click.echo(_say().say("variants.removed", a=_shown(a.strip()), b=_shown(b.strip())))


# ----------------------------------------------------------------------- cluster: a local OpenSearch cluster

def _cluster_guard(ctx: click.Context, index) -> None:
    """An opensearch:// --index must be well formed (every command works on both backends)."""
    if not str(index).startswith("opensearch:"):
        return
    from indexer.backends import parse_spec

    try:
        parse_spec(str(index))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--index") from None


def _cluster_ingest(ctx: click.Context, paths, rebuild: bool, options, progress, status):
    """`ingest`/`rebuild` on an opensearch:// index (`indexer.backends.opensearch`)."""
    from indexer.backends import open_engine
    from indexer.backends.opensearch_client import OpenSearchError

    if not rebuild and options.prune:  # (nothing on a cluster records which file gave an article)
        _fail("--prune is not available on a cluster index: `rebuild` reads every recorded source "
              "and drops the articles whose files are gone", code=2)
    engine = open_engine(ctx.obj["index"])
    try:
        if rebuild:
            return engine.rebuild(list(paths), options, progress=progress, status=status)
        return engine.ingest(list(paths), options, progress=progress, status=status)
    except OpenSearchError as exc:
        _fail(str(exc))


_cluster_data = click.option("--data", "data", type=click.Path(file_okay=False, path_type=Path), default=None,
                             help="Folder for the nodes' data, logs and state.  [default: index_data/cluster]")


@cli.group("cluster")
def cluster_group():
    """A local OpenSearch cluster on 127.0.0.1 for the cluster backend (--index opensearch://...)."""


@cluster_group.command("start")
@click.option("--nodes", type=click.IntRange(1, 9), default=3, show_default=True)
@click.option("--port", "http_port", type=click.IntRange(1024, 65000), default=9200, show_default=True,
              help="HTTP port of the first node (the others follow; transport ports from PORT+100).")
@_cluster_data
def cluster_start(nodes, http_port, data):
    """Start NODES nodes (one JVM each) and wait for the cluster; print its --index URL prefix."""
    from indexer import cluster

    click.echo(f"starting {nodes} OpenSearch node(s)…", err=True)
    try:
        state = cluster.start(nodes, data, http_port=http_port, transport_port=http_port + 100)
    except cluster.ClusterError as exc:
        _fail(str(exc))
    for n in state["nodes"]:
        click.echo(f"{n['name']}: http 127.0.0.1:{n['http']} pid {n['pid']} log {n['log']}", err=True)
    click.echo(cluster.url_of(state))


@cluster_group.command("status")
@_fmt
@_cluster_data
def cluster_status(fmt, data):
    """The nodes of the local cluster and whether each is up."""
    from indexer import cluster

    try:
        info = cluster.status(data)
    except cluster.ClusterError as exc:
        _fail(str(exc))
    if fmt == "json":
        _echo_json(info)
        return
    click.echo(f"{info['url']}  health: {info['health'] or 'unreachable'}")
    for n in info["nodes"]:
        click.echo(f"  {n['name']}  http {n['http']}  pid {n['pid']}  {'up' if n['up'] else 'down'}")


@cluster_group.command("stop")
@_cluster_data
def cluster_stop(data):
    """Stop every node of the local cluster (its data is kept)."""
    from indexer import cluster

    try:
        stopped = cluster.stop(data)
    except cluster.ClusterError as exc:
        _fail(str(exc))
    click.echo(f"stopped {len(stopped)} node(s)" + (": " + ", ".join(stopped) if stopped else ""))


if __name__ == "__main__":
    cli()
