"""Print figure-extraction throughput (MB/s, one core) for 1 MB and 10 MB of news text."""

from __future__ import annotations

import time
from pathlib import Path

from transforms.figures import extract_figures

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def build_text(size: int) -> str:
    """Repeat the sample articles until the text is at least size bytes of UTF-8."""
    parts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    base = "\n\n".join(parts)
    reps = size // len(base.encode("utf-8")) + 1
    return "\n\n".join([base] * reps)


def bench(size: int) -> tuple[float, int, float]:
    """Return (MB/s, figures found, seconds) for one run over size bytes."""
    text = build_text(size)
    mb = len(text.encode("utf-8")) / 1e6
    t0 = time.perf_counter()
    figures = extract_figures(text)
    dt = time.perf_counter() - t0
    return mb / dt, len(figures), dt


def main() -> None:
    """Run the benchmark for 1 MB and 10 MB and print one line per size."""
    extract_figures(build_text(20_000))  # warm regex caches
    for size in (1_000_000, 10_000_000):
        rate, n, dt = bench(size)
        print(f"{size / 1e6:>4.0f} MB: {rate:6.2f} MB/s  ({n} figures in {dt:.2f} s)")


if __name__ == "__main__":
    main()
