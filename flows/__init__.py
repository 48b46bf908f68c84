"""Prefect flows and tasks: all I/O of briefing (files, feeds, DuckDB, HTML)."""

import briefing  # noqa: F401  # first: it chooses pyarrow's allocator before pandas imports pyarrow
