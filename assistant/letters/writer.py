"""The letter writer: the facts of the agreement and of a fitting open call, the template
filled with them, or a language model's letter checked against them by the grounding guard."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from assistant import spaces
from assistant.ask import Assistant
from assistant.facts import fact_lines, human_date, on_date
from assistant.guard import CITATION_RE, GroundingGuard, GuardReport
from assistant.letters.agreement import (
    Unit,
    agreement_units,
    article_for,
    signatories,
    signing_sentence,
)
from assistant.letters.call import FittingCall
from assistant.letters.finder import AgreementFinder
from assistant.letters.model import (
    Letter,
    LetterDraft,
    LetterFact,
    Person,
    letter_evidence,
    refusal,
)
from assistant.letters.wording import (
    AREA_MIN,
    AREA_MIN_WITH_WORD,
    LEXICAL_WEIGHT,
    OFFICE_IN_REQUEST,
    OTHER_AREAS,
    PROVISION_MIN,
    SENDER_OFFICE,
    SKIP_UNIT,
    clean_text,
    cosines,
    dedupe_lines,
    display_title,
    fill,
    fold,
    is_english,
    join_list,
    office_in,
    parse_proposal,
    short_name,
    word_set,
)
from assistant.library import Library
from assistant.parties import PLACE_PREFIX, place_of
from assistant.prompts import load_prompt, render_prompt
from assistant.retrieve import Filters
from assistant.sentences import is_heading_like
from assistant.status import agreement_status
from ingest.injection import fence_instructions
from ingest.registry import DocRecord

log = logging.getLogger(__name__)


class LetterWriter:
    """Request -> Letter: the agreement (``finder``), its facts and a fitting open call, the
    template filled with them, and with a language model its letter checked by the guard."""

    def __init__(self, library: Library, today: date | None = None,
                 llm: Any = None) -> None:
        self.library = library
        self._today = today
        self.assistant = Assistant(library, today=today)
        self.guard = GroundingGuard()
        if llm is None and library.settings.llm_enabled:
            from assistant.llm import language_model

            # A letter is longer than an answer: room for about 600 words.
            llm = language_model(library.settings, max_tokens=900)
        self.llm = llm
        self.finder = AgreementFinder(library, self.assistant)
        self.calls = FittingCall(library, lambda: self.today)
        self._last_draft: LetterDraft | None = None

    @property
    def today(self) -> date:
        return self._today or date.today()

    def run(self, request: str, sender: str | None = None,
            recipient: str | None = None) -> Letter:
        request = (request or "").strip()
        if not request:
            return refusal("Describe the letter: who writes to whom, and what it proposes.")
        found = self.finder.run(request, sender, recipient)
        if isinstance(found, str):
            return refusal(found)
        draft = LetterDraft(request, sender, recipient, found, parse_proposal(request),
                       human_date(self.today.isoformat()))
        if found.how == "retrieved":
            draft.warnings.append(
                f"The request names no partner we have an agreement with; the letter refers "
                f"to {found.rec.title}, the agreement closest to the request. Name the partner "
                f"if this is not the right one.")
        self._compose(draft)
        self._last_draft = draft
        letter = self._template_letter(draft)
        if self.llm is not None:
            letter = self._generate(draft, letter)
        return letter

    def revise(self, request: str, text: str, sender: str | None = None,
               recipient: str | None = None) -> Letter:
        """Check a letter written elsewhere (by a model, or edited by the officer) against
        the same facts: unsupported facts are marked, a text that is no letter is refused
        in favour of the template. The generated path goes through exactly this."""
        base = self.run(request, sender, recipient)
        if base.refused or self._last_draft is None:
            return base
        return self.accept(self._last_draft, text, base)

    # -- composing ------------------------------------------------------------------------

    def _compose(self, d: LetterDraft) -> None:
        rec = d.match.rec
        people = signatories(rec, self._page_text(rec, rec.fields.get("signatories", {})
                                                  .get("page")))
        for person in people:
            person.title = self._complete_title(rec, person)
        self._reference(d)
        self._blocks(d, people)
        if d.proposal.sentence:
            d.paragraphs.append(" ".join([fill("proposal", proposal_sentence=d.proposal.sentence),
                                          *d.proposal.also]))
        else:
            d.warnings.append("The request states no proposal the letter could repeat; add it.")
        expired = self._expired(rec)
        provisions = self._provisions(d, expired)
        if provisions:
            d.paragraphs.append(" ".join(provisions))
        if not expired and (body := self._implementing_body(d)):
            d.paragraphs.append(body)
        if funding := self.calls.run(d, expired):
            d.paragraphs.append(funding)
        d.paragraphs.append(fill("closing"))
        self._status_notes(d, expired)

    def _blocks(self, d: LetterDraft, people: list[Person]) -> None:
        """Recipient block and salutation, sender block and signature, from the signatories
        whose titles show they hold the office the request names (Mayor by default)."""
        rec, m = d.match.rec, d.match
        countries = dict(zip(rec.field_value("parties") or rec.partners, rec.countries,
                             strict=False))
        self._recipient(d, next((p for p in people if p.party == m.partner), None),
                        countries.get(m.partner, ""))
        self._sender(d, next((p for p in people if p.party == m.ours), None),
                     countries.get(m.ours, ""))
        if any(f.name == "signatory" for f in d.facts):
            d.warnings.append(
                f"Names and titles are those printed in the agreement signed "
                f"{on_date(str(rec.field_value('signing_date') or ''))}; check that they "
                f"still hold office before sending.")

    def _recipient(self, d: LetterDraft, them: Person | None, country: str) -> None:
        office = office_in(OFFICE_IN_REQUEST, d.request)
        org = d.match.partner
        if them and them.holds(office):
            d.salutation = fill("salutation_named", office=office, surname=them.surname(country))
            lines = [them.display, them.title]
            lines += [] if fold(org) in fold(them.title) else [org]
            self._person_fact(d, them)
        else:
            d.salutation = fill("salutation", office=office)
            lines = [f"The {office}", org]
            if them:
                d.warnings.append(
                    f"The agreement was signed for {_with_article(org)} by {them.display}"
                    f"{', ' + them.title if them.title else ''} (page "
                    f"{d.match.rec.fields['signatories'].get('page')}), who is not named there "
                    f"as the {office.lower()}: the letter does not name the recipient.")
        d.recipient_block = "  \n".join(x for x in dedupe_lines([*lines, country]) if x)

    def _sender(self, d: LetterDraft, us: Person | None, country: str) -> None:
        office = office_in(SENDER_OFFICE, d.request)
        org = d.sender_arg or d.match.ours
        if us and us.holds(office):
            sig = [us.name, us.title] + ([] if fold(org) in fold(us.title) else [org])
            self._person_fact(d, us)
        else:
            sig = [office, org]
            if us:
                d.warnings.append(
                    f"The agreement was signed for {_with_article(d.match.ours)} by "
                    f"{us.display}{', ' + us.title if us.title else ''}, who is not named there "
                    f"as the {office.lower()}: the signature block names no one; add the name.")
        d.signature_block = "  \n".join(x for x in dedupe_lines(sig) if x)
        d.sender_block = "  \n".join(x for x in dedupe_lines([org, country]) if x)

    def _complete_title(self, rec: DocRecord, person: Person) -> str:
        """A title cut at a page end ("President of the Municipal Chamber of Vila") is
        completed only where the agreement itself writes the longer form elsewhere."""
        place = place_of(person.party)
        m = re.search(r".*\bof\s+(?:the\s+)?([\w'’-]+(?:\s+[\w'’-]+)*)$", person.title)
        if not m or m.group(1) == place or not place.startswith(m.group(1)):
            return person.title
        full = person.title[:m.start(1)] + place
        text = clean_text(" ".join(u.text for u in agreement_units(self.library, rec)))
        return full if full in text else person.title

    def _person_fact(self, d: LetterDraft, person: Person) -> None:
        rec = d.match.rec
        d.add("signatory", f"Signed for {_with_article(person.party)} by {person.display}, "
              f"{person.title}",
              rec.fields.get("signatories", {}).get("page"), person.quote, rec)

    def _reference(self, d: LetterDraft) -> None:
        rec = d.match.rec
        title_field = rec.fields.get("title", {})
        signed = rec.field_value("signing_date")
        place = rec.field_value("signing_place")
        sender_org = _with_article(d.sender_arg or d.match.ours)
        title = display_title(rec.title)  # as the letter's sentences name it
        if not sender_org.strip():
            # a convention between states names no town: the officer adds who writes
            d.warnings.append("The request and the agreement do not say who writes: add the "
                              "sender's town or office.")
        d.add("agreement", rec.title, title_field.get("page"), title_field.get("evidence") or
              rec.title, rec)
        parties = rec.field_value("parties") or rec.partners
        if parties:
            pf = rec.fields.get("countries") or rec.fields.get("parties", {})
            named = [f"{p} ({c})" for p, c in zip(parties, rec.countries, strict=False)] or \
                list(parties)
            d.add("parties", "Parties: " + " and ".join(named), pf.get("page"),
                  pf.get("evidence", ""), rec)
        if not signed:
            d.paragraphs.append(fill("reference_undated", sender_org=sender_org,
                                     agreement_title=title))
            d.warnings.append("The agreement's signing date was not found; check it.")
            return
        page = rec.fields["signing_date"].get("page")
        quote = signing_sentence(self._page_text(rec, page), str(signed)[:4]) or \
            rec.fields["signing_date"].get("evidence", "")
        when = human_date(str(signed))
        signed_when = on_date(str(signed))  # "on 1 September 2021", "in March 2001"
        d.add("signing", f"Signed{' at ' + place if place else ''} {signed_when}", page, quote,
              rec)
        expiry = self._expired(rec)
        if expiry:
            f = rec.fields["expiry_date"]
            d.add("expiry", f"Expired on {human_date(expiry)}", f.get("page"),
                  re.sub(r"^computed:[^.]*\.\s*", "", f.get("evidence", "")), rec)
            d.paragraphs.append(fill("reference_expired", sender_org=sender_org,
                                     agreement_title=title, signing_date=when,
                                     signed_when=signed_when,
                                     expiry_date=human_date(expiry)))
        elif place:
            d.paragraphs.append(fill("reference", sender_org=sender_org,
                                     agreement_title=title,
                                     signing_place=str(place), signing_date=when,
                                     signed_when=signed_when))
        else:
            d.paragraphs.append(fill("reference_no_place", sender_org=sender_org,
                                     agreement_title=title, signing_date=when,
                                     signed_when=signed_when))

    def _expired(self, rec: DocRecord) -> str | None:
        """The day it expired, by the one status model (a renewed term has not expired)."""
        st = agreement_status(rec, self.today)
        return st.until if st.state == "expired" else None

    def _provisions(self, d: LetterDraft, expired: str | None) -> list[str]:
        """Areas of cooperation close to the proposal, and the one sentence of the agreement
        that supports it best (or the clause that lets the parties add areas)."""
        rec = d.match.rec
        short = short_name(rec.title)
        out: list[str] = []
        units = agreement_units(self.library, rec)
        areas = self._matching_areas(d.proposal.topic, rec)
        if areas:
            field_ = rec.fields["areas"]
            article = next((u.label for u in units if u.is_area_item and
                            fold(u.item) == fold(areas[0])), "")
            verb = "named" if expired else "names"
            lead = f"The {short} {verb}" if expired else f"Our {short} {verb}"
            d.add("areas", f"Areas of cooperation{' (' + article + ')' if article else ''} "
                  f"include {join_list(areas)}", field_.get("page"),
                  field_.get("evidence", ""), rec)
            out.append(fill("areas", lead=lead, areas=join_list(areas),
                            article=f" ({article})" if article else ""))
        best = self._clause_unit(d.proposal.topic, rec, units) or \
            self._best_unit(d.proposal.topic, units, exclude=areas)
        if best is None and not areas and d.proposal.kind == "propose":
            # A proposal outside the listed areas: the clause that lets the parties add one.
            best = next((u for u in units if OTHER_AREAS.search(u.text)), None)
        chosen = [best] if best is not None else []
        # each further ask ("explain what majority is needed to amend it", "suggesting that
        # the committees prepare the review") is answered by the provision closest to it
        for _verb, ask in d.proposal.asks:
            unit = self._clause_unit(ask, rec, units) or self._answered_unit(
                ask, rec, units, chosen) or self._best_unit(
                ask, [u for u in units if u not in chosen], exclude=areas)
            if unit is not None and unit not in chosen:
                chosen.append(unit)
        for i, unit in enumerate(chosen):
            lead = (f"The {short} provided" if expired else f"Our {short} provides") \
                if i == 0 else ("It also provided" if expired else "It also provides")
            d.add("provision", f"{unit.label}: {unit.text}" if unit.label else unit.text,
                  unit.page, unit.text, rec)
            out.append(fill("provision", lead=lead, quote=unit.quote_text,
                            article=f" ({unit.label})" if unit.label else ""))
        if not out:
            d.warnings.append(f"No provision of the {short} matches the proposal closely; the "
                              f"letter only refers to the agreement.")
        return out

    @staticmethod
    def _clause_unit(topic: str, rec: DocRecord, units: list[Unit]) -> Unit | None:
        """Renewal and termination letters cite that clause, which similarity alone misses
        ("renewing our agreement" is closer to the amendment clause than to "It may be
        renewed ...")."""
        clauses = ((r"\brenew", "renewal"), (r"\bterminat|\bend (?:the|our)", "termination"))
        for cue, name in clauses:
            evidence = clean_text(rec.fields.get(name, {}).get("evidence", ""))
            if re.search(cue, topic, re.I) and evidence:
                key = fold(evidence)[:60]
                return next((u for u in units if key in fold(u.text)), None)
        return None

    def _answered_unit(self, ask: str, rec: DocRecord, units: list[Unit],
                       chosen: list[Unit]) -> Unit | None:
        """The agreement's answer to an ask ("how the body would be financed"), as the
        answerer finds it within this agreement: its best sentence not quoted yet."""
        answer = self.assistant.ask(ask, Filters(doc_ids=[rec.doc_id]))
        if answer.declined:
            return None
        quoted = {fold(u.text) for u in chosen}
        # the agreement has English text (all of it, or the English half of a bilingual
        # text): quote that, never its other version
        english = not any(u.foreign for u in units)
        articles = any(u.label for u in units)
        for cite in answer.best:
            if rec.section_pages and cite.page not in rec.section_pages:
                continue  # another agreement printed in the same document
            text = clean_text(cite.quote)
            if fold(text) in quoted or is_heading_like(text) or SKIP_UNIT.search(text) or (
                    english and not is_english(text)):
                continue
            label = article_for(units, text)
            if articles and not label:
                continue  # the preamble states history, not what the parties agreed
            return Unit(text, text, text, cite.page, label)
        return None

    def _matching_areas(self, proposal: str, rec: DocRecord) -> list[str]:
        areas = [str(a) for a in rec.field_value("areas") or []]
        if not areas or not proposal:
            return []
        sims = cosines(self.library, proposal, areas)
        words = word_set(proposal)
        chosen = [a for a, s in zip(areas, sims, strict=True)
                  if s >= AREA_MIN or (s >= AREA_MIN_WITH_WORD and words & word_set(a))]
        return chosen[:2]

    def _best_unit(self, proposal: str, units: list[Unit], exclude: list[str]) -> Unit | None:
        """The provision closest to the proposal or ask. Units in the agreement's own
        language (``foreign``) are matched in the store's multilingual space, where English
        words shared with them are no evidence."""
        pool = [u for u in units if not u.is_area_item and
                not any(fold(a) == fold(u.item) for a in exclude)]
        if not pool or not proposal:
            return None
        foreign = any(u.foreign for u in pool)
        sims = cosines(self.library, proposal, [u.item for u in pool], multilingual=foreign)
        words = set() if foreign else word_set(proposal)
        scored = [(s + LEXICAL_WEIGHT * len(words & word_set(u.item)), u)
                  for s, u in zip(sims, pool, strict=True)]
        score, unit = max(scored, key=lambda t: t[0])
        log.debug("best provision %.2f: %s", score, unit.text[:100])
        # (foreign units come only with a calibrated store embedder: agreement_units)
        calibrated = spaces.calibration(self.library)
        least = calibrated.provision_min if foreign and calibrated else PROVISION_MIN
        return unit if score >= least else None

    def _implementing_body(self, d: LetterDraft) -> str | None:
        rec = d.match.rec
        f = rec.fields.get("implementing_body")
        if not f or not f.get("value"):
            return None
        lines = fact_lines(rec, "which body implements it", self.today)
        quote = lines[0].evidence if lines else f.get("evidence", "")
        body = str(f["value"])
        article = article_for(agreement_units(self.library, rec), f.get("evidence", ""), body)
        d.add("implementing_body", f"Implemented by the {body}"
              f"{' (' + article + ')' if article else ''}", f.get("page"), quote, rec)
        short = short_name(rec.title)
        the = "" if body.lower().startswith("the ") else "the "
        part = "implementing_body" if d.proposal.kind == "propose" else "implementing_body_plain"
        return fill(part, lead=f"Our {short} entrusts its implementation to "
                    f"{the}".rstrip(), body_name=body,
                    article=f" ({article})" if article else "")

    def _status_notes(self, d: LetterDraft, expired: str | None) -> None:
        rec = d.match.rec
        if expired:
            d.warnings.append(f"The {short_name(rec.title)} expired on {human_date(expired)}: "
                              f"the letter refers to it in the past tense.")
            return
        st = agreement_status(rec, self.today)
        about_renewal = "renew" in d.proposal.text.lower()
        if st.until and st.days is not None and st.days <= 365 and not about_renewal:
            renewal = rec.field_value("renewal")
            d.warnings.append(
                f"The {short_name(rec.title)} is {st.label}: {st.reason}"
                f"{'; renewal: ' + str(renewal) if renewal else ''}. The letter does not "
                f"mention renewal; add it if you intend to.")

    def _page_text(self, rec: DocRecord, page: int | None) -> str:
        if page is None:
            return ""
        got = self.library.store.chunks.get(where={"$and": [{"doc_id": rec.doc_id},
                                                            {"page": page}]},
                                            include=["documents", "metadatas"])
        bodies = [t[int((m or {}).get("header_chars", 0)):] for t, m in
                  zip(got["documents"] or [], got["metadatas"] or [], strict=True)]
        return "\n".join(bodies)

    # -- the letter -----------------------------------------------------------------------

    def _template_letter(self, d: LetterDraft) -> Letter:
        text = fill("letter", sender_block=d.sender_block, date=d.date,
                    recipient_block=d.recipient_block, subject=d.proposal.subject or
                    short_name(d.match.rec.title), salutation=d.salutation,
                    body="\n\n".join(d.paragraphs), signature_block=d.signature_block)
        report = self.check(text, d)
        if report.unsupported:  # a bug in a template or a fact: never let it pass unmarked
            log.warning("template letter has unsupported facts: %s", report.unsupported)
            text = self.guard.mark(text, report)
            d.warnings.extend(f"Not found in the facts or the request: {u}"
                              for u in report.unsupported)
        return self._letter(d, text, "template")

    def _letter(self, d: LetterDraft, text: str, mode: str) -> Letter:
        return Letter(
            text=text.strip() + "\n",
            subject=d.proposal.subject or short_name(d.match.rec.title),
            sender=d.sender_arg or d.match.ours,
            recipient=d.match.partner,
            citations=[f.citation() for f in d.facts],
            warnings=list(d.warnings),
            facts=[f.to_dict() for f in d.facts],
            mode=mode,
            agreement=d.match.rec.source,
            date=d.date,
            given=d.given,
        )

    def check(self, text: str, d: LetterDraft) -> GuardReport:
        return self.guard.run(text, letter_evidence([f.to_dict() for f in d.facts],
                                                    d.given, d.date))

    def _generate(self, d: LetterDraft, fallback: Letter) -> Letter:
        """The model writes the letter from the same facts; the guard checks it."""
        from langchain_core.messages import HumanMessage, SystemMessage

        from assistant.llm import describe_endpoint_error

        chat = getattr(self.llm, "chat", self.llm)
        endpoint = getattr(self.llm, "endpoint", "the configured endpoint")
        messages = [SystemMessage(load_prompt("letter_system")), HumanMessage(render_prompt(
            "letter_user", facts=render_facts(d.facts), sender_block=d.sender_block,
            recipient_block=d.recipient_block, date=d.date, subject=d.proposal.subject,
            salutation=d.salutation, signature_block=d.signature_block, request=d.request))]
        try:
            msg = chat.invoke(messages)
        except Exception as exc:  # noqa: BLE001 - every endpoint failure becomes one sentence
            _kind, what = describe_endpoint_error(exc, getattr(self.llm, "model", "?"),
                                                  getattr(self.llm, "timeout", 60.0))
            log.warning("letter model unavailable: %s (%s)", what, type(exc).__name__)
            fallback.warnings.append(f"The language model endpoint at {endpoint} {what}; the "
                                     f"letter was written from the template instead.")
            return fallback
        raw = msg.content if isinstance(msg.content, str) else ""
        return self.accept(d, raw, fallback)

    def accept(self, d: LetterDraft, raw: str, fallback: Letter) -> Letter:
        """A generated text becomes the letter only if it is a letter and grounded."""
        text = _strip_model_text(raw)
        if not text:
            fallback.warnings.append("The language model returned an empty letter; the letter "
                                     "was written from the template instead.")
            return fallback
        if problem := _form_problem(text, d):
            log.warning("generated letter rejected: %s", problem)
            fallback.warnings.append(f"The generated letter was not used ({problem}); the "
                                     f"letter was written from the template.")
            return fallback
        report = self.check(text, d)
        if report.checked and 2 * report.unsupported_count > report.checked:
            log.warning("generated letter rejected: %s", report.unsupported)
            fallback.warnings.append(
                f"The generated letter was not used: {report.unsupported_count} of "
                f"{report.checked} facts in it were not found in the documents or the request "
                f"({', '.join(report.unsupported)}); the letter was written from the template.")
            return fallback
        warnings: list[str] = []
        if report.unsupported:
            text = self.guard.mark(text, report)
            warnings = [f"Not found in the facts or the request: {u}" for u in report.unsupported]
        letter = self._letter(d, text, "llm")
        letter.warnings.extend(warnings)
        return letter


def _with_article(org: str) -> str:
    """ "the Town of Alderbrook", but "Fjällmora Municipality" as it stands."""
    return f"the {org}" if PLACE_PREFIX.match(org) and not org.lower().startswith("the ") \
        else org


def render_facts(facts: Sequence[LetterFact]) -> str:
    """Numbered facts for the model, each a data block it must not take orders from, with
    any sentence addressed to an AI replaced by a marker."""
    blocks = []
    for f in facts:
        quote = html.escape(fence_instructions(f.quote), quote=False)
        page = f", page {f.page}" if f.page is not None else ""
        blocks.append(f'<fact n="{f.n}" source="{html.escape(f.source)}{page}">\n'
                      f"{html.escape(fence_instructions(f.text), quote=False)}\n"
                      f"Document text: {quote}\n</fact>")
    return "\n\n".join(blocks)


_PROMPT_ECHO = re.compile(r"^\s*(?:sender block|recipient block|signature block|salutation|"
                          r"date of the letter|the officer's request|facts from the documents)"
                          r"\s*:", re.IGNORECASE | re.MULTILINE)


def _form_problem(text: str, d: LetterDraft) -> str | None:
    """What makes a generated text no letter: the guard checks facts, not form, and small
    models echo the prompt or leave out the agreement they were asked to refer to."""
    if _PROMPT_ECHO.search(text) or "<fact" in text:
        return "it repeats the instructions instead of writing the letter"
    if not re.search(r"^\s*Dear\b", text, re.MULTILINE):
        return "it has no salutation"
    signed = d.match.rec.field_value("signing_date")
    if signed and human_date(str(signed)) not in text:
        return "it does not give the agreement's signing date"
    return None


def _strip_model_text(raw: str) -> str:
    text = raw.strip()
    text = re.sub(r"^```(?:markdown|md)?\s*\n|\n```\s*$", "", text)
    return CITATION_RE.sub("", text).strip()
