"""Cross-article event linking: the same incident reported by several articles becomes one entry.

Two reports are compared only when their fingerprints agree: dates at most
``imprecise_days`` apart (the same day when both articles date the incident
themselves), the same country, and the same ACLED event type (different types
only for the same named target: one outlet's "attack" is another's "armed
clash"). Within a fingerprint, evidence adds up to a score, every step kept as a
reason a reader can check (``--explain``):

==============================  =====================================================
place                           same place +2, one inside the other +1 (a place and
                                its city or region), different places in one area
                                -0.5, elsewhere -1, in different regions -3
sub-event type                  the same +1
targets                         the same named target +2, similar +1, the same generic
                                one ("civilians", "a bus") +0.5, different -0.5 to -1.5,
                                two different named people -2.5; a name that is a target
                                in one report and an actor in the other +1.5
actors (perpetrators, claims)   the same +1, different -0.5 (sources often disagree)
tolls                           the same +1, close +0.5, far apart -1
wording of the evidence quotes  rare words shared (tf-idf cosine) up to +1.5, none -0.5
dates                           both dated the same day +0.5, a day apart -0.5
==============================  =====================================================

The weights were set by hand and checked on MUC-4 (``benchmarks/daily_muc4.py``).

Reports link at ``threshold`` or above. Groups are built greedily from the
strongest link down, and two groups join only when no pair across them is ruled
out (so two incidents at the same base on different days never meet through a
vaguely dated third report), the mean score across them reaches
``group_mean``, and they hold no two incidents of the same article: an article
that lists two incidents has already said they are different.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from ..schema import EventType, SubEventType
from ..text.folding import fold
from ..text.geo import country_code
from .model import DailyIncident, LinkExplanation, NearMiss
from .sources import Reported

__all__ = ["LinkItem", "LinkOptions", "Linking", "Verdict", "compare", "link", "link_incidents"]


@dataclass(frozen=True, kw_only=True)
class LinkOptions:
    """How eagerly reports are linked (see the module docstring for the scores)."""

    #: a pair of reports links at or above this score
    threshold: float = 2.5
    #: two groups join only when the mean score over all their pairs reaches this
    group_mean: float = 1.0
    #: how far apart dates may be when either report is not dated to the day by its article
    imprecise_days: int = 1
    #: pairs kept apart within this distance below the threshold are listed as near misses
    near_miss_margin: float = 1.0


@dataclass(frozen=True)
class LinkItem:
    """What linking looks at in one report, normalised for comparison."""

    key: str
    #: how a reader knows the report: its source and the incident's number there
    label: str
    article: str
    day: dt.date
    precise: bool
    country: str | None
    admin1: str | None
    place: str | None
    event_type: EventType
    sub_event_type: SubEventType
    actors: tuple[str, ...]
    targets: tuple[str, ...]
    #: whether any target is a group ("Jesuit priests"), which may include a named person
    target_group: bool
    target_types: frozenset[str]
    words: frozenset[str]
    fatalities: int | None
    injured: int | None

    @classmethod
    def of_report(cls, report: Reported) -> LinkItem:
        inc = report.incident
        return cls(
            key=inc.id,
            label=f"{report.label} #{inc.id.rsplit('#', 1)[-1]}",
            article=report.article.id,
            day=report.day,
            precise=report.precise,
            country=_country(inc.location.country_code, inc.location.country),
            admin1=_fold(inc.location.admin1),
            place=_fold(inc.location.place),
            event_type=inc.event_type,
            sub_event_type=inc.sub_event_type,
            actors=_names([*inc.perpetrators, *inc.claimed_by]),
            targets=_names(t.name for t in inc.targets),
            target_group=any(_plural(t.name) for t in inc.targets),
            target_types=frozenset(t.type.value for t in inc.targets),
            words=_words(ev.quote for ev in inc.evidence),
            fatalities=inc.fatalities.count,
            injured=inc.injured.count,
        )

    @classmethod
    def of_entry(cls, entry: DailyIncident, key: str) -> LinkItem:
        """A daily brief's merged entry (to compare one day's entries with the previous day's)."""
        return cls(
            key=key,
            label=f"{entry.id} of {entry.date}",
            article=key,
            day=entry.date,
            precise=entry.date_basis == "reported",
            country=_country(entry.location.country_code, entry.location.country),
            admin1=_fold(entry.location.admin1),
            place=_fold(entry.location.place),
            event_type=entry.event_type,
            sub_event_type=entry.sub_event_type,
            actors=_names(a.actor for a in entry.attributions),
            targets=_names(t.name for t in entry.targets),
            target_group=any(_plural(t.name) for t in entry.targets),
            target_types=frozenset(t.type.value for t in entry.targets),
            words=_words(ev.quote for src in entry.sources for ev in src.evidence),
            fatalities=entry.fatalities.high,
            injured=entry.injured.high,
        )


# -- normalising ----------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w]+")
# Word lists read better as text than as one string per line.
_STOP = frozenset(
    """
    about after also against been before being between both could from have into more most other
    over said says some such than that their them then there these they this those through under
    were what when where which while with would today yesterday according reported report
    """.split()  # noqa: SIM905
)
_PLACE_KINDS = frozenset(
    """
    city town village district province region department governorate state municipality
    neighborhood neighbourhood quarter area county capital of the
    """.split()  # noqa: SIM905
)
#: Target names made only of these words (roles, kinds of people and of buildings) match too
#: easily to identify an event; names with any other word ("Jesuit priests", "El Espectador") do.
_GENERIC = frozenset(
    """
    a an the of and in at his her their its some several many other others unidentified one two three
    four five six seven eight nine ten civilian civilians people persons person resident residents
    villager villagers man men woman women child children member members soldier soldiers troop troops
    army police policeman policemen officer officers security force forces military guerrilla guerrillas
    rebel rebels militant militants population peasant peasants worker workers group individual
    individuals employee employees watchman watchmen guard guards leader leaders official officials
    citizen citizens student students journalist journalists priest priests passenger passengers
    residence residences house houses home homes office offices building buildings headquarters
    facility facilities installation installations vehicle vehicles bus buses car cars station
    property properties post posts patrol patrols unit units union unions organization organizations
    organisation organisations committee committees federation federations party parties company
    companies school schools hospital hospitals church churches mosque mosques market markets
    university universities embassy embassies ministry ministries base bases camp camps
    """.split()  # noqa: SIM905
)


@lru_cache(maxsize=4096)
def _fold_one(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


def _fold(text: str | None) -> str | None:
    folded = _fold_one(text) if text else ""
    return folded or None


def _names(values: Iterable[str]) -> tuple[str, ...]:
    """Folded names with each word stemmed, so "Jesuits" meets "Jesuit priests"."""
    stemmed = (" ".join(_stem(w) for w in name.split()) for v in values if (name := _fold(v)))
    return tuple(dict.fromkeys(stemmed))


def _country(code: str | None, name: str | None) -> str | None:
    """The ISO code (upper case), else the name as written (folded, lower case)."""
    return code or country_code(name) or _fold(name)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def _words(quotes: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for quote in quotes:
        for word in _fold_one(quote).split():
            if len(word) >= 4 and word not in _STOP and not word.isdigit():
                found.add(_stem(word))
    return frozenset(found)


def _plural(name: str) -> bool:
    """ "Jesuit priests", "six soldiers": a group, unlike "Ignacio Ellacuria"."""
    words = (_fold(name) or "").split()
    return bool(words) and ((words[-1].endswith("s") and not words[-1].endswith("ss")) or words[0].isdigit())


def _generic(name: str) -> bool:
    return all(word in _GENERIC or f"{word}s" in _GENERIC or word.isdigit() for word in name.split())


def _specific(name: str) -> str:
    """A name without its generic words: "fenastras building" -> "fenastras" (itself if all generic)."""
    words = [w for w in name.split() if not _generic(w)]
    return " ".join(words) or name


def _similar(a: str, b: str) -> float:
    """How alike two names are (0-100), on their specific words when both have some."""
    return float(max(fuzz.token_set_ratio(a, b), fuzz.ratio(_specific(a), _specific(b))))


def _best(names_a: Sequence[str], names_b: Sequence[str]) -> tuple[float, str, str]:
    """The most similar pair of names (score 0-100); specific names beat generic ones on ties."""
    best = (-1.0, "", "")
    for x in names_a:
        for y in names_b:
            score = _similar(x, y)
            if score > best[0] or (score == best[0] and _generic(best[1]) and not _generic(x)):
                best = (score, x, y)
    return best


# -- one pair ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The comparison of two reports: a score with its reasons, or the rule that rules the pair out."""

    score: float | None
    reasons: tuple[str, ...] = ()
    ruled_out: str | None = None


def _place_name(text: str) -> str:
    """A place without the words that only say what kind of place it is ("Kabul city" -> "kabul")."""
    words = [w for w in text.split() if w not in _PLACE_KINDS]
    return " ".join(words) or text


def _is_code(country: str) -> bool:
    """An ISO code (upper case) rather than a name that is no country."""
    return country.isupper()


def _hierarchy(item: LinkItem) -> list[str]:
    """The item's place names, most specific first: "Zacamil, San Salvador", then the region, and a
    "country" that is no country (a model writing the capital there) as the widest place."""
    parts = [_place_name(p.strip()) for p in (item.place or "").split(",") if p.strip()]
    if item.admin1:
        parts.append(_place_name(item.admin1))
    if item.country and not _is_code(item.country):
        parts.append(_place_name(item.country))
    return list(dict.fromkeys(parts))


def _same(x: str, y: str) -> bool:
    return fuzz.ratio(x, y) >= 85 or (min(len(x), len(y)) >= 4 and fuzz.token_set_ratio(x, y) >= 95)


def _location(a: LinkItem, b: LinkItem) -> tuple[float, str]:
    ha, hb = _hierarchy(a), _hierarchy(b)
    if not ha or not hb:
        return 0.0, "only the country is given by one report +0"
    if _same(ha[0], hb[0]):
        return 2.0, f"same place ({ha[0]!r} ~ {hb[0]!r}) +2"
    if any(_same(ha[0], y) for y in hb[1:]) or any(_same(hb[0], x) for x in ha[1:]):
        return 1.0, f"one place lies in the other ({', '.join(ha)!r}; {', '.join(hb)!r}) +1"
    shared = next((x for x in ha[1:] for y in hb[1:] if _same(x, y)), None)
    if shared is not None:
        return -0.5, f"different places ({ha[0]!r}, {hb[0]!r}) in the same area ({shared!r}) -0.5"
    if a.admin1 and b.admin1:
        return -3.0, f"different places in different regions ({a.admin1!r}, {b.admin1!r}) -3"
    return -1.0, f"different places ({ha[0]!r}, {hb[0]!r}) -1"


def _targets(a: LinkItem, b: LinkItem) -> tuple[float, str, bool]:
    """Score, reason, and whether it is the same specific named target."""
    if not a.targets or not b.targets:
        return 0.0, "targets not named by one report +0", False
    score, x, y = _best(a.targets, b.targets)
    if score >= 85 and not (_generic(x) or _generic(y)):
        return 2.0, f"same named target ({x!r} ~ {y!r}) +2", True
    if score >= 85:
        return 0.5, f"same generic target ({x!r}) +0.5", False
    if score >= 60:
        return 1.0, f"similar targets ({x!r} ~ {y!r}) +1", False
    if not any(_generic(n) for n in (*a.targets, *b.targets)):
        if a.target_group or b.target_group:
            return (
                -0.5,
                f"different targets, one a group that may include the other ({x!r}, {y!r}) -0.5",
                False,
            )
        return -2.5, f"different named targets ({x!r}, {y!r}) -2.5", False
    if a.target_types & b.target_types:
        return -0.5, f"different targets of the same kind ({x!r}, {y!r}) -0.5", False
    return -1.5, f"different targets ({x!r}, {y!r}) -1.5", False


def _crossed_roles(a: LinkItem, b: LinkItem) -> str | None:
    """A named person or group that one report makes a target and the other an actor (a small
    model mixes up roles; the name still identifies the event)."""
    for targets, actors in ((a.targets, b.actors), (b.targets, a.actors)):
        for x in targets:
            for y in actors:
                if not (_generic(x) or _generic(y)) and fuzz.token_sort_ratio(x, y) >= 90:
                    return f"the same named party in both, in different roles ({x!r} ~ {y!r}) +1.5"
    return None


def _actors(a: LinkItem, b: LinkItem) -> tuple[float, str]:
    if not a.actors or not b.actors:
        return 0.0, "actors not named by one report +0"
    score, x, y = _best(a.actors, b.actors)
    if score >= 85:
        return 1.0, f"same actor ({x!r} ~ {y!r}) +1"
    if score < 50:
        return -0.5, f"different actors named ({x!r}, {y!r}) -0.5"
    return 0.0, f"related actors ({x!r} ~ {y!r}) +0"


def _tolls(a: LinkItem, b: LinkItem) -> tuple[float, str]:
    x, y = a.fatalities, b.fatalities
    if x is None or y is None:
        return 0.0, "a death toll given by at most one report +0"
    low, high = min(x, y), max(x, y)
    if low == high:
        return (1.0, f"same death toll ({x}) +1") if high else (0.25, "no deaths in either +0.25")
    if low / high >= 0.6:
        return 0.5, f"close death tolls ({x}, {y}) +0.5"
    if high - low >= 3 and low / high < 0.3:
        return -1.0, f"very different death tolls ({x}, {y}) -1"
    return 0.0, f"different death tolls ({x}, {y}) +0"


def compare(a: LinkItem, b: LinkItem, options: LinkOptions, idf: dict[str, float] | None = None) -> Verdict:
    """Score one pair of reports (see the module docstring)."""
    if a.article == b.article:
        return Verdict(None, ruled_out="both come from the same article")
    gap = abs((a.day - b.day).days)
    tolerance = 0 if a.precise and b.precise else options.imprecise_days
    if gap > tolerance:
        how = "both dated by their articles" if a.precise and b.precise else "allowing for imprecise dates"
        return Verdict(None, ruled_out=f"dates {a.day} and {b.day} are {gap} day(s) apart ({how})")
    score = 0.0
    reasons: list[str] = []
    if a.country and b.country and a.country != b.country:
        if _is_code(a.country) and _is_code(b.country):
            return Verdict(None, ruled_out=f"different countries ({a.country}, {b.country})")
        if _is_code(a.country) == _is_code(b.country):  # two names, no country among them
            score -= 1.0
            reasons.append(f"countries written differently ({a.country!r}, {b.country!r}) -1")
    if gap == 0 and a.precise and b.precise:
        score += 0.5
        reasons.append(f"both dated {a.day} by their articles +0.5")
    elif gap == 0:
        reasons.append(f"same day {a.day} (from a publication date or an imprecise date) +0")
    else:
        score -= 0.5
        reasons.append(f"a day apart ({a.day}, {b.day}), allowed for an imprecise date -0.5")
    target_score, target_reason, same_target = _targets(a, b)
    if not same_target and (crossed := _crossed_roles(a, b)) is not None:
        target_score, target_reason, same_target = 1.5, crossed, True
    if a.event_type != b.event_type:
        if not same_target:
            return Verdict(
                None, ruled_out=f"different event types ({a.event_type.value}, {b.event_type.value})"
            )
        score -= 1.0
        reasons.append(f"different event types ({a.event_type.value}, {b.event_type.value}) -1")
    elif a.sub_event_type == b.sub_event_type:
        score += 1.0
        reasons.append(f"same sub-event type ({a.sub_event_type.value}) +1")
    else:
        reasons.append(f"same event type, sub-types {a.sub_event_type.value}/{b.sub_event_type.value} +0")
    for part, reason in (
        _location(a, b),
        (target_score, target_reason),
        _actors(a, b),
        _tolls(a, b),
        _wording(a, b, idf),
    ):
        score += part
        reasons.append(reason)
    return Verdict(round(score, 3), tuple(reasons))


def _wording(a: LinkItem, b: LinkItem, idf: dict[str, float] | None) -> tuple[float, str]:
    if len(a.words) < 3 or len(b.words) < 3:
        return 0.0, "too few quoted words to compare +0"
    weight = idf or {}

    def norm(words: frozenset[str]) -> float:
        return math.sqrt(sum(weight.get(w, 1.0) ** 2 for w in words))

    shared = a.words & b.words
    cosine = sum(weight.get(w, 1.0) ** 2 for w in shared) / (norm(a.words) * norm(b.words))
    top = sorted(shared, key=lambda w: (-weight.get(w, 1.0), w))[:4]
    if cosine >= 0.5:
        return 1.5, f"evidence quotes share rare words ({', '.join(top)}; cosine {cosine:.2f}) +1.5"
    if cosine >= 0.25:
        return 0.75, f"evidence quotes share some words ({', '.join(top)}; cosine {cosine:.2f}) +0.75"
    if cosine < 0.08:
        return -0.5, f"evidence quotes share almost no words (cosine {cosine:.2f}) -0.5"
    return 0.0, f"evidence quotes share few words (cosine {cosine:.2f}) +0"


def _idf(items: Sequence[LinkItem]) -> dict[str, float]:
    """Inverse document frequency of quoted words over the articles (not the reports) being linked."""
    by_article: dict[str, set[str]] = {}
    for item in items:
        by_article.setdefault(item.article, set()).update(item.words)
    counts = Counter(word for words in by_article.values() for word in words)
    total = len(by_article)
    return {word: math.log((1 + total) / (1 + n)) + 1.0 for word, n in counts.items()}


# -- grouping ---------------------------------------------------------------------------------------


@dataclass
class Linking:
    """Groups of reports (indices into the items), with the links that made each group."""

    groups: list[list[int]]
    links: dict[int, list[LinkExplanation]] = field(default_factory=dict)
    near_misses: list[NearMiss] = field(default_factory=list)

    def group_of(self) -> dict[int, int]:
        """Item index -> index of its group."""
        return {member: g for g, members in enumerate(self.groups) for member in members}


class _Pairs:
    """Verdicts of item pairs, computed once and only for pairs whose dates can meet."""

    def __init__(self, items: Sequence[LinkItem], options: LinkOptions) -> None:
        self.items = items
        self.options = options
        self.idf = _idf(items)
        self._cache: dict[tuple[int, int], Verdict] = {}

    def __call__(self, i: int, j: int) -> Verdict:
        key = (i, j) if i < j else (j, i)
        if key not in self._cache:
            self._cache[key] = compare(self.items[key[0]], self.items[key[1]], self.options, self.idf)
        return self._cache[key]

    def candidates(self) -> Iterable[tuple[int, int]]:
        """Pairs within the widest date window, found by sorting on the day."""
        order = sorted(range(len(self.items)), key=lambda k: self.items[k].day)
        window = dt.timedelta(days=self.options.imprecise_days)
        for pos, i in enumerate(order):
            for j in order[pos + 1 :]:
                if self.items[j].day - self.items[i].day > window:
                    break
                yield (i, j) if i < j else (j, i)


def link(items: Sequence[LinkItem], options: LinkOptions | None = None) -> Linking:
    """Group ``items`` into events (see the module docstring); deterministic for a given input order."""
    options = options or LinkOptions()
    verdict = _Pairs(items, options)
    scored = []
    for i, j in verdict.candidates():
        v = verdict(i, j)
        if v.score is not None and v.score >= options.threshold:
            scored.append((-v.score, items[i].key, items[j].key, i, j))
    scored.sort()
    parent = list(range(len(items)))
    members: dict[int, list[int]] = {k: [k] for k in range(len(items))}
    articles: dict[int, set[str]] = {k: {items[k].article} for k in range(len(items))}
    links: dict[int, list[LinkExplanation]] = {k: [] for k in range(len(items))}
    refused: dict[tuple[int, int], str] = {}

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for _neg, _ka, _kb, i, j in scored:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if articles[ri] & articles[rj]:
            refused[(i, j)] = "joining them would put two incidents of one article in one event"
            continue
        cross = [verdict(x, y) for x in members[ri] for y in members[rj]]
        blocked = next((v.ruled_out for v in cross if v.score is None), None)
        if blocked is not None:
            refused[(i, j)] = f"another pair across their groups is ruled out: {blocked}"
            continue
        mean = sum(v.score or 0.0 for v in cross) / len(cross)
        if mean < options.group_mean:
            refused[(i, j)] = f"mean score across their groups {mean:.2f} is below {options.group_mean}"
            continue
        parent[rj] = ri
        members[ri] += members.pop(rj)
        articles[ri] |= articles.pop(rj)
        v = verdict(i, j)
        links[ri] += [
            *links.pop(rj),
            LinkExplanation(
                a=items[i].key,
                b=items[j].key,
                a_source=items[i].label,
                b_source=items[j].label,
                score=v.score or 0.0,
                reasons=list(v.reasons),
            ),
        ]
    roots = sorted({find(k) for k in range(len(items))})
    groups = [sorted(members[r]) for r in roots]
    linking = Linking(groups=groups, links={g: links[r] for g, r in enumerate(roots)})
    linking.near_misses = _near_misses(items, verdict, linking, refused, options)
    return linking


def _near_misses(
    items: Sequence[LinkItem],
    verdict: _Pairs,
    linking: Linking,
    refused: dict[tuple[int, int], str],
    options: LinkOptions,
) -> list[NearMiss]:
    group = linking.group_of()
    misses: list[NearMiss] = []
    for i, j in verdict.candidates():
        if group[i] == group[j]:
            continue
        v = verdict(i, j)
        a, b = items[i], items[j]
        if (i, j) in refused:
            reason = f"score {v.score} links them, but {refused[(i, j)]}"
        elif v.score is not None and v.score >= options.threshold - options.near_miss_margin:
            reason = f"score {v.score} is below the threshold {options.threshold}: " + "; ".join(v.reasons)
        elif v.score is None and a.article == b.article and a.event_type == b.event_type and a.day == b.day:
            reason = "the same article reports them as two incidents"
        else:
            continue
        misses.append(
            NearMiss(a=a.key, b=b.key, a_source=a.label, b_source=b.label, score=v.score, reason=reason)
        )
    return misses


def link_incidents(reports: Sequence[Reported], options: LinkOptions | None = None) -> Linking:
    """Link the incidents of several articles' briefs (indices in the result follow ``reports``)."""
    return link([LinkItem.of_report(r) for r in reports], options)
