"""The generative answering path: any OpenAI-compatible endpoint, grounded and guarded.

Used only when an endpoint is configured (`Settings.llm_enabled`). The caller owns the
fallback: it catches `LLMUnavailable` (endpoint down, wrong key, rate limit, server error)
and `LLMFallback` (the model's answer cites nothing or is mostly unsupported), answers with
the embedded answerer instead and tells the user the exception's `message`.

    answerer = LLMAnswerer(settings)
    try:
        answer = answerer.run(question, passages)           # or:
        stream = answerer.stream(question, passages)
        for delta in stream: show(delta)
        answer = stream.result()    # final text may differ: unsupported facts are marked
    except (LLMUnavailable, LLMFallback) as exc:
        answer = embedded_answer(question, passages); answer.warnings.append(exc.message)
"""

from __future__ import annotations

import html
import logging
import queue
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import openai
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from assistant.config import Settings
from assistant.guard import CITATION_RE, GroundingGuard, GuardReport, parse_citations
from assistant.prompts import load_prompt, render_prompt
from assistant.types import Answer, Citation, Passage

log = logging.getLogger(__name__)

DECLINE_PREFIX = "Your documents do not say"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
QUOTE_MAX_CHARS = 300

_SENT_SPLIT_RE = re.compile(r"(?<=[.!?;])\s+(?=[\"'(\[A-Z0-9•-])|\n+")
_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = set(
    "a an the of to in on at by for from with and or but is are was were be been it its this "
    "that these those as which who what when where how not no do does did your their our "
    "can may must shall will would should has have had there than then so such into per".split()
)
_PASSAGE_TAG_RE = re.compile(r"<(/?)(passage)", re.IGNORECASE)


class LLMError(Exception):
    """Base of the two signals that tell the caller to answer without the model."""

    def __init__(self, message: str, question: str) -> None:
        super().__init__(message)
        self.message = message
        # Kept so no caller path can lose what the officer asked.
        self.question = question


class LLMUnavailable(LLMError):
    """The endpoint could not produce an answer; `message` is one sentence for the user."""

    def __init__(self, message: str, question: str, kind: str, endpoint: str) -> None:
        super().__init__(message, question)
        self.kind = kind  # refused | unresolved | tls | unreachable | timeout | auth | ...
        self.endpoint = endpoint


class LLMFallback(LLMError):
    """The model answered, but the answer is not grounded enough to show."""

    def __init__(self, reason: str, question: str, draft: str, report: GuardReport | None) -> None:
        super().__init__(
            f"The language model's answer was not used because {reason}; "
            "answering from your documents without it.",
            question,
        )
        self.reason = reason
        self.draft = draft
        self.report = report


@dataclass
class LLMStats:
    """Diagnostics of the last call (logged too); not part of the answer contract."""

    elapsed_s: float = 0.0
    first_token_s: float | None = None
    output_tokens: int | None = None
    finish_reason: str | None = None
    deltas: int = 0  # streamed text chunks; ~tokens on servers that stream one per chunk

    @property
    def tokens_per_s(self) -> float | None:
        tokens = self.output_tokens or self.deltas
        if not tokens or self.elapsed_s <= 0:
            return None
        gen_time = self.elapsed_s - (self.first_token_s or 0.0)
        return tokens / max(gen_time, 1e-6)


class AnswerStream:
    """Iterate for the text deltas as they arrive, then call `result()` for the Answer.

    `result()` raises `LLMFallback` if the finished answer fails the guard: the caller has
    then already shown the deltas and must replace them. `LLMUnavailable` is raised from the
    iteration itself, normally before the first delta. `result()` without iterating first
    drains the stream, so it also works as a blocking call.
    """

    def __init__(self, answerer: LLMAnswerer, question: str, passages: list[Passage],
                 messages: list[BaseMessage], retrieved: list[str]) -> None:
        self._answerer = answerer
        self._question = question
        self._passages = passages
        self._retrieved = retrieved
        self._messages = messages
        self._parts: list[str] = []
        self._answer: Answer | None = None
        self._error: LLMError | None = None
        self._done = False
        self._stop = threading.Event()
        self._gen = self._run()

    @property
    def raw_text(self) -> str:
        """The concatenated deltas so far, before guard marking."""
        return "".join(self._parts)

    def __iter__(self) -> Iterator[str]:
        return self._gen

    def cancel(self) -> None:
        """Stop writing (the officer pressed Stop): the consumer returns within a quarter of a
        second even while the model is still reading its prompt; the request is closed at
        its next chunk, which makes llama.cpp and other servers drop the task (a server
        still reading a long prompt finishes reading it first). A stream cancelled before
        it started sends nothing."""
        self._stop.set()

    def _read(self, chunks: queue.Queue[tuple[str, Any]]) -> None:
        """The HTTP stream, read on its own thread: a blocking read (a long prompt is read
        before the first token) must not hold the consumer."""
        try:
            stream = self._answerer.chat.stream(self._messages)
            try:
                for chunk in stream:
                    if self._stop.is_set():
                        break
                    chunks.put(("chunk", chunk))
            finally:
                if close := getattr(stream, "close", None):
                    close()  # closes the response: the server stops writing
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, which reports it
            chunks.put(("error", exc))
        chunks.put(("end", None))

    def _run(self) -> Iterator[str]:
        a = self._answerer
        stats = LLMStats()
        start = time.monotonic()
        chunks: queue.Queue[tuple[str, Any]] = queue.Queue()
        if not self._stop.is_set():
            threading.Thread(target=self._read, args=(chunks,), name="llm-stream",
                             daemon=True).start()
        finished = False  # the server ended the stream (not a Stop)
        try:
            while True:
                try:
                    kind, item = chunks.get(timeout=0.25)
                except queue.Empty:
                    if self._stop.is_set():
                        break
                    continue
                if self._stop.is_set():  # a Stop outranks whatever arrived since
                    break
                if kind == "end":
                    finished = True
                    break
                if kind == "error":
                    raise item
                usage = getattr(item, "usage_metadata", None)
                if usage:
                    stats.output_tokens = usage.get("output_tokens")
                reason = (item.response_metadata or {}).get("finish_reason")
                if reason:
                    stats.finish_reason = reason
                delta = item.content if isinstance(item.content, str) else ""
                if not delta:
                    continue
                if stats.first_token_s is None:
                    stats.first_token_s = time.monotonic() - start
                self._parts.append(delta)
                stats.deltas += 1
                yield delta
        except Exception as exc:  # noqa: BLE001 - every endpoint failure becomes one sentence
            self._done = True
            self._error = a._unavailable(exc, self._question)
            raise self._error from exc
        finally:
            self._stop.set()  # finished, failed or closed by the consumer: the reader stops
            if not finished and self._error is None:  # stopped, or closed mid-stream
                self._done = True
                self._error = LLMFallback("stopped before the model finished",
                                          self._question, self.raw_text, None)
        stats.elapsed_s = time.monotonic() - start
        self._done = True
        if not finished:
            return
        a._record(stats)
        try:
            self._answer = a.finalize(self._question, self._passages, self.raw_text, stats)
            self._answer.retrieved = list(self._retrieved)
        except LLMFallback as exc:
            self._error = exc

    def result(self) -> Answer:
        if not self._done:
            for _ in self._gen:
                pass
        if self._error is None and self._answer is None:
            # the consumer closed the stream before it ever ran (Gradio dropped it)
            self._error = LLMFallback("stopped before the model finished", self._question,
                                      self.raw_text, None)
        if self._error is not None:
            raise self._error
        assert self._answer is not None
        return self._answer


class LLMAnswerer:
    """Answer from numbered passages through a chat model, cite, and guard the facts."""

    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float = 60.0,
        max_tokens: int = 400,
        max_context_chars: int = 12_000,
        max_history_turns: int = 3,
        guard: GroundingGuard | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        if not settings.llm_enabled:
            raise ValueError("no language model endpoint configured: set OPENAI_BASE_URL "
                             "and/or OPENAI_API_KEY")
        self.settings = settings
        if settings.llm_local:  # the bundled model, served by this process on loopback
            from assistant.local_llm import LOCAL_ALIAS, ensure_server

            self.endpoint = ensure_server(settings.local_model_file, settings.llm_threads)
            self.model = LOCAL_ALIAS
            # ~40 s before the first word of a 1,500-token context on 2 cores
            timeout = max(timeout, 300.0)
        else:
            self.endpoint = (settings.openai_base_url or DEFAULT_BASE_URL).rstrip("/")
            self.model = settings.llm_model
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.max_context_chars = max_context_chars
        self.max_history_turns = max_history_turns
        self.guard = guard or GroundingGuard()
        self.last_stats = LLMStats()
        self.chat = ChatOpenAI(
            model=self.model,
            base_url=self.endpoint,
            # Local servers (llama.cpp, Ollama, vLLM) take no key, but the client needs one.
            api_key=settings.openai_api_key or "not-needed",
            timeout=timeout,
            # One retry covers a dropped connection; more would keep the officer waiting
            # when the endpoint is really down, and the embedded answer is always there.
            max_retries=1,
            temperature=0,
            max_tokens=max_tokens,
            # Chat Completions is the one API every OpenAI-compatible server implements.
            use_responses_api=False,
            # An answer never contains passage markup; a model that starts writing it is
            # inventing passages (small models continue the pattern), so stop right there.
            stop=["<passage", "</passage"],
            http_client=http_client,
        )

    # --- public API ------------------------------------------------------------------

    def build_messages(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[tuple[str, str]] | None = None,
    ) -> list[BaseMessage]:
        """System prompt, recent turns, then the numbered passages and the question.

        `history` holds (question, answer) pairs of earlier turns, oldest first.
        """
        messages: list[BaseMessage] = [SystemMessage(load_prompt("answer_system"))]
        for q, a in list(history or [])[-self.max_history_turns :]:
            messages.append(HumanMessage(_clip(q, 1000)))
            # Earlier [n] markers pointed at other passages; left in, they would be read
            # as citations of this turn's passages.
            messages.append(AIMessage(_clip(CITATION_RE.sub("", a), 1000)))
        messages.append(HumanMessage(render_prompt(
            "answer_user", passages=self.render_passages(passages), question=question.strip(),
        )))
        return messages

    def render_passages(self, passages: Sequence[Passage]) -> str:
        blocks = []
        for n, p in enumerate(self._fit(passages), start=1):
            attrs = {
                "n": str(n),
                "source": p.source,
                "page": "" if p.page is None else str(p.page),
                "title": p.title,
                "section": p.section,
            }
            head = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items() if v)
            blocks.append(f"<passage {head}>\n{escape_passage_text(p.text)}\n</passage>")
        return "\n\n".join(blocks)

    def run(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[tuple[str, str]] | None = None,
    ) -> Answer:
        """Blocking answer; raises LLMUnavailable or LLMFallback (see module docstring)."""
        sent = self._fit(passages)
        messages = self.build_messages(question, sent, history)
        start = time.monotonic()
        try:
            msg = self.chat.invoke(messages)
        except Exception as exc:  # noqa: BLE001 - every endpoint failure becomes one sentence
            raise self._unavailable(exc, question) from exc
        usage = getattr(msg, "usage_metadata", None) or {}
        stats = LLMStats(
            elapsed_s=time.monotonic() - start,
            output_tokens=usage.get("output_tokens"),
            finish_reason=(msg.response_metadata or {}).get("finish_reason"),
        )
        self._record(stats)
        text = msg.content if isinstance(msg.content, str) else ""
        answer = self.finalize(question, sent, text, stats)
        answer.retrieved = _sources(passages)
        return answer

    def stream(
        self,
        question: str,
        passages: Sequence[Passage],
        history: Sequence[tuple[str, str]] | None = None,
    ) -> AnswerStream:
        sent = self._fit(passages)
        return AnswerStream(self, question, sent, self.build_messages(question, sent, history),
                            retrieved=_sources(passages))

    # --- internals -------------------------------------------------------------------

    def _fit(self, passages: Sequence[Passage]) -> list[Passage]:
        """Passages in rank order up to the context budget; the last one may be cut."""
        out: list[Passage] = []
        budget = self.max_context_chars
        for p in passages:
            if budget < 200:
                log.info("context budget reached: %d of %d passages sent", len(out), len(passages))
                break
            if len(p.text) > budget:
                p = Passage(**{**p.__dict__, "text": _clip(p.text, budget)})
            out.append(p)
            budget -= len(p.text) + 200  # + the marker and attributes
        return out

    def _record(self, stats: LLMStats) -> None:
        self.last_stats = stats
        tps = stats.tokens_per_s
        log.info(
            "llm %s at %s: %.2f s, first token %s, %s output tokens%s, finish=%s",
            self.model, self.endpoint, stats.elapsed_s,
            "-" if stats.first_token_s is None else f"{stats.first_token_s:.2f} s",
            stats.output_tokens if stats.output_tokens is not None
            else f"~{stats.deltas}" if stats.deltas else "?",
            f" ({tps:.0f} tok/s)" if tps else "", stats.finish_reason,
        )

    def finalize(
        self, question: str, passages: Sequence[Passage], raw: str,
        stats: LLMStats | None = None,
    ) -> Answer:
        """Turn raw model text into a cited, guarded Answer, or raise LLMFallback.

        `passages` must be the list exactly as numbered in the prompt.
        """
        stats = stats or LLMStats()
        passages = list(passages)
        text = raw.strip()
        if not text:
            raise LLMFallback("the model returned an empty answer", question, raw, None)
        declined = text.lower().startswith(DECLINE_PREFIX.lower())
        if not declined:  # small models rarely type [n]: cite what each sentence rests on
            text = self.guard.align(text, passages)
        report = self.guard.run(text, passages, cited=parse_citations(text))
        warnings: list[str] = []
        if report.invalid_citations:
            text = _drop_citations(text, report.invalid_citations)
            bad = ", ".join(f"[{n}]" for n in report.invalid_citations)
            warnings.append(f"The answer cited {bad}, which is not one of the passages given.")
            report = self.guard.run(text, passages, cited=report.cited)
        # A decline legitimately cites nothing; an answer that does is not grounded.
        if report.should_fall_back and not (declined and not report.unsupported):
            log.warning("llm answer rejected by the grounding guard: %s | draft: %r",
                        report.reason, _clip(text, 300))
            raise LLMFallback(report.reason, question, text, report)
        if report.unsupported:
            log.warning("llm answer has facts not found in the cited passages: %s",
                        "; ".join(report.unsupported))
            text = self.guard.mark(text, report)
            warnings.extend(f"Not found in the cited passages: {u}" for u in report.unsupported)
        if stats.finish_reason == "length":
            warnings.append(f"The generated answer was cut off at {self.max_tokens} tokens.")
        citations = [self._citation(n, passages[n - 1], text) for n in report.cited]
        return Answer(
            text=text,
            declined=declined,
            citations=citations,
            retrieved=_sources(passages),
            warnings=warnings,
            mode="llm",
        )

    @staticmethod
    def _citation(n: int, passage: Passage, answer_text: str) -> Citation:
        return Citation(
            n=n,
            source=passage.source,
            page=passage.page,
            quote=best_quote(passage.text, claims_citing(answer_text, n)),
            doc_id=passage.doc_id,
            title=passage.title,
            scanned=passage.scanned,
        )

    def _unavailable(self, exc: BaseException, question: str) -> LLMUnavailable:
        kind, what = describe_endpoint_error(exc, self.model, self.timeout)
        message = (
            f"The language model endpoint at {self.endpoint} {what}; "
            "answering from your documents without it."
        )
        log.warning("%s (%s: %s)", message, type(exc).__name__, _clip(str(exc), 200))
        return LLMUnavailable(message, question, kind, self.endpoint)


def describe_endpoint_error(exc: BaseException, model: str, timeout: float) -> tuple[str, str]:
    """(kind, predicate) for one endpoint failure: "refused the connection", ..."""
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
        return "timeout", f"did not answer within {timeout:g} s"
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        detail = _clip(_error_detail(exc), 120)
        if status == 401:
            return "auth", "rejected the API key (HTTP 401, check OPENAI_API_KEY)"
        if status == 403:
            return "forbidden", "refused access with this API key (HTTP 403)"
        if status == 404:
            return "not_found", (
                f"has no model '{model}' or the URL is wrong "
                "(HTTP 404, check MICROPLOMACY_LLM_MODEL and OPENAI_BASE_URL)"
            )
        if status == 429:
            return "rate_limit", "is rate-limiting requests or the quota is used up (HTTP 429)"
        if status >= 500:
            return "server", f"failed with a server error (HTTP {status})"
        return "rejected", f"rejected the request (HTTP {status}{': ' + detail if detail else ''})"
    causes = list(_cause_chain(exc))
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or any(
        "refused" in str(c).lower() for c in causes
    ):
        return "refused", "refused the connection"
    if any(isinstance(c, socket.gaierror) for c in causes) or any(
        "name or service not known" in str(c).lower() or "nodename" in str(c).lower()
        for c in causes
    ):
        return "unresolved", "could not be resolved (check the host name in OPENAI_BASE_URL)"
    if any(isinstance(c, ssl.SSLError) for c in causes):
        return "tls", "failed the TLS handshake (check https/http in OPENAI_BASE_URL)"
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
        return "unreachable", "could not be reached"
    return "error", f"failed unexpectedly ({type(exc).__name__}: {_clip(str(exc), 120)})"


def _cause_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def _error_detail(exc: openai.APIStatusError) -> str:
    body: Any = exc.body
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            return str(err.get("message") or "")
        return str(err)
    return ""


def escape_passage_text(text: str) -> str:
    """Neutralise passage markers inside a passage, so its text cannot close its own block
    and pose as instructions outside it."""
    return _PASSAGE_TAG_RE.sub(lambda m: f"&lt;{m.group(1)}{m.group(2)}", text)


def _drop_citations(text: str, invalid: list[int]) -> str:
    def fix(m: re.Match[str]) -> str:
        nums = [n for n in parse_citations(m.group(0)) if n not in invalid]
        return "".join(f"[{n}]" for n in nums)

    return re.sub(r"\s+(?=[.,;:!?]|$)", "", CITATION_RE.sub(fix, text))


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;: ") + "…"


def _content_words(text: str) -> set[str]:
    return {w for w in (t.lower() for t in _TOKEN_RE.findall(text)) if w not in _STOP}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT_RE.split(text) if s and s.strip()]


def claims_citing(answer_text: str, n: int) -> str:
    """The answer sentences that cite passage n (the whole answer if none does)."""
    hits = [s for s in sentences(answer_text) if n in parse_citations(s)]
    return " ".join(hits) if hits else answer_text


def best_quote(passage_text: str, claim: str, limit: int = QUOTE_MAX_CHARS) -> str:
    """The passage sentence(s) sharing the most content words with the claim, in order."""
    sents = sentences(passage_text)
    if not sents:
        return ""
    target = _content_words(CITATION_RE.sub(" ", claim))
    scored = sorted(
        ((len(_content_words(s) & target), i) for i, s in enumerate(sents)),
        key=lambda t: (-t[0], t[1]),
    )
    best_score, best_i = scored[0]
    chosen = [best_i]
    # A second sentence only when it also backs the claim and the quote stays short.
    for score, i in scored[1:2]:
        if score > 0 and score >= best_score / 2 and (
            len(sents[best_i]) + len(sents[i]) + 1 <= limit
        ):
            chosen.append(i)
    quote = " ".join(sents[i] for i in sorted(chosen))
    return _clip(quote, limit)


def _sources(passages: Sequence[Passage]) -> list[str]:
    # Same convention as the embedded answerer: the distinct files retrieved, in rank order.
    return list(dict.fromkeys(p.source for p in passages))


def language_model(settings: Settings, **kwargs: Any) -> LLMAnswerer | None:
    """The configured model, or None: none configured, or a local model that cannot start
    (no file, no runtime, a damaged GGUF), which is logged in one line and leaves the
    embedded answerer in charge instead of failing the app."""
    if not settings.llm_enabled:
        return None
    try:
        return LLMAnswerer(settings, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the local model is optional, answers are not
        if not settings.llm_local:
            raise
        log.error("the local model is not used: %s", " ".join(str(exc).split())[:300])
        return None

