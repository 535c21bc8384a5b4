"""wensou indexer: ingestion, Chinese analysis, the index and the one search API.

The web layer (`search_web`) and the CLI (`cli.py`) are thin shells over
`indexer.search.SearchEngine`; nothing outside this package computes results.
"""
