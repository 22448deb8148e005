"""Country names as news writes them, to ISO 3166-1 alpha-3 codes and back.

Briefs carry countries as alpha-3 codes so they can be compared and aggregated,
but models write "the U.S.", "Britain", "Gaza" or "Türkiye". pycountry knows
the ISO names; a small alias table adds everyday news usage. Matching is exact
after folding case, accents, dots and a leading "the": there is deliberately
no fuzzy search, because a wrong country is worse than none, and adjectives
("Iranian") or garbage give ``None``.

Codes given as input are accepted in upper case only (``"FRA"``, ``"FR"``), and
not the codes that are also common English words in upper-case text such as
MUC-4's ("IN", "IT", "CAN", "ARE", ...).
"""

from __future__ import annotations

import functools
import re

import pycountry

from .folding import fold

__all__ = ["country_code", "country_name", "is_whole_country"]

#: Kosovo has no ISO 3166-1 code; XKX is the user-assigned code the EU and IMF use.
KOSOVO = "XKX"

_ALIASES: dict[str, str] = {
    # United States
    "us": "USA",
    "usa": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "america": "USA",
    # United Kingdom
    "uk": "GBR",
    "united kingdom": "GBR",
    "britain": "GBR",
    "great britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    # Short names for ISO's long forms
    "russia": "RUS",
    "iran": "IRN",
    "syria": "SYR",
    "south korea": "KOR",
    "republic of korea": "KOR",
    "north korea": "PRK",
    "dprk": "PRK",
    "laos": "LAO",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "taiwan": "TWN",
    "micronesia": "FSM",
    "brunei": "BRN",
    "vatican": "VAT",
    "vatican city": "VAT",
    "holy see": "VAT",
    "czech republic": "CZE",
    "czechia": "CZE",
    "turkey": "TUR",
    "turkiye": "TUR",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "cote divoire": "CIV",
    "uae": "ARE",
    "emirates": "ARE",
    "burma": "MMR",
    "macedonia": "MKD",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "east timor": "TLS",
    "holland": "NLD",
    "netherlands": "NLD",
    "falkland islands": "FLK",
    "falklands": "FLK",
    "saint martin": "MAF",
    "sint maarten": "SXM",
    "us virgin islands": "VIR",
    "st kitts": "KNA",
    "kyrgyzstan": "KGZ",
    # The two Congos
    "drc": "COD",
    "dr congo": "COD",
    "dr of congo": "COD",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "congo kinshasa": "COD",
    "republic of congo": "COG",
    "republic of the congo": "COG",
    "congo brazzaville": "COG",
    # Palestine and its territories
    "palestine": "PSE",
    "state of palestine": "PSE",
    "palestinian territories": "PSE",
    "occupied palestinian territories": "PSE",
    "gaza": "PSE",
    "gaza strip": "PSE",
    "west bank": "PSE",
    # Not in ISO 3166-1
    "kosovo": KOSOVO,
}

#: Aliases that name a part of a country, which is a place within it, not the country itself.
_PARTS = frozenset({"gaza", "gaza strip", "west bank", "england", "scotland", "wales", "northern ireland"})

#: Preferred display names where ISO's are long or unusual in news.
_DISPLAY_NAMES: dict[str, str] = {
    "USA": "United States",
    "GBR": "United Kingdom",
    "RUS": "Russia",
    "PSE": "Palestine",
    "COD": "DR Congo",
    "COG": "Republic of the Congo",
    "CIV": "Ivory Coast",
    "VAT": "Vatican City",
    "BRN": "Brunei",
    "FSM": "Micronesia",
    "FLK": "Falkland Islands",
    "VIR": "US Virgin Islands",
    "VGB": "British Virgin Islands",
    "MAF": "Saint Martin",
    "SXM": "Sint Maarten",
    KOSOVO: "Kosovo",
}

#: Upper-case codes that are also English words (MUC-4 text is all capitals): never read as codes.
_CODE_STOPWORDS = frozenset(
    {
        "AM",
        "AN",
        "ARE",
        "AS",
        "AT",
        "BE",
        "BY",
        "CAN",
        "DO",
        "GO",
        "IN",
        "IS",
        "IT",
        "ME",
        "MY",
        "NO",
        "SO",
        "TO",
    }
)

_NON_WORD = re.compile(r"[^\w' ]+")


def _fold(name: str) -> str:
    """Fold a country name for lookup: accents, case, dots, punctuation, "the", "St."."""
    s = fold(name)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("&", " and ").replace(".", "")
    s = _NON_WORD.sub(" ", s)
    s = " ".join(s.split())
    s = s.removeprefix("the ")
    if s.startswith("st "):
        s = "saint " + s[3:]
    return s


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(_fold(value), country.alpha_3)
                if "(" in value:  # "Holy See (Vatican City State)" -> "Holy See"
                    index.setdefault(_fold(value.split("(")[0]), country.alpha_3)
    for alias, code in _ALIASES.items():
        index[_fold(alias)] = code
    return index


@functools.lru_cache(maxsize=1024)
def country_code(name: str | None) -> str | None:
    """ISO 3166-1 alpha-3 code for a country name as written in news, or ``None``.

    >>> country_code("the U.S."), country_code("Britain"), country_code("Gaza")
    ('USA', 'GBR', 'PSE')
    """
    if not name or not isinstance(name, str):
        return None
    raw = name.strip()
    if not raw or len(raw) > 80:
        return None
    folded = _fold(raw)
    if not folded:
        return None
    found = _index().get(folded)
    if found is not None:
        return found
    compact = raw.replace(".", "").strip()
    if compact.isascii() and compact.isalpha() and compact.isupper() and compact not in _CODE_STOPWORDS:
        if len(compact) == 3:
            if compact == KOSOVO:
                return KOSOVO
            country = pycountry.countries.get(alpha_3=compact)
            return country.alpha_3 if country is not None else None
        if len(compact) == 2:
            if compact == "XK":
                return KOSOVO
            country = pycountry.countries.get(alpha_2=compact)
            return country.alpha_3 if country is not None else None
    return None


@functools.lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """Common English name for an alpha-3 (or alpha-2) code, any case; ``None`` if unknown.

    >>> country_name("IRN"), country_name("usa")
    ('Iran', 'United States')
    """
    if not code or not isinstance(code, str):
        return None
    c = code.strip().upper()
    if c in ("XKX", "XK"):
        return _DISPLAY_NAMES[KOSOVO]
    if len(c) == 3 and c.isalpha():
        country = pycountry.countries.get(alpha_3=c)
    elif len(c) == 2 and c.isalpha():
        country = pycountry.countries.get(alpha_2=c)
    else:
        return None
    if country is None:
        return None
    alpha_3: str = country.alpha_3
    if alpha_3 in _DISPLAY_NAMES:
        return _DISPLAY_NAMES[alpha_3]
    common: str | None = getattr(country, "common_name", None)
    return common or str(country.name)


def is_whole_country(name: str | None) -> bool:
    """Whether a name is a country itself ("Iraq"), not a territory within one ("Gaza Strip").

    >>> is_whole_country("Iraq"), is_whole_country("the Gaza Strip"), is_whole_country("Mosul")
    (True, False, False)
    """
    return country_code(name) is not None and _fold(name or "") not in _PARTS
