"""Give memory a finished stage freed back to the operating system.

`briefing run` runs ingest, validation and the report in one process. Each stage frees what it
read, but the C allocator keeps the freed pages for later use, so the next stage started from
the last one's high-water mark and the run's peak grew with every stage.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, where the C library is glibc; None elsewhere."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_memory() -> None:
    """Collect garbage, then return the allocator's free pages to the OS (glibc only)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
