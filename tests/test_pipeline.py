"""The pipeline on a scripted backend: assembly, grounding, dates, consistency, caching."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from summarize.backends import MockBackend
from summarize.brief.cache import AnswerCache
from summarize.brief.checks import named_weapons
from summarize.brief.pipeline import Briefer
from summarize.errors import ValidationFailed
from summarize.inputs import article_from_text
from summarize.schema import EventType, Incident, Responsibility, SubEventType, Weapon
from summarize.testing.canned import TEXT, detail, survey


def test_brief_is_assembled_and_grounded() -> None:
    backend = MockBackend().enqueue(
        survey(),
        detail(claimed_by=["JNIM"], claim_quote="The group JNIM said it carried out the Gao attack."),
        detail(
            sub_event_type="remote_explosive_landmine_ied",
            weapons=["ied", "drone"],
            targets=[{"name": "UN convoy", "type": "humanitarian"}],
            fatalities={"count": 0, "qualifier": "exact"},
            injured={"count": 0, "qualifier": "exact"},
            casualty_quote="Nobody was hurt.",
        ),
    )
    article = article_from_text(TEXT, published_at=dt.date(2024, 3, 7))  # a Thursday
    brief = Briefer(backend).brief(article)

    assert [len(call[0]) for call in backend.calls] == [2, 2, 2]
    gao, kidal = brief.incidents
    assert gao.id == f"{article.id}#1"
    assert gao.event_type is EventType.battles
    assert gao.date == dt.date(2024, 3, 5)
    assert gao.date_text == "Tuesday"
    assert gao.date_precision == "day"
    assert kidal.date == dt.date(2024, 3, 6)
    assert gao.location.country_code == "MLI"
    assert gao.location.geo_precision == 1
    assert gao.responsibility is Responsibility.claimed
    assert gao.claimed_by == ["JNIM"]
    assert gao.perpetrators == ["JNIM"]
    assert kidal.fatalities.count == 0
    assert kidal.injured.count == 0
    assert kidal.responsibility is Responsibility.unknown
    assert kidal.weapons == [Weapon.ied]  # "drone" is named nowhere near the incident
    for incident in brief.incidents:
        for ev in incident.evidence:
            assert ev.verified
            assert ev.start is not None and ev.end is not None
            assert article.text[ev.start : ev.end].lower().startswith(ev.quote[:6].lower())
    assert brief.grounding.quotes == brief.grounding.verified == 5  # event x2, claim, toll x2
    assert brief.provenance.usage.attempts == 3
    assert brief.provenance.cache_hit is False


def test_weekday_without_publication_date_stays_unresolved() -> None:
    backend = MockBackend().enqueue(survey(events=survey()["events"][:1]), detail())
    incident = Briefer(backend).brief(article_from_text(TEXT)).incidents[0]
    assert incident.date is None
    assert incident.date_text == "Tuesday"
    assert incident.date_precision == "day"


def test_zero_casualties_need_a_quote_that_says_none() -> None:
    # the model says 0 killed and 0 hurt for the Gao attack, but no quote says nobody was: the zeros
    # go, and what the incident's sentence states ("killing two soldiers") is read instead
    zero = {"count": 0, "qualifier": "exact"}
    backend = MockBackend().enqueue(
        survey(events=survey()["events"][:1]), detail(fatalities=zero, injured=zero)
    )
    incident = Briefer(backend).brief(article_from_text(TEXT)).incidents[0]
    assert incident.fatalities.count == 2
    assert incident.injured.count is None


def test_a_claim_needs_its_quote_in_the_article() -> None:
    backend = MockBackend().enqueue(
        survey(),
        detail(claimed_by=["JNIM"], claim_quote="JNIM proudly announced the operation on its website."),
        detail(claimed_by=["JNIM"], claim_quote="The group JNIM said it carried out the Gao attack."),
    )
    unquoted, quoted = Briefer(backend).brief(article_from_text(TEXT)).incidents
    assert (unquoted.responsibility, unquoted.claimed_by, unquoted.perpetrators) == (
        Responsibility.attributed,
        [],
        ["JNIM"],
    )
    assert (quoted.responsibility, quoted.claimed_by) == (Responsibility.claimed, ["JNIM"])
    assert any(ev.field == "responsibility" and ev.verified for ev in quoted.evidence)


def test_actors_absent_from_the_article_are_dropped() -> None:
    backend = MockBackend().enqueue(survey(events=survey()["events"][:1]), detail(accused=["Boko Haram"]))
    incident = Briefer(backend).brief(article_from_text(TEXT)).incidents[0]
    assert incident.perpetrators == []
    assert incident.responsibility is Responsibility.unknown


def test_hedged_blame_is_suspected() -> None:
    text = TEXT + "\n\nOfficials said jihadists from JNIM were suspected of the Kidal bombing."
    backend = MockBackend().enqueue(
        survey(events=survey()["events"][1:]),
        detail(accused=["JNIM"], accusation_quote="jihadists from JNIM were suspected of the Kidal bombing"),
    )
    incident = Briefer(backend).brief(article_from_text(text)).incidents[0]
    assert (incident.responsibility, incident.perpetrators) == (Responsibility.suspected, ["JNIM"])


def test_blame_for_a_campaign_is_not_blame_for_this_incident() -> None:
    general = (
        "Last month, the minister accused JNIM of being responsible for most of the attacks in the north."
    )
    kidal = survey()["events"][1]
    backend = MockBackend().enqueue(
        survey(events=[kidal]), detail(accused=["JNIM"], accusation_quote=general)
    )
    incident = Briefer(backend).brief(article_from_text(TEXT + "\n\n" + general)).incidents[0]
    assert (incident.responsibility, incident.perpetrators) == (Responsibility.unknown, [])


def test_general_blame_naming_the_place_still_counts() -> None:
    blame = "Officials blamed JNIM for most of the attacks in Kidal."
    backend = MockBackend().enqueue(
        survey(events=[survey()["events"][1]]), detail(accused=["JNIM"], accusation_quote=blame)
    )
    incident = Briefer(backend).brief(article_from_text(TEXT + "\n\n" + blame)).incidents[0]
    assert (incident.responsibility, incident.perpetrators) == (Responsibility.attributed, ["JNIM"])


def test_blame_needs_a_sentence_about_responsibility() -> None:
    # the model quotes a sentence that only mentions the group: no one is blamed
    strikes = "The army has already launched strikes against JNIM fighters."
    backend = MockBackend().enqueue(
        survey(events=[survey()["events"][1]]), detail(accused=["JNIM"], accusation_quote=strikes)
    )
    incident = Briefer(backend).brief(article_from_text(TEXT + "\n\n" + strikes)).incidents[0]
    assert (incident.responsibility, incident.perpetrators) == (Responsibility.unknown, [])


def test_a_group_named_as_the_attacker_in_the_incidents_own_sentence_is_blamed() -> None:
    # the reporter's attribution: no "blamed" or "claimed", the group is the sentence's subject
    text = "JNIM fighters ambushed an army patrol near Menaka on Sunday, killing four soldiers."
    event = {
        "what": "ambush",
        "place": "Menaka",
        "country": "Mali",
        "when": "Sunday",
        "quote": "JNIM fighters",
    }
    backend = MockBackend().enqueue(survey(events=[event]), detail(accused=["JNIM"], accusation_quote=text))
    incident = Briefer(backend).brief(article_from_text(text)).incidents[0]
    assert (incident.responsibility, incident.perpetrators) == (Responsibility.attributed, ["JNIM"])


def test_explosive_sub_event_must_agree_with_named_weapons() -> None:
    # the model calls a bombing a drone strike and lists a drone; the paragraph names only a bomb
    kidal = survey()["events"][1]
    backend = MockBackend().enqueue(
        survey(events=[kidal]), detail(sub_event_type="air_drone_strike", weapons=["drone", "ied"])
    )
    incident = Briefer(backend).brief(article_from_text(TEXT)).incidents[0]
    assert incident.weapons == [Weapon.ied]
    assert incident.sub_event_type is SubEventType.remote_explosive_landmine_ied
    assert incident.event_type is EventType.explosions_remote_violence


def test_duplicate_events_are_detailed_once() -> None:
    first = survey()["events"][0]
    backend = MockBackend().enqueue(
        survey(events=[first, dict(first, what="attack at checkpoint")]), detail()
    )
    brief = Briefer(backend).brief(article_from_text(TEXT))
    assert len(brief.incidents) == 1
    assert len(backend.calls) == 2


def test_not_an_incident_report_asks_no_details() -> None:
    backend = MockBackend().enqueue(survey(events=[]))
    brief = Briefer(backend).brief(
        article_from_text(
            "The central bank kept rates at 4.5 percent. Analysts agreed. Markets rose. Bonds fell."
        )
    )
    assert brief.is_incident_report is False
    assert brief.headline == "Attacks in northern Mali"  # the model's, as no incident speaks for itself
    assert brief.summary == "The central bank kept rates at 4.5 percent. Analysts agreed. Markets rose."
    assert brief.incidents == []
    assert len(backend.calls) == 1


def test_unverified_quotes_are_reported_and_strict_grounding_drops_them() -> None:
    invented = {
        "what": "shelling",
        "place": "Mopti",
        "country": "Mali",
        "when": None,
        "quote": "Artillery shelled the market in Mopti at dawn.",
    }
    answers = (survey(events=[invented]), detail(casualty_quote=None))
    brief = Briefer(MockBackend().enqueue(*answers)).brief(article_from_text(TEXT))
    assert brief.grounding.unverified == [invented["quote"]]
    assert brief.incidents[0].evidence[0].verified is False
    assert any("not found" in w for w in brief.warnings)

    strict = Briefer(MockBackend().enqueue(*answers), strict_grounding=True).brief(article_from_text(TEXT))
    assert strict.incidents == []
    assert strict.grounding.incidents_dropped == 1


def test_long_article_is_truncated_and_says_so() -> None:
    text = ("A paragraph about the war. " * 20 + "\n\n") * 20
    backend = MockBackend().enqueue(survey(events=[]))
    brief = Briefer(backend, max_article_chars=1000).brief(article_from_text(text))
    assert brief.article.truncated_at is not None and brief.article.truncated_at <= 1000
    assert brief.article.chars == len(text.strip())
    assert any("truncated" in w for w in brief.warnings)
    assert len(backend.calls[0][0][1]["content"]) < 2000


def test_second_run_comes_from_the_cache(tmp_path: Path) -> None:
    article = article_from_text(TEXT)
    with AnswerCache(tmp_path / "answers") as cache:
        first = Briefer(MockBackend().enqueue(survey(), detail(), detail()), cache=cache).brief(article)
        empty = MockBackend()  # would fail if asked anything
        second = Briefer(empty, cache=cache).brief(article)
    assert empty.calls == []
    assert second.provenance.cache_hit is True
    assert second.incidents == first.incidents
    assert second.provenance.usage == first.provenance.usage


def test_backend_errors_propagate() -> None:
    backend = MockBackend().enqueue(ValidationFailed("never valid", backend="mock"))
    with pytest.raises(ValidationFailed):
        Briefer(backend).brief(article_from_text(TEXT))


def test_an_accusation_given_as_a_claim_is_blame() -> None:
    text = TEXT + "\n\nThe defence minister accused JNIM of being responsible for the ambush."
    backend = MockBackend().enqueue(
        survey(events=survey()["events"][:1]),
        detail(claimed_by=["JNIM"], claim_quote="The defence minister accused JNIM of being responsible"),
    )
    incident = Briefer(backend).brief(article_from_text(text)).incidents[0]
    assert (incident.responsibility, incident.claimed_by, incident.perpetrators) == (
        Responsibility.attributed,
        [],
        ["JNIM"],
    )


def test_events_spanning_several_countries_are_context_not_incidents() -> None:
    text = TEXT + "\n\nIn total, 40 attacks hit Mali and Niger since January."
    overview = {
        "what": "attacks",
        "place": None,
        "country": "Mali and Niger",
        "when": None,
        "quote": "In total, 40 attacks hit Mali and Niger since January.",
    }
    backend = MockBackend().enqueue(survey(events=[overview, survey()["events"][0]]), detail())
    brief = Briefer(backend).brief(article_from_text(text))
    assert [i.location.place for i in brief.incidents] == ["Gao"]
    assert brief.context == ["In total, 40 attacks hit Mali and Niger since January."]


def test_incident_summary_is_written_from_checked_fields() -> None:
    backend = MockBackend().enqueue(
        survey(events=survey()["events"][:1]),
        detail(claimed_by=["JNIM"], claim_quote="The group JNIM said it carried out the Gao attack."),
    )
    incident = Briefer(backend).brief(article_from_text(TEXT)).incidents[0]
    assert incident.summary == "Checkpoint attack in Gao, Mali (Tuesday), claimed by JNIM; 2 killed."


def test_events_without_any_violence_are_not_incidents() -> None:
    text = "The central bank kept rates at 4.5 percent on Thursday. Analysts expect a cut in spring."
    event = {
        "what": "rate decision",
        "place": "central bank",
        "country": "unknown",
        "when": "Thursday",
        "quote": "The central bank kept rates at 4.5 percent on Thursday.",
    }
    backend = MockBackend().enqueue(survey(events=[event]))
    brief = Briefer(backend).brief(article_from_text(text))
    assert brief.incidents == []
    assert brief.is_incident_report is False
    assert len(backend.calls) == 1  # no detail asked for a non-event


SAME_DAY = (
    "Two bombs exploded in northern Mali on Tuesday. A roadside bomb hit a convoy near Gao. "
    "A second device went off at a market in Kidal.\n\n"
    "JNIM claimed responsibility for the attacks."
)


def _same_day_events() -> list[dict[str, Any]]:
    return [
        {
            "what": "roadside bomb",
            "place": "Gao",
            "country": "Mali",
            "when": "Tuesday",
            "quote": "A roadside bomb hit a convoy near Gao.",
        },
        {
            "what": "market bomb",
            "place": "Kidal",
            "country": "Mali",
            "when": "Tuesday",
            "quote": "A second device went off at a market in Kidal.",
        },
    ]


def test_a_claim_that_names_no_place_covers_the_same_day_incidents() -> None:
    claim = "JNIM claimed responsibility for the attacks."
    backend = MockBackend().enqueue(
        survey(events=_same_day_events()),
        detail(sub_event_type="remote_explosive_landmine_ied", claimed_by=["JNIM"], claim_quote=claim),
        detail(sub_event_type="remote_explosive_landmine_ied"),
    )
    gao, kidal = Briefer(backend).brief(article_from_text(SAME_DAY)).incidents
    assert (kidal.responsibility, kidal.claimed_by) == (Responsibility.claimed, ["JNIM"])
    assert any(ev.field == "responsibility" and ev.quote == claim for ev in kidal.evidence)
    assert "claimed by JNIM" in kidal.summary
    assert gao.claimed_by == ["JNIM"]


def test_a_claim_naming_its_place_is_not_shared() -> None:
    text = SAME_DAY.replace("JNIM claimed responsibility for the attacks.", "JNIM claimed the Gao bombing.")
    backend = MockBackend().enqueue(
        survey(events=_same_day_events()),
        detail(claimed_by=["JNIM"], claim_quote="JNIM claimed the Gao bombing."),
        detail(),
    )
    _, kidal = Briefer(backend).brief(article_from_text(text)).incidents
    assert kidal.responsibility is Responsibility.unknown


def test_outcome_needs_words_that_support_it() -> None:
    backend = MockBackend().enqueue(
        survey(), detail(outcome="intercepted"), detail(outcome="hit", casualty_quote="Nobody was hurt.")
    )
    gao, kidal = Briefer(backend).brief(article_from_text(TEXT)).incidents
    assert gao.outcome.value == "unknown"  # nothing was shot down or stopped
    assert kidal.outcome.value == "hit"  # "a roadside bomb hit a UN convoy"


def test_weapons_named_in_the_incident_sentence_are_kept_when_the_model_lists_none() -> None:
    text = "A bomb exploded outside the party offices in Rancagua on Monday. Police later found a car bomb."
    event = {"what": "bombing", "place": "Rancagua", "country": "Chile", "when": "Monday", "quote": text[:63]}
    backend = MockBackend().enqueue(
        survey(events=[event]), detail(sub_event_type="remote_explosive_landmine_ied", weapons=[])
    )
    (incident,) = Briefer(backend).brief(article_from_text(text)).incidents
    assert incident.weapons == [Weapon.ied]  # the car bomb is in another sentence


def test_disrupted_weapons_use_that_killed_people_was_an_attack() -> None:
    text = "A dynamite bomb exploded at the union headquarters in San Salvador on Tuesday, killing 9 people."
    event = {
        "what": "bombing",
        "place": "San Salvador",
        "country": "El Salvador",
        "when": "Tuesday",
        "quote": text,
    }
    backend = MockBackend().enqueue(
        survey(events=[event]),
        detail(
            sub_event_type="disrupted_weapons_use",
            weapons=["ied"],
            fatalities={"count": 9, "qualifier": "exact"},
            casualty_quote="killing 9 people",
        ),
    )
    (incident,) = Briefer(backend).brief(article_from_text(text)).incidents
    assert incident.sub_event_type is SubEventType.remote_explosive_landmine_ied


def test_disrupted_weapons_use_whose_sentence_reports_an_attack_was_an_attack() -> None:
    text = "The union leader died in hospital as a result of the dynamite attack on the union headquarters."
    event = {"what": "attack", "place": "San Salvador", "country": "El Salvador", "when": None, "quote": text}
    backend = MockBackend().enqueue(
        survey(events=[event]), detail(sub_event_type="disrupted_weapons_use", weapons=[])
    )
    (incident,) = Briefer(backend).brief(article_from_text(text)).incidents
    assert (
        incident.sub_event_type is SubEventType.remote_explosive_landmine_ied
    )  # "dynamite" names the weapon


def test_a_defused_bomb_stays_disrupted_weapons_use() -> None:
    text = "Police defused a bomb found outside the union headquarters in San Salvador on Tuesday."
    event = {
        "what": "bomb defused",
        "place": "San Salvador",
        "country": "El Salvador",
        "when": "Tuesday",
        "quote": text,
    }
    backend = MockBackend().enqueue(
        survey(events=[event]),
        detail(
            sub_event_type="disrupted_weapons_use",
            weapons=["ied"],
            fatalities={"count": None, "qualifier": None},
            casualty_quote=None,
        ),
    )
    (incident,) = Briefer(backend).brief(article_from_text(text)).incidents
    assert incident.sub_event_type is SubEventType.disrupted_weapons_use


def test_a_car_bomb_is_not_also_an_ied() -> None:
    assert named_weapons("A car bomb exploded near the base.") == [Weapon.vehicle_bomb]
    assert named_weapons("A police helicopter was attacked.") == []  # aircraft words name targets too


def test_negated_words_do_not_support_an_outcome() -> None:
    text = "A drone targeted the base in Kidal on Monday, with no casualties or damage."
    event = {"what": "drone attack", "place": "Kidal", "country": "Mali", "when": "Monday", "quote": text}
    backend = MockBackend().enqueue(
        survey(events=[event]),
        detail(sub_event_type="air_drone_strike", weapons=["drone"], outcome="hit", casualty_quote=text),
    )
    (incident,) = Briefer(backend).brief(article_from_text(text)).incidents
    assert incident.outcome.value == "unknown"


def test_an_overview_of_several_countries_is_context_once_and_not_the_summary() -> None:
    stat = "In total, 40 attacks hit Mali and Niger since January."
    text = TEXT + "\n\n" + stat
    overview = {
        "what": "attacks",
        "place": None,
        "country": "Mali and Niger",
        "when": None,
        "quote": "In total, 40",
    }
    lead_overview = {**overview, "quote": "Gunmen stormed a checkpoint in Gao", "country": "Mali, Niger"}
    backend = MockBackend().enqueue(survey(events=[overview, dict(overview), lead_overview]))
    brief = Briefer(backend).brief(article_from_text(text))
    assert brief.context == [stat]  # the whole sentence, once; the lead sentence is the summary already
    assert brief.incidents == []


def test_a_shooting_called_a_drone_strike_becomes_an_attack_on_civilians() -> None:
    text = "Troops opened fire on inmates in the prison yard in Lima on Monday, killing 30."
    event = {"what": "prison killing", "place": "Lima", "country": "Peru", "when": "Monday", "quote": text}
    backend = MockBackend().enqueue(
        survey(events=[event]),
        detail(
            sub_event_type="air_drone_strike", weapons=[], targets=[{"name": "inmates", "type": "civilians"}]
        ),
    )
    incident = Briefer(backend).brief(article_from_text(text)).incidents[0]
    assert incident.sub_event_type is SubEventType.attack
    assert incident.event_type is EventType.violence_against_civilians


def test_an_unarmed_guess_at_an_air_strike_falls_back_to_the_targets() -> None:
    text = "Militants stormed an army base near Mopti on Sunday, officials said."
    event = {"what": "raid on base", "place": "Mopti", "country": "Mali", "when": "Sunday", "quote": text}
    backend = MockBackend().enqueue(
        survey(events=[event]),
        detail(
            sub_event_type="air_drone_strike", weapons=[], targets=[{"name": "army base", "type": "military"}]
        ),
    )
    incident = Briefer(backend).brief(article_from_text(text)).incidents[0]
    assert incident.sub_event_type is SubEventType.armed_clash


class AsyncMock(MockBackend):
    """The same script, answered on an event loop (as the OpenAI backend's ``acomplete``)."""

    async def acomplete(self, messages: Any, response_model: Any) -> Any:
        await asyncio.sleep(0)
        return self.complete(messages, response_model)

    async def aclose(self) -> None:
        """Nothing to release."""


def test_abrief_gives_the_brief_that_brief_gives() -> None:
    answers = (
        survey(),
        detail(claimed_by=["JNIM"], claim_quote="The group JNIM said it carried out the Gao attack."),
        detail(sub_event_type="remote_explosive_landmine_ied", weapons=["ied"]),
    )
    article = article_from_text(TEXT, published_at=dt.date(2024, 3, 7))
    blocking = Briefer(MockBackend().enqueue(*answers)).brief(article)
    backend = AsyncMock().enqueue(*answers)
    briefer = Briefer(backend)
    assert briefer.is_async and not Briefer(MockBackend()).is_async
    on_loop = asyncio.run(briefer.abrief(article))
    assert len(backend.calls) == 3
    volatile = {"provenance": {"created_at", "elapsed_s"}}
    assert on_loop.model_dump(exclude=volatile) == blocking.model_dump(exclude=volatile)


def test_abrief_reads_and_fills_the_same_cache(tmp_path: Path) -> None:
    article = article_from_text(TEXT)
    with AnswerCache(tmp_path / "cache") as cache:
        first = asyncio.run(Briefer(AsyncMock().enqueue(survey(events=[])), cache=cache).abrief(article))
        again = Briefer(MockBackend(), cache=cache).brief(article)  # nothing queued: must hit the cache
    assert first.provenance.cache_hit is False
    assert again.provenance.cache_hit is True
    assert again.headline == first.headline


def test_a_briefer_on_another_backend_keeps_its_class_and_state() -> None:
    class Labelled(Briefer):
        def __init__(self, backend: MockBackend, label: str) -> None:
            super().__init__(backend)
            self.label = label

    other = Labelled(MockBackend(), "mine").with_backend(MockBackend("other"))
    assert isinstance(other, Labelled) and other.label == "mine"
    assert other.backend.model_id == "other" and other.prompts.version


def test_a_pickled_briefer_asks_its_own_backend_for_its_identity() -> None:
    """A worker process checks its copy's fingerprint against the batch's: the copy must not reuse
    the identity the original had worked out."""
    import pickle

    briefer = Briefer(MockBackend("one"))
    fingerprint, _config = briefer.fingerprint()
    copy = pickle.loads(pickle.dumps(briefer))
    copy.backend._model = "two"  # type: ignore[attr-defined]  # as if it resolved another model
    assert copy.fingerprint()[0] != fingerprint


def test_an_attack_recalled_from_years_before_is_not_an_incident_of_the_article() -> None:
    text = (
        "A court in Kampala on Friday sentenced five men to life in prison.\n\n"
        "The men were convicted over the July 2010 bombings that killed 76 people watching the World Cup "
        "final."
    )
    recalled = {
        "what": "World Cup bombings",
        "place": "Kampala",
        "country": "Uganda",
        "when": "July 2010",
        "quote": "The men were convicted over the July 2010 bombings",
    }
    backend = MockBackend().enqueue(survey(events=[recalled]))
    brief = Briefer(backend).brief(article_from_text(text, published_at=dt.date(2016, 5, 27)))
    assert brief.incidents == []
    assert brief.is_incident_report is False
    assert len(backend.calls) == 1  # no detail was asked for it


def test_the_same_event_told_this_week_is_an_incident() -> None:
    # the counterpart: the rule is about the date, not the words
    text = "Bombs killed 76 people watching the World Cup final in Kampala on Sunday, police said."
    event = {
        "what": "bombings",
        "place": "Kampala",
        "country": "Uganda",
        "when": "Sunday",
        "quote": "Bombs killed 76",
    }
    backend = MockBackend().enqueue(
        survey(events=[event]), detail(sub_event_type="remote_explosive_landmine_ied", weapons=[])
    )
    brief = Briefer(backend).brief(article_from_text(text, published_at=dt.date(2010, 7, 13)))
    (incident,) = brief.incidents
    assert incident.date == dt.date(2010, 7, 11)
    assert incident.evidence[0].quote == text  # the opening words grew to the whole sentence


def test_counts_the_model_left_out_are_read_from_the_incidents_own_sentence() -> None:
    text = "A car bomb killed at least seven people and wounded 12 others in Kabul on Wednesday."
    event = {
        "what": "car bomb",
        "place": "Kabul",
        "country": "Afghanistan",
        "when": "Wednesday",
        "quote": "A car",
    }
    answer = detail(
        sub_event_type="remote_explosive_landmine_ied",
        weapons=["vehicle_bomb"],
        fatalities={"count": None, "qualifier": None},
        casualty_quote=None,
    )
    backend = MockBackend().enqueue(survey(events=[event]), answer)
    (incident,) = Briefer(backend).brief(article_from_text(text)).incidents
    assert (incident.fatalities.count, incident.fatalities.qualifier) == (7, "at_least")
    assert (incident.injured.count, incident.injured.qualifier) == (12, "exact")


def test_a_count_the_model_gave_is_kept_and_none_is_read_from_other_sentences() -> None:
    # the model's own figure stands (a later toll); counts of another incident are not borrowed
    text = (
        "Gunmen attacked a market in Dablo on Sunday, killing six people.\n\n"
        "Last week a blast in Silgadji killed five and wounded 20."
    )
    event = {
        "what": "market attack",
        "place": "Dablo",
        "country": "Burkina Faso",
        "when": "Sunday",
        "quote": "Gunmen",
    }
    answer = detail(
        sub_event_type="attack", fatalities={"count": 8, "qualifier": "exact"}, casualty_quote=None
    )
    backend = MockBackend().enqueue(survey(events=[event]), answer)
    (incident,) = Briefer(backend).brief(article_from_text(text)).incidents
    assert incident.fatalities.count == 8
    assert incident.injured.count is None


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("Four soldiers died and 12 others were wounded, four seriously.", 4, 12),
        ("The death toll rose to 30, officials said.", 30, None),
        ("No one was hurt in the blast.", None, None),  # "none" is the model's zero, not a count
        ("The 2010 bombings in Kampala were recalled.", None, None),
        ("More than 300 schoolboys were abducted.", None, None),
        ("Twenty-one people were killed.", 21, None),
    ],
)
def test_stated_casualties(sentence: str, killed: int | None, injured: int | None) -> None:
    from summarize.brief.checks import stated_casualties

    dead, hurt = stated_casualties(sentence)
    assert (dead.count if dead else None, hurt.count if hurt else None) == (killed, injured)


@pytest.mark.parametrize(
    ("answered", "sentence", "kept"),
    [
        (
            "other",
            "Gunmen kidnapped 17 missionaries near Ganthier on Saturday.",
            "abduction_forced_disappearance",
        ),
        ("remote_explosive_landmine_ied", "A suicide bomber blew himself up at the gate.", "suicide_bomb"),
        ("attack", "Protesters stormed and burned the consulate on Wednesday.", "violent_demonstration"),
        (
            "attack",
            "The dynamite attack against the union headquarters left nine dead.",
            "remote_explosive_landmine_ied",
        ),
        ("other", "A roadside bomb struck a police truck near the border.", "remote_explosive_landmine_ied"),
        # right answers are kept: the rule only replaces a vaguer or neighbouring type
        (
            "armed_clash",
            "Soldiers clashed with gunmen who had kidnapped two traders.",
            "abduction_forced_disappearance",
        ),
        ("air_drone_strike", "A drone hit the hostage negotiators' car.", "air_drone_strike"),
        ("suicide_bomb", "A suicide bomber blew himself up at the gate.", "suicide_bomb"),
        (
            "peaceful_protest",
            "Thousands of protesters marched peacefully through the capital.",
            "peaceful_protest",
        ),
        (
            "excessive_force_against_protesters",
            "Police fired on protesters throwing stones.",
            "excessive_force_against_protesters",
        ),
        ("attack", "Gunmen shot dead six worshippers at the church.", "attack"),
        ("attack", "Gunmen threw a bomb and opened fire on the market.", "attack"),
        ("armed_clash", "Soldiers clashed with militants planting roadside bombs.", "armed_clash"),
        ("air_drone_strike", "Warplanes dropped bombs on the town.", "air_drone_strike"),
        ("suicide_bomb", "A bomber detonated explosives at the checkpoint.", "suicide_bomb"),
    ],
)
def test_the_kind_the_incidents_sentence_names_replaces_a_vaguer_answer(
    answered: str, sentence: str, kept: str
) -> None:
    from summarize.brief.checks import named_kind

    assert named_kind(SubEventType(answered), sentence) is SubEventType(kept)


def test_the_target_of_an_attack_is_not_its_perpetrator() -> None:
    text = "Gunmen attacked the Catholic church of Dablo during Sunday mass, killing six people."
    event = {
        "what": "church attack",
        "place": "Dablo",
        "country": "Burkina Faso",
        "when": "Sunday",
        "quote": "Gunmen",
    }
    answer = detail(
        sub_event_type="attack",
        targets=[{"name": "Catholic church of Dablo", "type": "religious"}],
        accused=["Catholic Church of Dablo", "Gunmen"],
        accusation_quote="Gunmen attacked the Catholic church",
    )
    backend = MockBackend().enqueue(survey(events=[event]), answer)
    (incident,) = Briefer(backend).brief(article_from_text(text)).incidents
    assert incident.perpetrators == ["Gunmen"]  # the church goes, the attackers the sentence names stay


@pytest.mark.parametrize(
    ("sentence", "attacker"),
    [
        ("Air defenses shot down 12 of 13 drones launched by Russian forces overnight.", "Russian forces"),
        ("A Russian missile strike on Odesa killed three people on Wednesday.", "Russian"),
        ("Israeli airstrikes hit four Hamas sites in Gaza early Saturday.", "Israeli"),
        (
            "The attack was carried out by al-Shabab fighters, police said.",
            None,
        ),  # not capitalised: left to the model
        ("Gunmen attacked a church in Dablo on Sunday, killing six.", None),
        ("A bomb exploded in a market in Kabul on Monday.", None),
    ],
)
def test_the_attacker_an_incidents_sentence_names_in_passing(sentence: str, attacker: str | None) -> None:
    from summarize.brief.responsibility import reported_attacker

    assert reported_attacker(sentence) == attacker


def test_a_passing_attribution_fills_an_empty_perpetrator_but_never_overrules_the_model() -> None:
    text = "A Russian missile strike on Odesa killed three people on Wednesday, officials said."
    event = {
        "what": "missile strike",
        "place": "Odesa",
        "country": "Ukraine",
        "when": "Wednesday",
        "quote": "A Russian",
    }
    kind = {"sub_event_type": "shelling_artillery_missile_attack", "weapons": ["missile"]}
    backend = MockBackend().enqueue(
        survey(events=[event]), detail(**kind), survey(events=[event]), detail(**kind, accused=["Ukraine"])
    )
    (nobody,) = Briefer(backend).brief(article_from_text(text)).incidents
    assert (nobody.perpetrators, nobody.responsibility) == (["Russian"], Responsibility.attributed)
    (named,) = Briefer(backend).brief(article_from_text(text + " Moscow blamed Ukraine.")).incidents
    assert named.perpetrators == ["Ukraine"]  # the model's blamed group stands


def test_a_date_the_article_does_not_contain_does_not_make_an_event_background() -> None:
    text = "Gunmen attacked a military camp in Nara before dawn Saturday, killing three soldiers."
    invented = {
        "what": "camp attack",
        "place": "Nara",
        "country": "Mali",
        "when": "on 12 March",
        "quote": "Gunmen",
    }
    backend = MockBackend().enqueue(survey(events=[invented]), detail())
    brief = Briefer(backend).brief(article_from_text(text, published_at=dt.date(2015, 6, 27)))
    assert len(brief.incidents) == 1


def test_a_quote_cut_off_at_its_length_bound_is_found_without_its_broken_last_word() -> None:
    blame = "Officials blamed JNIM for the Kidal bombing, the worst attack on the convoy route this year."
    cut = blame[:60] + "1"  # what the model writes when the string's bound stops it mid-word
    backend = MockBackend().enqueue(
        survey(events=[survey()["events"][1]]), detail(accused=["JNIM"], accusation_quote=cut)
    )
    incident = Briefer(backend).brief(article_from_text(TEXT + "\n\n" + blame)).incidents[0]
    (accusation,) = [e for e in incident.evidence if e.field == "perpetrators"]
    assert accusation.verified and accusation.quote == blame


def test_a_place_carried_over_from_another_incident_is_not_its_place() -> None:
    text = (
        "Attacks on Monday targeted two bases in Iraq and Syria, an official said.\n\n"
        "Rockets were fired at a base in Ash Sadadi district, he added.\n\n"
        "On Saturday, a group said in a statement that the latest attacks were a warning."
    )
    monday = {
        "what": "rockets",
        "place": "Ash Sadadi district",
        "country": "Syria",
        "when": "Monday",
        "quote": "Rockets",
    }
    saturday = {**monday, "when": "Saturday", "quote": "On Saturday, a group said"}
    kind = {
        "sub_event_type": "shelling_artillery_missile_attack",
        "weapons": ["rocket"],
        "casualty_quote": None,
    }
    backend = MockBackend().enqueue(survey(events=[monday, saturday]), detail(**kind), detail(**kind))
    first, second = Briefer(backend).brief(article_from_text(text)).incidents
    assert first.location.place == "Ash Sadadi district"  # named in its own paragraph
    assert second.location.place is None  # carried over from the other incident


def only_incident(text: str, event: dict[str, Any], published_at: dt.date | None = None) -> Incident:
    """The one incident briefed from ``text`` when the model lists ``event`` and details it plainly."""
    backend = MockBackend().enqueue(survey(events=[event]), detail(casualty_quote=None))
    (incident,) = Briefer(backend).brief(article_from_text(text, published_at=published_at)).incidents
    return incident


def test_a_place_that_is_itself_a_country_names_the_incidents_country() -> None:
    text = "A drone attacked a base in Iraq on Monday, officials in Washington said."
    event = {"what": "drone", "place": "Iraq", "country": "USA", "when": "Monday", "quote": "A drone"}
    incident = only_incident(text, event)
    assert incident.location.place is None
    assert (incident.location.country, incident.location.country_code) == ("Iraq", "IRQ")


def test_a_town_keeps_the_stated_country() -> None:
    text = "A drone attacked a base near Erbil on Monday, officials said."
    event = {"what": "drone", "place": "Erbil", "country": "Iraq", "when": "Monday", "quote": "A drone"}
    incident = only_incident(text, event)
    assert (incident.location.place, incident.location.country_code) == ("Erbil", "IRQ")


def test_an_event_dated_by_another_sentence_takes_the_day_its_own_sentence_gives() -> None:
    text = (
        "Unions called a general strike on 1 November to protest the bombing.\n\n"
        "The bombing at noon today against the union headquarters left nine people dead."
    )
    bombing = {"what": "bombing", "place": "San Salvador", "country": "El Salvador", "when": "1 November"}
    backend = MockBackend().enqueue(
        survey(events=[{**bombing, "quote": "The bombing at noon today"}]), detail(casualty_quote=None)
    )
    article = article_from_text(text, published_at=dt.date(1989, 10, 31))
    (incident,) = Briefer(backend).brief(article).incidents
    assert (incident.date, incident.date_text) == (dt.date(1989, 10, 31), "today")


def test_a_date_the_events_sentence_holds_is_kept_beside_the_day_it_was_said() -> None:
    text = "Officials said on Tuesday that a drone attacked the base on Monday."
    event = {"what": "drone", "place": None, "country": "Iraq", "when": "Monday", "quote": "Officials said"}
    incident = only_incident(text, event, dt.date(2024, 1, 3))
    assert incident.date == dt.date(2024, 1, 1)


def test_the_place_of_the_dateline_is_every_paragraphs_place() -> None:
    text = (
        "KANDAHAR, Afghanistan — A roadside bomb hit a police truck on Monday, officials said.\n\n"
        "Gunmen later attacked a checkpoint, killing two officers, police said."
    )
    bomb = {"what": "roadside bomb", "place": "Kandahar", "country": "Afghanistan", "when": "Monday"}
    backend = MockBackend().enqueue(
        survey(
            events=[
                {**bomb, "quote": "A roadside bomb"},
                {**bomb, "what": "gun", "when": None, "quote": "Gunmen"},
            ]
        ),
        detail(casualty_quote=None),
        detail(casualty_quote=None),
    )
    incidents = Briefer(backend).brief(article_from_text(text, published_at=dt.date(2024, 1, 3))).incidents
    assert [i.location.place for i in incidents] == ["Kandahar", "Kandahar"]


def test_a_territory_of_another_country_keeps_its_place_and_names_the_country() -> None:
    text = "Israeli airstrikes hit four Hamas sites in the Gaza Strip on Saturday."
    event = {
        "what": "airstrikes",
        "place": "Gaza Strip",
        "country": "Israel",
        "when": "Saturday",
        "quote": "Israeli",
    }
    incident = only_incident(text, event)
    assert (incident.location.place, incident.location.country_code) == ("Gaza Strip", "PSE")
