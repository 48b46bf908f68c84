"""Print the figures of each document given as JSON lines (one object per figure, with "doc")."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from transforms.extract import find_figures


def main(paths: list[str]) -> int:
    """Extract figures from each path and print them as JSON lines."""
    out = sys.stdout
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        for fig in find_figures(text):
            rec = {"doc": path, **fig.to_dict()}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
