"""The MUC-4 template parser, on inline snippets and on every key and response in the corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from summarize.errors import InputError
from summarize.evals.muc4.corpus import ENV_VAR, data_root, eval_set
from summarize.evals.muc4.parse import Filler, State, Value, parse_filler, parse_templates, read_templates
from summarize.evals.muc4.slots import SLOTS
from summarize.evals.muc4.texts import dateline, read_texts

CORPUS = data_root()
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "key-tst4.v2").is_file(), reason="no MUC-4 corpus in ../shared"
)

KEY = """\
0.  MESSAGE: ID                    TST4-MUC4-0001
1.  MESSAGE: TEMPLATE              1 (OPTIONAL)
2.  INCIDENT: DATE                 (- 25 AUG 88) / (24 AUG 88 - 25 AUG 88)
3.  INCIDENT: LOCATION             (EL SALVADOR: SAN SALVADOR (CITY)) / (EL SALVADOR)
4.  INCIDENT: TYPE                 BOMBING
5.  INCIDENT: STAGE OF EXECUTION   ACCOMPLISHED
6.  INCIDENT: INSTRUMENT ID        "BOMB"
                                   ? "50 GRAMS OF AN-FO" / "AN-FO"
7.  INCIDENT: INSTRUMENT TYPE      BOMB: "BOMB"
                                   ? EXPLOSIVE: "50 GRAMS OF AN-FO" / "AN-FO"
8.  PERP: INCIDENT CATEGORY        -
9.  PERP: INDIVIDUAL ID            "UNIDENTIFIED INDIVIDUALS / MEN"
10. PERP: ORGANIZATION ID          -
11. PERP: ORGANIZATION CONFIDENCE  -
12. PHYS TGT: ID                   *
19. HUM TGT: DESCRIPTION           "MAYOR OF ACHI" / "MAYOR": "TORRES"
20. HUM TGT: TYPE                  GOVERNMENT OFFICIAL / POLITICAL FIGURE: "TORRES"
23. HUM TGT: EFFECT OF INCIDENT    NO INJURY OR DEATH / NO INJURY: "-"

0.  MESSAGE: ID                    TST4-MUC4-0002
1.  MESSAGE: TEMPLATE              *
2.  INCIDENT: DATE                 *
"""

RESPONSE = """\
; event "TST4-MUC4-0001".730
0.  MESSAGE: ID                     TST4-MUC4-0001
1.  MESSAGE: TEMPLATE               1
4.  INCIDENT: TYPE                  ATTACK
9.  PERP: INDIVIDUAL ID             "SOLDIERS"
\t\t\t\t    "MEN"
MEN IN UNIFORM
24. HUM TGT: TOTAL NUMBER           -

                                    * * *

0.  MESSAGE: ID                     TST4-MUC4-0001
1.  MESSAGE: TEMPLATE               2
4.  INCIDENT: TYPE                  KIDNAPPING
"""


def test_a_key_message_its_template_and_the_optional_mark() -> None:
    messages = parse_templates(KEY)
    assert list(messages) == ["TST4-MUC4-0001", "TST4-MUC4-0002"]
    (template,) = messages["TST4-MUC4-0001"].templates
    assert (template.message_id, template.number, template.optional) == ("TST4-MUC4-0001", 1, True)
    assert messages["TST4-MUC4-0002"].irrelevant


def test_alternatives_lose_their_grouping_parentheses() -> None:
    (template,) = parse_templates(KEY)["TST4-MUC4-0001"].templates
    (date,) = template.slot(2).fillers
    assert date.values == (Value("- 25 AUG 88"), Value("24 AUG 88 - 25 AUG 88"))
    (location,) = template.slot(3).fillers
    assert location.values == (Value("EL SALVADOR: SAN SALVADOR (CITY)"), Value("EL SALVADOR"))


def test_string_fills_optional_fills_and_cross_reference_tags() -> None:
    (template,) = parse_templates(KEY)["TST4-MUC4-0001"].templates
    bomb, anfo = template.slot(6).fillers
    assert bomb == Filler((Value("BOMB", quoted=True),))
    assert anfo.optional
    assert anfo.values == (Value("50 GRAMS OF AN-FO", quoted=True), Value("AN-FO", quoted=True))
    typed, optional_typed = template.slot(7).fillers
    assert typed == Filler((Value("BOMB"),), (Value("BOMB", quoted=True),))
    assert optional_typed.optional
    assert optional_typed.values == (Value("EXPLOSIVE"),)
    assert [ref.text for ref in optional_typed.refs] == ["50 GRAMS OF AN-FO", "AN-FO"]


def test_a_slash_inside_quotes_is_not_an_alternative() -> None:
    (template,) = parse_templates(KEY)["TST4-MUC4-0001"].templates
    (perpetrator,) = template.slot(9).fillers
    assert perpetrator.values == (Value("UNIDENTIFIED INDIVIDUALS / MEN", quoted=True),)


def test_string_to_string_references_and_set_alternatives_before_the_tag() -> None:
    (template,) = parse_templates(KEY)["TST4-MUC4-0001"].templates
    (description,) = template.slot(19).fillers
    assert description.values == (Value("MAYOR OF ACHI", quoted=True), Value("MAYOR", quoted=True))
    assert description.refs == (Value("TORRES", quoted=True),)
    (kind,) = template.slot(20).fillers
    assert kind.values == (Value("GOVERNMENT OFFICIAL"), Value("POLITICAL FIGURE"))
    (effect,) = template.slot(23).fillers
    assert effect.values == (Value("NO INJURY OR DEATH"), Value("NO INJURY"))
    assert effect.refs == (Value("-", quoted=True),)


def test_null_inapplicable_and_left_out_slots() -> None:
    (template,) = parse_templates(KEY)["TST4-MUC4-0001"].templates
    assert template.slot(8).state is State.NULL
    assert template.slot(12).state is State.INAPPLICABLE
    assert template.slot(24).state is State.NULL  # not in the file at all
    assert template.slot(12).name == "PHYS TGT: ID"


def test_responses_comments_tabs_and_split_messages() -> None:
    (message,) = parse_templates(RESPONSE).values()
    assert [template.number for template in message.templates] == [1, 2]
    fillers = message.templates[0].slot(9).fillers
    expected = [Value("SOLDIERS", quoted=True), Value("MEN", quoted=True)]
    assert [filler.values[0] for filler in fillers] == expected


def test_unindented_lines_and_lines_after_a_blank_are_not_fillers() -> None:
    # The official scorer ignored MITRE's unindented continuation lines and UMICH's separators.
    (message,) = parse_templates(RESPONSE).values()
    assert all("UNIFORM" not in str(filler) for filler in message.templates[0].slot(9).fillers)
    assert message.templates[0].slot(24).state is State.NULL


def test_a_location_colon_is_not_a_tag_but_a_set_fill_colon_is() -> None:
    location = parse_filler("COLOMBIA: MEDELLIN (CITY)", SLOTS[3])
    assert location == Filler((Value("COLOMBIA: MEDELLIN (CITY)"),))
    number = parse_filler('2 / 4: "HIGH TENSION TOWERS" / "TOWERS"', SLOTS[14])
    assert number.values == (Value("2"), Value("4"))
    assert [ref.text for ref in number.refs] == ["HIGH TENSION TOWERS", "TOWERS"]


def test_the_dateline_date() -> None:
    assert dateline("Lima, 20 Aug 88 (EFE) -- [Text] ...") == dt.date(1988, 8, 20)
    assert dateline("SAN SALVADOR, 3 JAN 90 (RADIO VENCEREMOS) --") == dt.date(1990, 1, 3)
    assert dateline("[Text] no dateline here") is None


def test_the_data_root_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert data_root() == tmp_path
    assert data_root(tmp_path / "other") == tmp_path / "other"
    with pytest.raises(InputError, match="not found"):
        eval_set("tst4")
    with pytest.raises(InputError, match="unknown"):
        eval_set("tst9")


@needs_corpus
@pytest.mark.parametrize("name", ["tst3", "tst4"])
def test_every_key_and_response_of_a_test_set_parses(name: str) -> None:
    files = eval_set(name)
    key = read_templates(files.key)
    texts = read_texts(files.texts)
    assert len(key) == len(texts) == 100
    assert set(key) == set(texts)
    assert sum(message.date is not None for message in texts.values()) >= 90
    templates = sum(len(message.templates) for message in key.values())
    assert templates == {"tst3": 123, "tst4": 86}[name]
    systems = files.systems()
    assert len(systems) == 17
    for system in systems:
        response = read_templates(files.response(system))
        assert set(response) <= set(key), system
        for message in response.values():
            for template in message.templates:
                assert len(template.slots) == 23


@needs_corpus
def test_every_development_key_parses() -> None:
    keys = sorted(CORPUS.glob("key-dev-*.muc4"))
    assert len(keys) == 13
    counts = [read_templates(path) for path in keys]
    assert all(len(messages) == 100 for messages in counts)
    assert sum(len(message.templates) for messages in counts for message in messages.values()) == 1114


@pytest.mark.parametrize(
    ("line", "number", "values", "refs"),
    [
        ("GUN: -", 7, ["GUN"], ["-"]),
        (
            '(POSSIBLE / ACQUITTED): "MEDELLIN DRUG CARTEL" / "DRUG CARTEL"',
            11,
            ["POSSIBLE", "ACQUITTED"],
            ["MEDELLIN DRUG CARTEL", "DRUG CARTEL"],
        ),
        (
            'POSSIBLE/SUSPECTED OR ACCUSED: "ARMED FORCES"/"MILITARY"',
            11,
            ["POSSIBLE", "SUSPECTED OR ACCUSED"],
            ["ARMED FORCES", "MILITARY"],
        ),
        (
            "REPORTED AS FACT: BASQUE FATHERLAND LIBERTY [ETA]",
            11,
            ["REPORTED AS FACT"],
            ["BASQUE FATHERLAND LIBERTY [ETA]"],
        ),
        ('? INJURY / DEATH: "SALVADORAN CIVILIANS"', 23, ["INJURY", "DEATH"], ["SALVADORAN CIVILIANS"]),
    ],
)
def test_key_quirks_slashes_without_spaces_and_unquoted_tags(
    line: str, number: int, values: list[str], refs: list[str]
) -> None:
    filler = parse_filler(line, SLOTS[number])
    assert [value.text for value in filler.values] == values
    assert [ref.text for ref in filler.refs] == refs
    assert all(ref.quoted for ref in filler.refs)


def test_message_texts_with_a_source_in_the_header_and_a_file_without_headers(tmp_path: Path) -> None:
    path = tmp_path / "dev"
    path.write_text("DEV-MUC3-0001 (NOSC)\nSAN SALVADOR, 3 JAN 90 -- TEXT ONE\nDEV-MUC3-0002 (NOSC)\nTWO\n")
    texts = read_texts(path)
    assert list(texts) == ["DEV-MUC3-0001", "DEV-MUC3-0002"]
    assert texts["DEV-MUC3-0001"].date == dt.date(1990, 1, 3)
    assert texts["DEV-MUC3-0002"].text == "TWO"
    path.write_text("no message here\n")
    assert read_texts(path) == {}


def test_a_yearless_dateline_takes_the_year_of_the_message_before(tmp_path: Path) -> None:
    path = tmp_path / "dev"
    path.write_text(
        "DEV-MUC3-0001 (NOSC)\nBOGOTA, 18 APRIL 89 (AFP) -- ONE\n"
        "DEV-MUC3-0002 (NOSC)\nSAN SALVADOR, 16 NOV (ACAN - EFE) -- TWO\n"
        "DEV-MUC3-0003 (NOSC)\nLIMA, NO DATE (EFE) -- THREE\n"
    )
    texts = read_texts(path)
    assert [t.date for t in texts.values()] == [dt.date(1989, 4, 18), dt.date(1989, 11, 16), None]
    assert [t.agency for t in texts.values()] == ["AFP", "ACAN - EFE", "EFE"]
    assert dateline("SAN SALVADOR, 16 NOV (ACAN - EFE) --") is None  # no year given, none known
