"""Text metadata: header styles as data files (text + expected JSON)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from transforms.metadata import parse_text_metadata, place_yearless_date

CASE_DIR = Path(__file__).parent / "cases" / "metadata"
CASES = sorted(CASE_DIR.glob("*.txt"))
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_parse_text_metadata(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    meta = parse_text_metadata(path.read_text(encoding="utf-8"))
    got = {
        "title": meta.title,
        "source": meta.source,
        "author": meta.author,
        "published_at": meta.published_at.isoformat() if meta.published_at else None,
        "date_origin": meta.date_origin,
    }
    assert got == expected


def test_dateline_without_year_takes_the_text_year_and_says_so() -> None:
    text = "Tencent results\n\nSHENZHEN, Nov 13 (Reuters) - Tencent said 2025 revenue rose.\n"
    meta = parse_text_metadata(text)
    assert meta.published_at == datetime(2025, 11, 13)
    assert meta.source == "Reuters"
    assert meta.extra.get("date_year_inferred") == "true"


def test_empty_text_has_no_metadata() -> None:
    meta = parse_text_metadata("")
    assert (meta.title, meta.published_at, meta.date_origin) == (None, None, None)


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="shared/ gold files not beside the repo")
@pytest.mark.parametrize(
    "gold_path", sorted((SHARED / "gold").glob("*.gold.json")), ids=lambda p: p.stem
)
def test_seed_metadata_matches_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    meta = parse_text_metadata((SHARED / "seeds" / gold["doc"]).read_text(encoding="utf-8"))
    assert meta.published_at is not None
    assert meta.published_at.isoformat().startswith(gold["published"])
    assert meta.source == gold["source"]
    assert meta.author == gold["author"]


@pytest.mark.parametrize(
    ("text", "reference", "expected", "origin"),
    [
        # no year anywhere: the latest Sept 3 on or before the file arrived
        ("Zhipu raises funds\n\nBEIJING, Sept 3 (Reuters) - Zhipu said.\n", date(2026, 3, 1), datetime(2025, 9, 3), "dateline_year_guess"),
        ("Zhipu raises funds\n\nBEIJING, Sept 3 (Reuters) - Zhipu said.\n", date(2026, 9, 3), datetime(2026, 9, 3), "dateline_year_guess"),
        # only a forecast year in the text: the reference wins
        ("Chips\n\nTAIPEI, Jan 5 (Reuters) - Sales will double by 2030.\n", date(2026, 2, 1), datetime(2026, 1, 5), "dateline_year_guess"),
        # a past year in the text is kept (an archive read long after it was written)
        ("Tencent results\n\nSHENZHEN, Nov 13 (Reuters) - 2025 revenue rose.\n", date(2027, 6, 1), datetime(2025, 11, 13), "header"),
        # 29 February needs a leap year
        ("Note\n\nSEOUL, Feb 29 (Yonhap) - Profit rose.\n", date(2027, 3, 1), datetime(2024, 2, 29), "dateline_year_guess"),
    ],
)
def test_yearless_dateline_is_placed_by_the_arrival_date(
    text: str, reference: date, expected: datetime, origin: str
) -> None:
    meta = parse_text_metadata(text)
    place_yearless_date(meta, reference)
    assert (meta.published_at, meta.date_origin) == (expected, origin)


def test_a_full_date_is_never_replaced_by_a_guess() -> None:
    meta = parse_text_metadata("Title\nPublished 18 November 2025\n\nHANGZHOU, Nov 25 (Reuters) - x.\n")
    place_yearless_date(meta, date(2026, 1, 1))
    assert meta.published_at == datetime(2025, 11, 18)


@pytest.mark.parametrize(
    "raw",
    ["2025-05-07", "2025-05-07 18:03", "2025-05-07T18:03:09", "7 May 2025", "07 May, 2025",
     "May 7, 2025", "May 7 2025 18:03", "Wednesday, May 7, 2025", "Wednesday 7 May 2025",
     "Sep 7, 2025", "7 Sep 2025 18:03", "٢٠٢٥-05-07", "May 2025", "2025", "", "x"],
)
def test_common_dates_try_only_the_formats_that_can_read_them(raw: str) -> None:
    from transforms.metadata import _COMMON_FORMATS, _parse_common_date

    expected = None
    for fmt in _COMMON_FORMATS:  # every format in order: the first that reads the string wins
        try:
            expected = datetime.strptime(raw, fmt)
            break
        except ValueError:
            continue
    assert _parse_common_date(raw) == expected
