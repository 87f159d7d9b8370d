"""Which agreement a letter is about, and who writes to whom: the partner the request names,
then its country, then the closest agreement by retrieval; a partner we hold no agreement
with is refused."""

from __future__ import annotations

import re

from assistant.ask import Assistant
from assistant.letters.model import AgreementMatch
from assistant.letters.wording import (
    AREA_MIN_WITH_WORD,
    NOT_PLACES,
    PARTNER_CUE,
    PLACE_NAME,
    agreement_reference,
    cosines,
    fold,
    join_list,
    mentions,
    on_sender_side,
    parse_proposal,
)
from assistant.library import Library
from assistant.parties import place_of
from assistant.retrieve import Filters, terms
from ingest.countries import all_demonyms, country_names
from ingest.extract.patterns import ROLE_RE
from ingest.registry import DocRecord


def _home_party(mous: list[DocRecord]) -> str | None:
    """The party of most agreements: the officer's own town when they have several partners."""
    counts: dict[str, int] = {}
    for rec in mous:
        for p in rec.partners:
            counts[p] = counts.get(p, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda p: counts[p])
    return best if counts[best] > 1 else None


def _key(rec: DocRecord) -> tuple[str, tuple[int, ...]]:
    """One agreement's key: the agreements of one document share its id."""
    return rec.doc_id, tuple(rec.section_pages)


def _cited_agreement(request: str, found: list[DocRecord], every: list[DocRecord],
                     least: int = 1) -> DocRecord | None:
    """The agreement among ``found`` a request refers to by name ("under the 1986 Benelux
    agreement"): a point for each name the request capitalises that its title shares and
    few stored agreements' titles have, two when the request gives its signing year next to
    the word for an agreement. None below ``least`` points, or when two score alike."""
    capitalised = {w.lower() for w in re.findall(r"\b[A-Z][\w-]+", request)}
    asked = set(terms(request)) & set(terms(" ".join(capitalised)))
    years = set(re.findall(
        r"\b((?:19|20)\d\d)\b(?=[\s\w-]{0,40}\b(?:agreement|accord|convention|treaty|"
        r"memorandum|charter|protocol|mou|overeenkomst|accordo|acuerdo)\b)", request, re.I))
    titles = {_key(r): set(terms(r.title)) for r in every}
    df: dict[str, int] = {}
    for words in titles.values():
        for w in words:
            df[w] = df.get(w, 0) + 1
    rare = max(1, len(every) // 5)

    def score(rec: DocRecord) -> int:
        named = {w for w in titles.get(_key(rec), set()) & asked if df.get(w, 0) <= rare}
        signed = str(rec.field_value("signing_date") or "")[:4]
        return len(named) + 2 * (signed in years)

    scored = sorted(((score(r), r) for r in found), key=lambda t: -t[0])
    if not scored or scored[0][0] < least or (len(scored) > 1
                                              and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def _recipient_at(request: str, match: AgreementMatch) -> int:
    """Where the request names the recipient's town (the end of the request when it does
    not): what comes before it may say who writes."""
    pos = mentions(request, place_of(match.partner) or match.partner)
    return pos if pos >= 0 else len(request)


# "... Protocol to the", "... Convention with the": a name that follows is another
# instrument's, the one an additional protocol or annex belongs to.
_AFTER_AGREEMENT = re.compile(r"\b(?:protocol|convention|agreement|treaty|charter|memorandum|"
                              r"annex|amendment)\s+(?:to|with)\s+(?:the\s+)?$", re.I)


class AgreementFinder:
    """Request -> the agreement (a AgreementMatch) or the reason no letter can be written."""

    def __init__(self, library: Library, assistant: Assistant) -> None:
        self.library = library
        self.assistant = assistant

    def run(self, request: str, sender: str | None,
                       recipient: str | None) -> AgreementMatch | str:
        """The agreement and the two sides, or the reason no letter can be written."""
        mous = self.library.agreements()
        if not mous:
            return "Your library holds no agreements, so there is nothing to refer to."
        named = self._named(mous, request, sender, recipient)
        if named and (stranger := self._other_sender(named, mous, request, sender)):
            partner = place_of(named.partner) or named.partner
            ours = place_of(named.ours) or named.ours
            return (f"Your documents contain no agreement between {stranger} and {partner}, "
                    f"so no letter was drafted: {partner}'s agreement in your library is with "
                    f"{ours}, and a letter from {stranger} referring to it could misinform the "
                    f"partner. Check the sender, or add the agreement to the library first.")
        if named:
            return named
        target = recipient or request
        if unknown := self._unknown_partner(target, mous, sender):
            stored = join_list(sorted({place_of(p) for r in mous for p in r.partners}))
            return (f"Your documents contain no agreement with {unknown}, so no letter was "
                    f"drafted: a letter referring to an agreement we do not hold could misinform "
                    f"the partner. Agreements are stored with: {stored}. Check the name, or add "
                    f"the agreement to the library first.")
        if recipient:
            return (f"Your documents contain no agreement with {recipient}, so no letter was "
                    f"drafted.")
        # "under the 1991 Anholt Agreement": the agreement the request names outranks a
        # country it mentions ("an Italian border region" is no partner of ours). Among
        # all agreements one shared capitalised word is too little ("North Rhine-Westphalia"
        # and "North Caldwell"): a signing year or two names.
        if (cited := _cited_agreement(request, mous, mous, least=2)) is not None:
            return self._match(cited, sender, "cited")
        return self._by_country(mous, request, sender) or self._retrieved(request, sender)

    @staticmethod
    def _other_sender(match: AgreementMatch, mous: list[DocRecord], request: str,
                      sender: str | None) -> str | None:
        """The town a letter is to come from ("from the Mayor of Vila Serena to ..."), when it
        is a party of other stored agreements and not of this one: the agreement found with
        the recipient is another town's, and is no ground for this sender's letter. The
        sender is what the officer gives as such, or the party named after "from" before
        the recipient; a town mentioned in passing ("with singers from Vila Serena") is
        none, and a sender that names a party of this agreement is one of its parties."""
        parties = match.rec.field_value("parties") or match.rec.partners
        own = [place_of(p) or p for p in parties]
        if len(own) < 2:
            return None  # the agreement's parties are not all read: nothing to hold it to
        text = sender or request
        said = text if sender else text[:_recipient_at(text, match)]
        if any(mentions(said, o) >= 0 for o in own):
            return None
        for rec in mous:
            for party in rec.field_value("parties") or rec.partners:
                place = place_of(party)
                pos = mentions(said, place)
                if pos < 0 or any(mentions(o, place) >= 0 or mentions(place, o) >= 0
                                  for o in own):
                    continue
                if sender or on_sender_side(fold(text)[:pos]):
                    return place
        return None

    def _match(self, rec: DocRecord, sender: str | None, how: str) -> AgreementMatch:
        """The two sides of an agreement found without a partner's name: the party the
        sender names, else the officer's own town, else the first party, is ours."""
        parties = rec.field_value("parties") or rec.partners
        named = next((p for p in parties if sender and mentions(sender, place_of(p)) >= 0), "")
        if rec.field_value("kind") == "convention" and not named:
            # a treaty between states: the town that writes under it is none of its parties
            # (a burgemeester does not write on behalf of the Kingdom of the Netherlands)
            return AgreementMatch(rec, "", "", how)
        home = _home_party(self.library.agreements())
        ours = named or next((p for p in parties if p == home), parties[0] if parties else "")
        partner = next((p for p in parties if p != ours), "")
        return AgreementMatch(rec, partner, ours, how)

    def _named(self, mous: list[DocRecord], request: str, sender: str | None,
               recipient: str | None) -> AgreementMatch | None:
        target = recipient or request
        hits: list[tuple[DocRecord, str, str]] = []
        for rec in mous:
            parties = rec.field_value("parties") or rec.partners
            for party in parties:
                pos = mentions(target, place_of(party))
                if pos < 0 or (sender and mentions(sender, place_of(party)) >= 0):
                    continue
                if not recipient and on_sender_side(fold(target)[:pos]):
                    continue  # "from the Mayor of Ridgeport": our side, not the partner
                others = [p for p in parties if p != party]
                hits.append((rec, party, others[0] if others else ""))
        if not hits:
            return None
        # Several agreements with that partner: one that also names our side, then the
        # most recently signed.
        def rank(hit: tuple[DocRecord, str, str]) -> tuple[int, str]:
            rec, _partner, ours = hit
            ours_named = mentions(sender or request, place_of(ours)) >= 0 if ours else False
            return (int(ours_named), str(rec.field_value("signing_date") or ""))

        rec, partner, ours = max(hits, key=rank)
        return AgreementMatch(rec, partner, ours, "named")

    def _unknown_partner(self, target: str, mous: list[DocRecord],
                         sender: str | None) -> str | None:
        places = {fold(place_of(p)) for r in mous for p in r.partners}
        known = places | {fold(c) for r in mous for c in r.countries}
        titles = [fold(r.title) for r in mous]
        pos = 0
        # Overlapping search: "to the Mayor of Oakhaven" first matches "to the Mayor", whose
        # name is no place; the next search starts at "Mayor" and finds "of Oakhaven".
        while m := PARTNER_CUE.search(target, pos):
            pos = m.start(1)
            name = m.group(1).strip()
            # "to the Chairman of X", "the Bürgermeister of X": an office; X is the place
            # (but "the Council of Europe" is an organisation, not an office)
            if ROLE_RE.fullmatch(name):
                office = re.match(rf"\s+of\s+(?:the\s+)?(?-i:({PLACE_NAME}))",
                                  target[m.end(1):])
                if office is None:  # "the Bürgermeister of a neighbouring Gemeinde"
                    continue
                name = office.group(1)
            if name in all_demonyms():
                # "the Swiss municipality on the opposite bank" names a country's people;
                # "the Swiss town of Altstätten" names the town after it
                place = re.match(rf"\s+(?:\w+\s+){{0,2}}?(?:town|city|municipality|commune|"
                                 rf"village|county|region|province)\s+of\s+(?-i:({PLACE_NAME}))",
                                 target[m.end(1):], re.I)
                if place is None:
                    continue
                name = place.group(1)
            first = name.split()[0].lower()
            # a stored partner's place may open a longer name ("Vila Serena Municipal
            # Assembly"); a country must be the whole name ("Mexico City" is no "Mexico")
            if first in NOT_PLACES or fold(name) in known or any(
                    re.match(rf"{re.escape(k)}\b", fold(name)) for k in places):
                continue
            if sender and mentions(sender, name) >= 0:
                continue
            # "under the Additional Protocol to the European Outline Convention": after an
            # agreement's own word, the name of a stored agreement, not of a partner
            if _AFTER_AGREEMENT.search(target[:m.start(1)]) and any(
                    re.search(rf"\b{re.escape(fold(name))}\b", t) for t in titles):
                continue
            if on_sender_side(fold(target)[:m.start(1)]):
                continue
            return name
        return None

    def _by_country(self, mous: list[DocRecord], request: str,
                    sender: str | None) -> AgreementMatch | None:
        wanted = {c for c in {r2 for r in mous for r2 in r.countries} if mentions(request, c) >= 0}
        wanted |= set(country_names(request, demonyms=True, any_case=True))
        if not wanted:
            return None
        hits = []
        for rec in mous:
            parties = rec.field_value("parties") or rec.partners
            for i, country in enumerate(rec.countries):
                if country in wanted and i < len(parties):
                    party = parties[i]
                    if sender and mentions(sender, place_of(party)) >= 0:
                        continue
                    ours = next((p for p in parties if p != party), "")
                    hits.append(AgreementMatch(rec, party, ours, "country"))
        if len(hits) == 1:
            return hits[0]
        # "a Dutch border municipality ... the Dutch-German agreement": several agreements
        # involve one of the countries, one is between all of them
        between = {h.rec.doc_id: h.rec for h in hits if len(wanted) > 1
                   and wanted <= set(h.rec.countries)}
        if len(between) == 1:
            return self._match(next(iter(between.values())), sender, "country")
        return None

    def _retrieved(self, request: str, sender: str | None) -> AgreementMatch | str:
        """No partner named: among the agreements retrieval finds, the one with an area of
        cooperation closest to the proposal, else the best-ranked one."""
        # the words that describe the agreement find it better than the whole request,
        # whose proposal and addressees pull in agreements on the same topic
        query = agreement_reference(request) or request
        # (a title that holds the reference's words says which: "the additional protocol")
        passages = self.assistant.retrieve(query, Filters(doc_types=["mou"]),
                                           self.assistant.boosts(query), k=8)
        views: dict[str, list[DocRecord]] = {}
        for p in passages:
            if p.doc_id not in views and (r := self.library.registry.get(p.doc_id)):
                views[p.doc_id] = r.agreements()
        # a passage of a document of several agreements stands for the one on its page
        found = [next((v for v in views.get(p.doc_id, []) if not v.section_pages
                       or p.page in v.section_pages), None) for p in passages]
        recs = list({_key(r): r for r in found if r is not None}.values())
        if not recs:
            return "No stored agreement matches the request."
        if (cited := _cited_agreement(request, recs, self.library.agreements())) is not None:
            recs = [cited]  # "under the 1986 Benelux agreement": the request names it
        # "the Dutch-German agreement": of the agreements found, those between the countries
        # the request names (the Dutch-German treaty before the Benelux one, both in Dutch)
        named = set(country_names(request, demonyms=True, any_case=True))
        if named:
            most = max(len(named & set(r.countries)) for r in recs)
            recs = [r for r in recs if len(named & set(r.countries)) == most]
        topic = parse_proposal(request).topic or request
        by_area = [(max(cosines(self.library, topic, [str(a) for a in areas]), default=0.0), r)
                   for r in recs if (areas := r.field_value("areas"))]
        best_area = max(by_area, key=lambda t: t[0], default=(0.0, recs[0]))
        rec = best_area[1] if best_area[0] >= AREA_MIN_WITH_WORD else recs[0]
        return self._match(rec, sender, "retrieved")
