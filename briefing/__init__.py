"""briefing: figures from business and technology news, normalised, checked and briefed."""

import os

# pyarrow's default allocator (mimalloc) keeps what pandas' Arrow-backed columns free, so a long
# report crept up page after page (40,000 articles: ~800 MB for the report alone; ~700 MB with the
# system allocator, whose freed pages flows/memory.py returns between stages). Set before pyarrow
# is first imported; worker processes inherit it. An explicit setting wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
