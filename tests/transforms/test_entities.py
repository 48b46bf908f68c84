"""Entity watchlist: CSV parsing, alias matching, and names found from the text's own shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms.entities import CatalogError, EntityCatalog

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalog() -> EntityCatalog:
    return EntityCatalog.from_csv_text((REPO / "data" / "entities.csv").read_text(encoding="utf-8"))


def _names(catalog: EntityCatalog, text: str) -> list[str]:
    return [m.canonical for m in catalog.find_mentions(text)]


def test_shipped_watchlist_parses_and_covers_the_industry(catalog: EntityCatalog) -> None:
    for name in (
        "Alibaba Cloud",
        "Qwen3-Max",
        "DeepSeek",
        "Tencent Cloud",
        "Baidu AI Cloud",
        "NVIDIA",
        "Azure",
        "OpenAI",
        "AWS",
        "Moonshot",
        "SMIC",
        "TSMC",
        "CoreWeave",
    ):
        assert name in catalog


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alibaba Cloud's revenue beat Alibaba's forecast.", ["Alibaba Cloud", "Alibaba"]),
        ("Nvidia and Microsoft's Azure grew.", ["NVIDIA", "Microsoft", "Azure"]),
        ("Qwen3 and Qwen3-Max and Qwen-Next launched.", ["Qwen3", "Qwen3-Max", "Qwen3-Next"]),
        ("Tongyi Qianwen and the Tongyi APP", ["Qwen", "Tongyi App"]),
        ("DeepSeek R1 rivals GPT-5.", ["DeepSeek-R1", "GPT-5"]),
    ],
)
def test_aliases_map_to_canonical_names(
    catalog: EntityCatalog, text: str, expected: list[str]
) -> None:
    assert _names(catalog, text) == expected


def test_longer_unlisted_product_name_is_not_cut_to_a_listed_prefix(catalog: EntityCatalog) -> None:
    assert _names(catalog, "Qwen3-Coder-Plus tops the chart.") == ["Qwen3-Coder-Plus"]


def test_unlisted_names_come_from_their_shape() -> None:
    empty = EntityCatalog.empty()
    text = "Zeta9-Pro beats DingTalk, while Kingsoft Cloud and Pinduoduo's revenue grew."
    assert _names(empty, text) == ["Zeta9-Pro", "DingTalk", "Kingsoft Cloud", "Pinduoduo"]


def test_quarters_currencies_and_chip_units_are_not_names() -> None:
    empty = EntityCatalog.empty()
    assert (
        _names(empty, "In Q4 revenue was RMB247,795 million and FY2026 looks good; IaaS grew.")
        == []
    )


def test_people_and_analysts_are_known_but_not_subjects(catalog: EntityCatalog) -> None:
    kinds = {
        m.canonical: m.is_subject_kind
        for m in catalog.find_mentions("Jack Ma told Goldman Sachs about Tencent.")
    }
    assert kinds == {"Jack Ma": False, "Goldman Sachs": False, "Tencent": True}


@pytest.mark.parametrize(
    "csv_text",
    [
        "name,kind\nX,company\n",
        "canonical,kind,aliases\n,company,\n",
        "canonical,kind,aliases\nX,planet,\n",
        "canonical,kind,aliases,fiscal_year_end\nX,company,,13\n",
        "canonical,kind,aliases,fiscal_year_end\nX,company,,June\n",
    ],
)
def test_bad_watchlist_gets_a_clear_error(csv_text: str) -> None:
    with pytest.raises(CatalogError):
        EntityCatalog.from_csv_text(csv_text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ernie 4.5 Turbo costs less than ERNIE X1.", ["ERNIE 4.5 Turbo", "ERNIE X1"]),
        ("The Doubao Pro model and Doubao 1.6 were shown.", ["Doubao Pro", "Doubao 1.6"]),
        ("Each GB200 NVL72 rack draws power.", ["GB200 NVL72"]),
        ("Doubao 2 models and Doubao 10 agents", ["Doubao", "Doubao"]),
    ],
)
def test_versions_after_a_product_name_make_it_specific(
    catalog: EntityCatalog, text: str, expected: list[str]
) -> None:
    assert _names(catalog, text) == expected


def test_an_unlisted_tail_of_a_listed_name_stands_for_it(catalog: EntityCatalog) -> None:
    text = "Baidu AI Cloud grew fast. AI Cloud revenue rose again."
    assert _names(catalog, text) == ["Baidu AI Cloud", "Baidu AI Cloud"]


def test_stock_indices_are_their_own_kind(catalog: EntityCatalog) -> None:
    found = catalog.find_mentions("The Hang Seng Tech Index and the Nasdaq Composite fell.")
    assert [(m.canonical, m.kind) for m in found] == [
        ("Hang Seng Tech Index", "index"),
        ("Nasdaq Composite", "index"),
    ]


def test_fiscal_year_end_is_read_per_company(catalog: EntityCatalog) -> None:
    csv_text = "canonical,kind,aliases,fiscal_year_end\nAcme,company,Acme Corp,6\nBeta,company,,\n"
    small = EntityCatalog.from_csv_text(csv_text)
    assert small.fiscal_year_end("Acme Corp") == 6
    assert small.fiscal_year_end("Beta") == 12  # blank: the calendar year
    assert small.fiscal_year_end("Unknown") == 12
    # the shipped watchlist knows the common non-calendar fiscal years
    assert catalog.fiscal_year_end("Microsoft") == 6
    assert catalog.fiscal_year_end("Alibaba Group") == 3
    assert catalog.fiscal_year_end("Tencent") == 12


def test_an_alias_naming_a_version_keeps_it_when_extended(catalog: EntityCatalog) -> None:
    assert _names(catalog, "Kimi K2 Thinking tops the chart.") == ["Kimi K2 Thinking"]


@pytest.mark.parametrize(
    "text",
    [
        "President Wang Xiaoming said the plan was on track.",
        "Chief executive Lisa Moreau said demand was strong.",
    ],
)
def test_a_person_before_said_is_not_an_organisation(catalog: EntityCatalog, text: str) -> None:
    assert _names(catalog, text) == []


def test_a_family_name_with_a_suffix_keeps_the_written_family(catalog: EntityCatalog) -> None:
    # canonical "Kling AI"; the version is of the family as written
    assert _names(catalog, "Kling 2.1 Pro rolled out.") == ["Kling 2.1 Pro"]


def test_a_listed_name_written_in_another_case_is_still_found() -> None:
    catalog = EntityCatalog.from_csv_text("canonical,kind,aliases\nHunyuan,product,Tencent Hunyuan\n")
    names = [m.canonical for m in catalog.find_mentions("Tencent unveils HunYuan-T2 reasoning model.")]
    assert names == ["Tencent", "Hunyuan-T2"]  # "Tencent unveils": an unlisted actor, found from the text


def test_an_acronym_the_text_defines_stands_for_its_name() -> None:
    catalog = EntityCatalog.from_csv_text("canonical,kind,aliases\nDell,company,Dell Technologies\n")
    text = (
        "Dell Technologies reported results. Infrastructure Solutions Group (ISG) revenue rose 41%. "
        "ISG operating income was $1.9 billion. The ISGX unit and MISG are other names."
    )
    names = [m.canonical for m in catalog.find_mentions(text)]
    assert names == ["Dell Technologies", "Infrastructure Solutions Group", "Infrastructure Solutions Group"]


def test_a_model_number_name_takes_the_capitalised_words_before_it() -> None:
    catalog = EntityCatalog.from_csv_text("canonical,kind,aliases\nNVIDIA,company,Nvidia\n")
    text = "Vera Rubin NVL144 packs 72 GPUs. Nvidia said the Rubin Ultra NVL576 follows. The NVL72 ships."
    names = [m.canonical for m in catalog.find_mentions(text)]
    assert names == ["Vera Rubin NVL144", "NVIDIA", "Rubin Ultra NVL576", "NVL72"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dell Technologies raised its outlook. Dell expects more.", ["Dell Technologies", "Dell Technologies"]),
        ("Dell raised its outlook.", ["Dell"]),
        ("Samsung Electronics and Samsung both said so.", ["Samsung Electronics", "Samsung Electronics"]),
        # a legal form or a business line is not part of how the company is named
        ("Tencent Holdings said Tencent grew.", ["Tencent", "Tencent"]),
        ("Unitree Robotics filed. Unitree grew.", ["Unitree Robotics", "Unitree Robotics"]),
    ],
)
def test_a_company_named_in_full_keeps_that_name(text: str, expected: list[str]) -> None:
    catalog = EntityCatalog.from_csv_text(
        "canonical,kind,aliases\nDell,company,Dell Technologies\nSamsung,company,Samsung Electronics\n"
        "Tencent,company,Tencent Holdings\nUnitree,company,Unitree Robotics\n"
    )
    assert [m.canonical for m in catalog.find_mentions(text)] == expected


def test_a_name_found_from_its_shape_is_found_wherever_it_stands() -> None:
    text = "Humain signs AMD deal.\n\nRIYADH - Humain on Wednesday signed a deal. Humain, owned by PIF, has 60%."
    names = [m.canonical for m in EntityCatalog.empty().find_mentions(text)]
    assert names.count("Humain") == 3


def test_names_and_their_parts_found_from_their_shape() -> None:
    text = (
        "Eastgate Research | Company Flash | Korea Software\nKorvell Technology (402310 KS)\n\n"
        "Korvell reported revenue. Our Edge Compute Division grew. ECD sales rose, and the Cloud and Network "
        "Group shrank."
    )
    names = [(text[m.start : m.end], m.canonical) for m in EntityCatalog.empty().find_mentions(text)]
    assert ("Korvell Technology", "Korvell Technology") in names  # not across the line break
    assert ("Korvell", "Korvell Technology") in names  # the one-word form of the longer name
    assert ("ECD", "Edge Compute Division") in names  # initials the text never defines
    assert ("Cloud and Network Group", "Cloud and Network Group") in names


def test_brands_opening_with_a_lower_case_letter_are_names_but_units_are_not() -> None:
    text = "Equinix said xScale grew. eMobility fell; the iPhone sold; 5 kWh and 300 mAh."
    names = [m.canonical for m in EntityCatalog.empty().find_mentions(text)]
    assert {"xScale", "eMobility", "iPhone"} <= set(names)
    assert "kWh" not in names and "mAh" not in names


def test_a_company_s_management_or_board_is_not_a_company() -> None:
    text = "Management raised its guidance. Board approved a buyback. Shareholders cheered."
    names = [m.canonical for m in EntityCatalog.empty().find_mentions(text)]
    assert names == []
