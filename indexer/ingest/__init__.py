"""The ingest layer: files and folders in, a new live index generation out.

`run` (the four steps of `run_ingest`), `files` (finding and reading article files within
their bounds), `reading` (extraction in worker processes, large exports in parts), `catalogue`
(ids and what each file gave), `sources` (the recorded sources and their options), `writer`
(the forked segment writers of a new generation) and `report` (options, counts, errors).
"""
