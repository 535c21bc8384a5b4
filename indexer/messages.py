"""What wensou says to people, in Chinese (the default) or English: the one catalogue of CLI texts.

Data keeps its stable English texts (a skip reason in a report, the JSON a command prints); they
are put into the reader's language only when shown, by `Messages.reason`. The language is
chosen once, by `choose_language`:

1. `--lang zh|en` on the command line;
2. `WENSOU_LANG=zh|en` in the environment;
3. the locale: the first set of `LC_ALL`, `LC_MESSAGES`, `LANG` in English (`en`, `en_US.UTF-8`)
   gives English; any other (`zh_CN.UTF-8`, `C.UTF-8`, `POSIX`, unset) gives Chinese.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
SKIPPED_SHOWN = 20  # skipped files `stats` and the /stats page list; the rest are counted


def choose_language(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """`zh` or `en` by the rule in this module's docstring."""
    env = os.environ if environ is None else environ
    for wanted in (option, env.get("WENSOU_LANG")):
        if wanted:
            wanted = wanted.strip().lower()[:2]
            if wanted in LANGUAGES:
                return wanted
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "en" if value.lower().startswith("en") and value[2:3] in ("", "_", ".", "@") else DEFAULT
    return DEFAULT


# key: (Chinese, English); English with a singular form as (one, many) where a count decides.
CATALOGUE: dict[str, tuple[str, str | tuple[str, str]]] = {
    "error": ("错误：{message}", "error: {message}"),
    "interrupted": ("已中断（Ctrl-C）：在线索引保持不变", "interrupted (Ctrl-C): the live index is kept"),
    "os_error": ("无法读写 {path}：{reason}", "cannot read or write {path}: {reason}"),
    "busy": ("{message}；请等它完成后再试", "{message}; try again when it has finished"),
    "reading": ("读取文章", "reading articles"),
    "status": ("{message}…", "{message}…"),
    "status.writing": ("正在把 {n} 篇文章写入新的一代索引", "writing the index of {n} articles into a new generation"),
    "status.reposts": ("正在查找相似的转载", "finding near-duplicate reposts"),
    "restored": ("CURRENT 丢失或指向不存在的一代：已指回最新的完整一代 {gen}，再在它之上进行",
                 "CURRENT was missing or named no generation: pointed again at the newest finished one, {gen}, "
                 "and went on from it"),
    "warning": ("警告：{message}", "warning: {message}"),
    "forgot": ("不再记录来源 {path}：已不存在（--drop-missing）", "forgot source {path}: missing (--drop-missing)"),
    "skipped": ("跳过 {path}：{reason}", "skipped {path}: {reason}"),
    "duplicate": ("重复 {path}：{reason}", "duplicate {path}: {reason}"),
    "renamed": ("改名 {path}：{reason}", "renamed {path}: {reason}"),
    "cut": ("截断 {path}：{reason}", "cut {path}: {reason}"),
    "untexted": ("提示 {path}：{reason}", "note {path}: {reason}"),
    "removed": ("移除 {id}（{path}）：{reason}", "removed {id} ({path}): {reason}"),
    "removed_unfiled": ("移除 {id}：{reason}", "removed {id}: {reason}"),  # (a cluster's rebuild knows no file)
    "summary.changed": ("{mode}：{generation}，共 {articles} 篇文章", ("{mode}: {articles} article in {generation}",
                                                                     "{mode}: {articles} articles in {generation}")),
    "summary.unchanged": ("{mode}：没有变化，{generation} 中的 {articles} 篇文章继续使用",
                          ("{mode}: nothing changed, {articles} article in {generation} stays live",
                           "{mode}: nothing changed, {articles} articles in {generation} stay live")),
    "summary": ("{head}（新增 {added}，更新 {updated}，未变 {unchanged}，移除 {removed}，重复 {duplicates}{extra}），"
                "读了 {files} 个文件，跳过 {skipped} 个{records}，用时 {seconds:.1f} 秒",
                "{head} ({added} added, {updated} updated, {unchanged} unchanged, {removed} removed, "
                "{duplicates} duplicates{extra}) from {files} {files_word}, {skipped} skipped{records} in {seconds:.1f}s"),
    "summary.renamed": ("，改名 {n}", ", {n} renamed"),
    "summary.reposts": ("，{n} 篇作为转载保留", ", {n} kept as reposts"),
    "summary.records": ("，坏记录 {n} 条", (", {n} bad record", ", {n} bad records")),
    "summary.others": ("，另有 {n} 个其他类型的文件未读（{kinds}）", ", {n} files of other kinds not read ({kinds})"),
    "mode.ingest": ("导入", "ingest"),
    "mode.rebuild": ("重建", "rebuild"),
    "results": ("共 {total} 条结果{stories}（{ms} 毫秒），第 {page} 页，共 {pages} 页",
                ("{total} result{stories} ({ms} ms), page {page} of {pages}",
                 "{total} results{stories} ({ms} ms), page {page} of {pages}")),
    "results.none": ("共 0 条结果（{ms} 毫秒）", "0 results ({ms} ms)"),
    "stories": ("，{n} 个报道", (", {n} story", ", {n} stories")),
    "note": ("提示：{text}", "note: {text}"),
    "also_searched": ("同时搜索了：{terms}（用 --no-variants 不搜这些）", "also searched: {terms}  (--no-variants to leave them out)"),
    "similar": ("   另有 {n} 篇相似报道（--no-collapse 全部列出）",
                ("   + {n} similar report (--no-collapse lists them)", "   + {n} similar reports (--no-collapse lists them)")),
    "try": ("试试：{query}（{total} 条结果）", ("try: {query}  ({total} result)", "try: {query}  ({total} results)")),
    "labelled": ("{label}：{values}", "{label}: {values}"),
    "facet.source": ("来源", "source"),
    "facet.author": ("作者", "author"),
    "facet.column": ("栏目", "column"),
    "facet.year": ("年份", "year"),
    "show.url": ("网址", "url"),
    "show.column": ("栏目", "column"),
    "show.keywords": ("关键词", "keywords"),
    "no_article": ("没有编号为 {id} 的文章", "no article with id {id}"),
    "no_index": ("{index} 还没有索引；用 `rebuild` 建一个", "no index at {index}; build one with `rebuild`"),
    "serving": ("wensou 在 {url} 提供 {index} 的搜索", "wensou serving {index} on {url}"),
    "stats.articles": ("文章：    {n}", "articles:   {n}"),
    "stats.dates": ("日期：    {start} 至 {end}", "dates:      {start} to {end}"),
    "stats.index": ("索引：    {mb:.1f} MB，第 {generation} 代", "index:      {mb:.1f} MB, generation {generation}"),
    "stats.build": ("上次建索引：{mode}，完成于 {finished}，用时 {seconds} 秒，读了 {files} 个文件（新增 {added}，"
                    "更新 {updated}，未变 {unchanged}，移除 {removed}，重复 {duplicates}，跳过 {skipped}）",
                    "last build: {mode} finished {finished} in {seconds}s from {files} files ({added} added, "
                    "{updated} updated, {unchanged} unchanged, {removed} removed, {duplicates} duplicates, "
                    "{skipped} skipped)"),
    "stats.more": ("  … 另有 {n} 个（stats --format json 全部列出）", "  … and {n} more (stats --format json lists them all)"),
    "stats.top_sources": ("主要来源", "top sources"),
    "stats.top_authors": ("主要作者", "top authors"),
    "stats.zero_hits": ("没有结果的搜索：{list}", "zero hits: {list}"),
    "check.verified": ("{generation}：已校验 {files} 个文件，{mb:.1f} MB，用时 {seconds:.2f} 秒：{state}",
                       "{generation}: {files} files, {mb:.1f} MB verified in {seconds:.2f}s: {state}"),
    "check.intact": ("全部完好", "all intact"),
    "check.damaged_count": ("{n} 个已损坏", "{n} damaged"),
    "check.damaged": ("已损坏 {file}（{reason}）：{holds}{count}{listed}", "damaged {file} ({reason}): {holds}{count}{listed}"),
    "check.articles": ("，{n} 篇文章", (", {n} article", ", {n} articles")),
    "check.untrusted": ("当前使用的这一代索引不可信：`wensou rebuild` 会重新写出",
                        "the live generation cannot be trusted: `wensou rebuild` writes it again"),
    "check.format1": ("{generation} 写于记录校验和之前（索引格式 1）：无从校验；`wensou rebuild` 会带校验和重写",
                      "{generation} was written before checksums were recorded (index format 1): nothing to verify "
                      "it against; `wensou rebuild` writes it with checksums"),
    "sources.none": ("没有记录来源（索引建于记录来源之前；`rebuild PATH...` 会记录）",
                     "no sources recorded (the index was built before sources were recorded; "
                     "`rebuild PATH...` records them)"),
    "sources.never": ("从未", "never"),
    "sources.missing": ("  （已不存在）", "  (missing)"),
    "sources.line": ("{n} 篇文章，上次读取 {when}", ("{n} article, last read {when}", "{n} articles, last read {when}")),
    "every_article": ("（所有文章）", "(every article)"),
    "saved.saved": ("已保存 {name}：{query}", "saved {name}: {query}"),
    "saved.replaced": ("已替换 {name}：{query}", "replaced {name}: {query}"),
    "saved.none": ("没有保存的搜索（`saved add NAME QUERY` 保存一个）", "no saved searches (`saved add NAME QUERY` saves one)"),
    "saved.removed": ("已删除 {name}", "removed {name}"),
    "saved.or_replace": ("；或用 --replace 替换它", "; or replace it with --replace"),
    "alerts.marked": ("{name}：已标记；下次运行起列出新文章", "{name}: marked; new articles are listed from the next run"),
    "alerts.costly": ("{name}：没有检查：这个搜索用时超过允许的时限", "{name}: not checked: the search takes longer than a search may"),
    "alerts.new": ("{name}：{n} 篇新文章{more}", "{name}: {n} new{more}"),
    "alerts.more": ("（其中 {n} 篇未列出）", " ({n} of them not listed)"),
    "variants.added": ("已添加：{a} / {b}{shipped}", "added: {a} / {b}{shipped}"),
    "variants.already": ("已经配对：{a} / {b}{shipped}", "already paired: {a} / {b}{shipped}"),
    "variants.none": ("这个索引还没有自己的词对（`variants add A B` 添加一对）", "no pairs of this index's own (`variants add A B` adds one)"),
    "variants.shipped": ("（自带的词表已经配对）", "  (the shipped tables pair them already)"),
    "variants.removed": ("已删除：{a} / {b}", "removed: {a} / {b}"),
    "concordance": ("{total} 处，出自 {read} / {articles} 篇文章（{ms} 毫秒）",
                    "{total} occurrences in {read} of {articles} articles ({ms} ms)"),
    "per_year": ("按年：{list}", "per year: {list}"),
    "undated": ("无日期", "undated"),
}

# Reasons kept in English in the data (reports, JSON), shown in Chinese: pattern → Chinese text.
# A search parameter's errors (`indexer.search.request.BadRequest`, in Chinese as the web API gives
# them), in English for a command line in English: the ones a command's options can reach.
REQUEST_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), en) for p, en in (
    (r"^起始日期无法识别：(.*)（可写 2024-02-05、2005年6月、民國94年）$",
     r"the from date cannot be read: \1 (write 2024-02-05, 2005年6月 or 民國94年)"),
    (r"^结束日期无法识别：(.*)（可写 2024-02-05、2005年6月、民國94年）$",
     r"the to date cannot be read: \1 (write 2024-02-05, 2005年6月 or 民國94年)"),
    (r"^起始日期 (\S+) 晚于结束日期 (\S+)$", r"the from date \1 is after the to date \2"),
    (r"^在结果中搜索的查询过长：(\d+) 个字符，最多 (\d+) 个$", r"a within query is too long: \1 characters, at most \2"),
))
REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), zh) for p, zh in (
    (r"^a list of links, not an article$", "只是一串链接，不是文章"),
    # what `check` finds wrong with a file of a generation, and what the file holds (`indexer.integrity`)
    (r"^checksum mismatch$", "校验和不符"),
    (r"^(\S+) is missing$", r"\1 不见了"),
    (r"^(\S+) is not valid JSON$", r"\1 不是有效的 JSON"),
    (r"^(\S+) is not a checksum record$", r"\1 不是校验记录"),
    (r"^missing$", "文件不见了"),
    (r"^(\d+) bytes, (\S+) written$", r"现为 \1 字节，写入时为 \2 字节"),
    (r"^unreadable: (.*)$", r"无法读取：\1"),
    (r"^segment (\S+)$", r"分段 \1"),
    (r"^segment (\S+) \(not in the table of contents\)$", r"分段 \1（不在目录中）"),
    (r"^the table of contents: every article$", "目录：每一篇文章"),
    (r"^which file gave which article \(used by the next ingest\)$", "哪个文件给出哪篇文章（下次导入要用）"),
    (r"^which file gave which article \(an older index's; used by the next ingest\)$",
     "哪个文件给出哪篇文章（旧版索引的；下次导入要用）"),
    (r"^the checksums of every file$", "每个文件的校验和"),
    (r"^the report of the build$", "这次构建的报告"),
    (r"^the recorded sources \(used by the next rebuild\)$", "记录的来源（下次重建要用）"),
    (r"^the reposts of every article \(collapsing\)$", "每篇文章的转载关系（合并相同报道用）"),
    (r"^generation metadata$", "这一代索引的元数据"),
    (r"^no index at (.+): run `cli.py rebuild` first$", r"\1 还没有索引；先用 `cli.py rebuild` 建一个"),
    (r"^(.+): a wording is 2 to 50 characters, with something to search$", r"\1：一种说法须有 2 到 50 个字符，且含可检索的字"),
    (r"^(.+): a wording holds no spaces or control characters$", r"\1：一种说法不能含空格或控制字符"),
    (r"^(.+) and (.+) are one wording once folded \(simplified/traditional, width, case\): they find each other already$",
     r"\1 和 \2 折叠（简繁、全半角、大小写）后是同一种说法：本来就互相找得到"),
    (r"^(.+) / (.+) is not one of this index's pairs \(it is a shipped pair\)$", r"\1 / \2 不是这个索引自己加的对照（它是内置的对照）"),
    (r"^(.+) / (.+) is not one of this index's pairs$", r"\1 / \2 不是这个索引的对照"),
    (r"^empty file$", "空文件"),
    (r"^not text \(binary or undecodable bytes\)$", "不是文本（二进制或无法解码的字节）"),
    (r"^not text: (\d+)% of its characters are (.*)$", r"不是文本：\1% 的字符是乱码（\2）"),
    (r"^unsupported file type (.*)$", r"不支持的文件类型 \1"),
    (r"^not an article file \(supported: (.*)\)$", r"不是文章文件（支持的有：\1）"),
    (r"^page structure too deep to read$", "网页结构太深，无法读取"),
    (r"^no web page in the saved archive \(MHTML\)$", "保存的网页档案（MHTML）里没有网页"),
    (r"^no article text found$", "没有找到正文"),
    (r"^no title and no searchable text.*$", "没有标题，也没有可搜索的文字"),
    (r"^record is a listing page, not an article$", "这条记录是列表页，不是文章"),
    (r"^record has neither title nor body$", "这条记录既没有标题也没有正文"),
    (r"^(\d+) records? with a title and no text: field '(.+)' holds text \(--field-map (\S+) reads it\)$",
     r"\1 条记录有标题而没有正文：字段 '\2' 里有文字（--field-map \3 可以读它）"),
    (r"^(\d+) records? with a title and no text$", r"\1 条记录有标题而没有正文"),
    (r"^no records in it \(an empty list\)$", "里面没有记录（空列表）"),
    (r"^record is a JSON (\w+), not an object$", r"这条记录是 JSON \1，不是对象"),
    (r"^invalid JSON: (.*)$", r"JSON 无效：\1"),
    (r"^not a regular file \(a device, FIFO or socket\)$", "不是普通文件（设备、管道或套接字）"),
    (r"^file is ([\d.]+) MB, over the ([\d.]+) MB limit \(raise it with (\S+)\)$",
     r"文件有 \1 MB，超过 \2 MB 的上限（用 \3 调高）"),
    (r"^record of ([\d.]+) MB, over the ([\d.]+) MB limit \(raise it with (\S+)\)$",
     r"这条记录有 \1 MB，超过 \2 MB 的上限（用 \3 调高）"),
    (r"^file grew while read, over the ([\d.]+) MB limit \(raise it with (\S+)\)$",
     r"读取时文件变大，超过 \1 MB 的上限（用 \2 调高）"),
    (r"^could not be read: (.*)$", r"无法读取：\1"),
    (r"^cannot read: permission denied$", "无法读取：没有权限"),
    (r"^cannot read: (.*)$", r"无法读取：\1"),
    (r"^no such file or folder$", "没有这个文件或文件夹"),
    (r"^symlink loop: this folder was already read$", "符号链接成环：这个文件夹已经读过"),
    (r"^symlink loop$", "符号链接成环"),
    (r"^already read: this folder is inside another source or path given$", "已经读过：这个文件夹在另一个来源或给出的路径之内"),
    (r"^broken symlink$", "符号链接指向不存在的文件"),
    (r"^symlink to a folder read under its own path: (.*)$", r"符号链接所指的文件夹已在它自己的路径下读取：\1"),
    (r"^body of ([\d,]+) characters indexed and shown up to ([\d,]+) \(raise it with (\S+)\)$",
     r"正文有 \1 字，只索引和显示前 \2 字（用 \3 调高）"),
    (r"^duplicate of article (.*) \(same id\)$", r"与文章 \1 重复（编号相同）"),
    (r"^duplicate of article (.*) \(same id, same record\)$", r"与文章 \1 重复（编号相同，记录相同）"),
    (r"^id (.*) already belongs to a different article from (.*); stored as (.*)$", r"编号 \1 已属于来自 \2 的另一篇文章；存为 \3"),
    (r"^cannot listen on (.*): (.*)$", "无法在 {} 上监听：{}"),
    # what the system says of a file or a socket it refuses (an `OSError`'s text), and SQLite
    (r"^Permission denied$", "没有权限"),
    (r"^Address already in use$", "地址已被占用"),
    (r"^Read-only file system$", "文件系统是只读的"),
    (r"^No such file or directory$", "没有这个文件或文件夹"),
    (r"^Is a directory$", "这是一个文件夹"),
    (r"^Input/output error$", "读写出错（输入/输出错误）"),
    (r"^Disk quota exceeded$", "超出了磁盘配额"),
    (r"^unable to open database file$", "无法打开数据库文件"),
    (r"^attempt to write a readonly database$", "数据库是只读的，不能写入"),
    (r"^database is locked$", "数据库被锁住了"),
    (r"^(.*) is not a field of an article \(one of: (.*)\)$", r"\1 不是文章的字段（可用：\2）"),
    (r"^expected THEIRS=OURS pairs, got (.*)$", r"应为「他们的字段=我们的字段」，得到 \1"),
    (r"^empty name in (.*)$", r"\1 中有空的名称"),
    (r"^duplicate$", "重复"),
    (r"^its source was forgotten \(--drop-missing\)$", "它的来源已不再记录（--drop-missing）"),
    (r"^its file is gone$", "它的文件已不存在"),
    (r"^its file was skipped: (.*)$", "它的文件被跳过：{}"),
    (r"^its folder was skipped: (.*)$", "它所在的文件夹被跳过：{}"),
    (r"^its source is no longer read \(rebuild with other paths\)$", "它的来源不再读取（用了别的路径重建）"),
    (r"^no longer in its file$", "它已不在文件中"),
    (r"^not in the sources read by this rebuild$", "不在这次重建读取的来源中"),
    # a cluster's errors (`indexer.backends.opensearch_client.OpenSearchError`)
    (r"^--prune is not available on a cluster index: `rebuild` reads every recorded source and drops the articles whose files are gone$",
     "集群上的索引不能用 --prune：`rebuild` 会读取每个记录的来源，并移除文件已不存在的文章"),
    (r"^no node of the cluster answered \((.*)\)$", r"集群没有一个节点应答（\1）"),
    (r"^only (\S+) of (\S+) shards answered$", r"只有 \1 / \2 个分片应答"),
    (r"^(\d+) article\(s\) were refused: (.*)$", r"集群拒收了 \1 篇文章：\2"),
    # errors of a command (`cli._fail`), English in the library's exceptions
    (r"^a saved search needs a name$", "保存的搜索需要一个名称"),
    (r"^a name is at most (\d+) characters$", r"名称最多 \1 个字"),
    (r"^a name cannot hold control characters or slashes$", "名称不能含控制字符或斜杠"),
    (r"^a saved query cannot hold control characters$", "保存的查询不能含控制字符"),
    (r"^a saved search named '(.*)' exists already \(remove it first\)$", r"已有名为「\1」的保存的搜索（请先删除它）"),
    (r"^at most (\d+) saved searches$", r"最多保存 \1 个搜索"),
    (r"^no saved search named '(.*)'$", r"没有名为「\1」的保存的搜索"),
    (r"^no article could be read; the live index is kept$", "没有读到任何文章；现用索引保持不变"),
    (r"^no article files found in the given paths; the live index is kept$",
     "给出的路径中没有文章文件；现用索引保持不变"),
    (r"^no article files found in the recorded sources; the live index is kept$",
     "记录的来源中没有文章文件；现用索引保持不变"),
    (r"^recorded sources? missing: (.*); the live index is kept\. Mount or restore it, or run "
     r"`rebuild --drop-missing` to forget it$",
     r"记录的来源不见了：\1；现用索引保持不变。请挂载或恢复它，或运行 `rebuild --drop-missing` 不再记录它"),
    (r"^recorded sources? cannot be read: (.*); the live index is kept\. Let this user read it, or run "
     r"`rebuild PATH\.\.\.` with the sources to keep$",
     r"记录的来源无法读取：\1；现用索引保持不变。请让当前用户能读取它，或用 `rebuild 路径...` 给出要保留的来源"),
    (r"^another rebuild or ingest is writing (.*)$", r"另一个重建或导入正在写 \1"),
    (r"^another rebuild of (.*) is running(.*)$", r"\1 的另一个重建正在进行\2"),
    (r"^not enough disk space to (?:rebuild|ingest): about (.*) needed, (.*) free in (.*); the live index is kept$",
     r"磁盘空间不够：大约需要 \1，\3 只剩 \2；现用索引保持不变"),
    (r"^not enough disk space to (?:rebuild|ingest): about (.*) needed, (.*) free in (.*); nothing was written$",
     r"磁盘空间不够：大约需要 \1，\3 只剩 \2；什么也没有写"),
    (r"^index generation (\S+) is damaged: (.*?); `wensou check` lists what it holds, `wensou rebuild` writes it again$",
     r"索引 \1 已损坏：\2；`wensou check` 列出其中的文章，`wensou rebuild` 重新写出"),
    (r"^index generation (\S+) is damaged: (.*?); `wensou check` lists what it holds, `wensou rebuild` writes it again; "
     r"serving the previous generation (\S+)$",
     r"索引 \1 已损坏：\2；`wensou check` 列出其中的文章，`wensou rebuild` 重新写出；现在使用上一代 \3"),
    (r"^cannot be read, and their articles are in the live index: (.*); the live index is kept\. Let this user read "
     r"them, or take them out of the source to drop their articles$",
     r"无法读取，而现用索引里有它们的文章：\1；现用索引保持不变。请让这个用户能读取它们，或者把它们移出来源以去掉其中的文章"),
    (r"^no space left on the device while writing (.*) \((\d+) MB free\); the unfinished generation was removed and "
     r"the live index is kept$", r"写 \1 时磁盘空间用完了（剩 \2 MB）；没写完的一代已经删除，现用索引保持不变"),
    (r"^this index was built before its sources were recorded, not from (.*); run `rebuild PATH\.\.\.` once "
     r"with its article folders$",
     r"这个索引建于记录来源之前，且不是从 \1 建的；请用它的文章文件夹运行一次 `rebuild PATH...`"),
))


# `store.verify_generation`'s line: its list of damaged files (`integrity.Damaged`: `FILE (reason)`)
_DAMAGED = re.compile(r"^index generation \S+ is damaged: (?P<list>.*?); `wensou check`")
_DAMAGED_ENTRY = re.compile(r"(\S*) ?\(((?:[^()]|\([^()]*\))*)\)")
_DAMAGED_MORE = re.compile(r" and (\d+) more$")


class Messages:
    """The texts of one language: `say(key, **values)`, `reason(english_reason)`."""

    def __init__(self, language: str = DEFAULT) -> None:
        self.language = language if language in LANGUAGES else DEFAULT

    def say(self, key: str, n: int | None = None, **values: object) -> str:
        zh, en = CATALOGUE[key]
        if self.language == "zh":
            template = zh
        elif isinstance(en, tuple):
            count = n if n is not None else values.get("total")
            template = en[0] if count == 1 else en[1]
        else:
            template = en
        return template.format(n=n, **values)

    def reason(self, text: str) -> str:
        """A reason from the data (English) in this language; one not in the catalogue as it is.
        In English, a search parameter's error (said in Chinese, as the web API says it) too."""
        if self.language == "en":
            for pattern, en in REQUEST_ERRORS:
                m = pattern.match(text)
                if m:
                    return m.expand(en)
            return text
        damaged = _DAMAGED.match(text)
        if damaged:  # each file of the list with its reason in Chinese (the list itself is data)
            text = text.replace(damaged["list"], self._damaged(damaged["list"]), 1)
        for pattern, zh in REASONS:
            m = pattern.match(text)
            if m:
                if "{}" in zh:  # nested reasons, each itself translated
                    return zh.format(*(self.reason(g or "") for g in m.groups()))
                return m.expand(zh)
        return text

    def _damaged(self, listed: str) -> str:
        """`integrity.Damaged` entries as `verify_generation` lists them (`FILE (reason), …
        and N more`), in Chinese."""
        entries = [f"{m[1]}（{self.reason(m[2])}）" for m in _DAMAGED_ENTRY.finditer(listed)]
        more = _DAMAGED_MORE.search(listed)
        return "、".join(entries) + (f" 等，另有 {more[1]} 个" if more else "") if entries else listed

    def status(self, message: str) -> str:
        """A progress line of the ingest (English from `indexer.ingest`) in this language."""
        if self.language == "en":
            return message
        m = re.match(r"writing the index of (\d+) articles into a new generation$", message)
        if m:
            return self.say("status.writing", n=int(m.group(1)))
        return self.say("status.reposts") if message == "finding near-duplicate reposts" else message

    def mode(self, mode: str) -> str:
        """`ingest` / `rebuild` in this language."""
        return self.say("mode." + mode) if ("mode." + mode) in CATALOGUE else mode

    def summary(self, report) -> str:
        """The one line that closes an ingest or rebuild (`indexer.ingest.IngestReport`)."""
        extra = self.say("summary.renamed", n=len(report.renamed)) if report.renamed else ""
        extra += self.say("summary.reposts", n=report.reposts) if report.reposts else ""
        records = self.say("summary.records", n=report.records_skipped) if report.records_skipped else ""
        others = getattr(report, "other_files", None) or {}
        if others:  # a saved page's pictures and scripts, an archive of another kind (`.htm.gz`)
            named = {"(none)": "无扩展名" if self.language == "zh" else "no suffix"}
            kinds = ("、" if self.language == "zh" else ", ").join(f"{named.get(k, k)} {v}" for k, v in sorted(others.items(), key=lambda kv: (-kv[1], kv[0]))[:5])
            records += self.say("summary.others", n=sum(others.values()), kinds=kinds + ("…" if len(others) > 5 else ""))
        head = self.say("summary.changed" if report.changed else "summary.unchanged", mode=self.mode(report.mode),
                        n=report.articles, articles=report.articles, generation=report.generation)
        return self.say("summary", head=head, added=report.added, updated=report.updated, unchanged=report.unchanged,
                        removed=report.removed, duplicates=len(report.duplicates), extra=extra, files=report.files,
                        files_word="file" if report.files == 1 else "files", skipped=report.files_skipped,
                        records=records, seconds=report.seconds)
