"""Country names as news writes them -> ISO 3166-1 alpha-3, and back."""

# ruff: noqa: RUF001 (typographic quotes and dashes are the point of these tests)

from __future__ import annotations

import pycountry
import pytest

from summarize.text.geo import country_code, country_name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("US", "USA"),
        ("U.S.", "USA"),
        ("the U.S.", "USA"),
        ("USA", "USA"),
        ("U.S.A.", "USA"),
        ("United States", "USA"),
        ("the United States of America", "USA"),
        ("America", "USA"),
        ("UK", "GBR"),
        ("U.K.", "GBR"),
        ("Britain", "GBR"),
        ("Great Britain", "GBR"),
        ("United Kingdom", "GBR"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("Iran", "IRN"),
        ("Islamic Republic of Iran", "IRN"),
        ("Iraq", "IRQ"),
        ("Syria", "SYR"),
        ("South Korea", "KOR"),
        ("North Korea", "PRK"),
        ("DPRK", "PRK"),
        ("DRC", "COD"),
        ("DR Congo", "COD"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo-Kinshasa", "COD"),
        ("Congo-Brazzaville", "COG"),
        ("Congo", "COG"),
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Palestine", "PSE"),
        ("Gaza", "PSE"),
        ("the Gaza Strip", "PSE"),
        ("West Bank", "PSE"),
        ("Kosovo", "XKX"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Czech Republic", "CZE"),
        ("Czechia", "CZE"),
        ("Laos", "LAO"),
        ("Vietnam", "VNM"),
        ("Viet Nam", "VNM"),
        ("Bolivia", "BOL"),
        ("Venezuela", "VEN"),
        ("Tanzania", "TZA"),
        ("Moldova", "MDA"),
        ("El Salvador", "SLV"),
        ("EL SALVADOR", "SLV"),
        ("PERU", "PER"),
        ("Colombia", "COL"),
        ("Taiwan", "TWN"),
        ("Myanmar", "MMR"),
        ("Burma", "MMR"),
        ("UAE", "ARE"),
        ("St. Lucia", "LCA"),
        ("Trinidad & Tobago", "TTO"),
        ("the Netherlands", "NLD"),
        ("  france  ", "FRA"),
        ("FRA", "FRA"),
        ("FR", "FRA"),
        ("IRQ", "IRQ"),
    ],
)
def test_country_code(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "   ",
        "Iranian",
        "American",
        "Syrian",
        "pro-Iranian",
        "Middle East",
        "Europe",
        "Baghdad",
        "asdfgh",
        "Frnace",  # no fuzzy matching: a typo is not a country
        "Korea",  # ambiguous
        "fra",  # lower-case codes are words, not codes
        "IN",  # upper-case English words are not codes (MUC-4 text is all capitals)
        "IT",
        "CAN",
        "ARE",
        "ZZZ",
        "x" * 200,
    ],
)
def test_not_a_country(name: str | None) -> None:
    assert country_code(name) is None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("USA", "United States"),
        ("usa", "United States"),
        ("US", "United States"),
        ("GBR", "United Kingdom"),
        ("IRN", "Iran"),
        ("SYR", "Syria"),
        ("RUS", "Russia"),
        ("KOR", "South Korea"),
        ("PRK", "North Korea"),
        ("PSE", "Palestine"),
        ("XKX", "Kosovo"),
        ("COD", "DR Congo"),
        ("CIV", "Ivory Coast"),
        ("FRA", "France"),
        ("IRQ", "Iraq"),
        ("VNM", "Vietnam"),
    ],
)
def test_country_name(code: str, name: str) -> None:
    assert country_name(code) == name


@pytest.mark.parametrize("code", [None, "", "ZZZ", "QQ", "FRANCE", "12", "U1A"])
def test_country_name_unknown(code: str | None) -> None:
    assert country_name(code) is None


def test_round_trip_for_every_iso_country() -> None:
    for country in pycountry.countries:
        name = country_name(country.alpha_3)
        assert name is not None
        assert country_code(name) == country.alpha_3, name
        assert country_code(country.name) == country.alpha_3, country.name


def test_cached() -> None:
    country_code.cache_clear()
    country_code("Britain")
    country_code("Britain")
    assert country_code.cache_info().hits == 1
