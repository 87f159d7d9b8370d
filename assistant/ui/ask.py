"""The Ask tab: a question answered from the library, streamed, with its sources.

With a language model the embedded answer shows at once and the written one streams beneath
it. Stop must leave on screen an answer the officer can rely on, not half a written
sentence: `keep_draft` cuts the message back to the embedded answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import gradio as gr

from assistant.ask import Assistant
from assistant.conversation import Conversation, Draft
from assistant.library import Library
from assistant.retrieve import Filters
from assistant.types import Answer, Citation
from assistant.ui.common import TYPE_CHOICES, doc_link

log = logging.getLogger(__name__)

NOT_IN_DOCUMENTS = "Not in your documents"
# Under the embedded answer while a language model writes; Stop cuts the message here.
WRITING = "✍️ *Writing a fuller answer with the language model… (Stop keeps the one above)*"
STOPPED = ("_Stopped: the answer above is built from your documents' own sentences; no "
           "written answer was kept._")
EMPTY_LIBRARY = ("Your library is empty. Open the **Library** tab and add your agreements, "
                 "grant calls and reports (PDF, Word, text or Markdown), then ask again.")


def ask_filters(doc_type: str | None, partner: str | None) -> Filters | None:
    filters = Filters(doc_types=[doc_type] if doc_type else [],
                      partners=[partner] if partner else [])
    return None if filters.is_empty() else filters


def format_citation(c: Citation) -> str:
    link = (f" · [Open{' at page ' + str(c.page) if c.page else ''}]"
            f"({doc_link(c.doc_id, c.page)})") if c.doc_id else ""
    quote = " ".join(c.quote.split())[:300]
    return f"**[{c.n}]** *{c.title or c.source}* ({c.where()}){link}\n> “{quote}”"


def format_answer(answer: Answer) -> str:
    """The answer, then its sources (document, page, quoted passage, link to the page).

    A declined answer is headed so that nobody mistakes the closest passage for an answer.
    """
    lines: list[str] = []
    if answer.declined:
        lines.append(f"**{NOT_IN_DOCUMENTS}.**\n")
    lines.append(answer.text)
    if answer.citations:
        lines.append("\n**Closest passage**" if answer.declined else "\n**Sources**")
        lines.extend(format_citation(c) for c in answer.citations)
    lines.extend(f"\n_Note: {w}_" for w in answer.warnings)
    return "\n\n".join(lines)


def chat_reply(assistant: Assistant, message: str, doc_type: str,
               conversation: Conversation, partner: str = "") -> Iterator[str]:
    """The answer as it takes shape: with a language model, the embedded answer at once and
    the written one streaming beneath it under WRITING, then the final answer with its
    sources in place of both."""
    if not (message or "").strip():
        yield "Type a question about your agreements, grant calls or reports."
        return
    try:
        if assistant.library.is_empty():
            yield EMPTY_LIBRARY
            return
        head, text = "", ""
        for event in assistant.stream(message, filters=ask_filters(doc_type, partner),
                                      conversation=conversation):
            if isinstance(event, Answer):
                yield format_answer(event)
            elif isinstance(event, Draft):
                head = f"{format_answer(event.answer)}\n\n---\n{WRITING}\n\n"
                yield head
            else:
                text += event
                yield head + text
    except Exception:  # one clear sentence on the page, the details in the log
        log.exception("answering failed")
        yield "Something went wrong while answering; the details are in the log."


def _message_text(content: Any) -> str | None:
    """A chat message's text, whether Gradio hands it over as a string or as parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list | tuple) and content and all(
            isinstance(c, dict) and c.get("type") == "text" for c in content):
        return "".join(c.get("text", "") for c in content)
    return None


def keep_draft(history: list[Any]) -> list[Any]:
    """After Stop: the last answer goes back to the embedded one, without the half-written
    text under it (what stays on screen must be an answer the officer can rely on)."""
    if not history:
        return history
    last = history[-1]
    content = last.get("content") if isinstance(last, dict) else getattr(last, "content", None)
    text = _message_text(content)
    if text is None or WRITING not in text:
        return history
    kept = text[:text.index(WRITING)].rstrip().removesuffix("---").rstrip()
    kept = f"{kept}\n\n{STOPPED}"
    if isinstance(last, dict):
        return [*history[:-1], {**last, "content": kept}]
    return [*history[:-1], replace(last, content=kept)]


def partner_choices(lib: Library) -> list[tuple[str, str]]:
    partners = sorted({p for r in lib.documents() for p in r.partners}, key=str.lower)
    return [("All partners", ""), *[(p, p) for p in partners]]


def _ask_tab(lib: Library, assistant: Assistant) -> gr.Dropdown:
    conversation = gr.State(lambda: Conversation())  # a factory: one per browser session

    def reply(message: str, _history: list, doc_type: str, partner: str,
              convo: Conversation) -> Iterator[str]:
        yield from chat_reply(assistant, message, doc_type, convo, partner)  # streams

    gr.Markdown("Ask about your agreements, grant calls and reports. Every answer cites "
                "the document and page; click **Open** to see the page.")
    with gr.Row():
        doc_type = gr.Dropdown(TYPE_CHOICES, value="", label="Search in", min_width=160,
                               elem_id="mp-type-filter")
        partner = gr.Dropdown(partner_choices(lib), value="", label="Partner",
                              min_width=160)
    chat = gr.ChatInterface(
        fn=reply,
        additional_inputs=[doc_type, partner, conversation],
        api_name="ask",
        analytics_enabled=False,
        chatbot=gr.Chatbot(height=520, label="Answers", elem_id="mp-chat",
                           placeholder="Ask a question; answers come from your documents "
                                       "only, with the page they come from."),
        textbox=gr.Textbox(placeholder="e.g. When does our agreement with Vila Serena "
                                       "expire?", submit_btn="Ask", stop_btn="Stop",
                           elem_id="mp-question"),
    )
    gr.Examples(["When does our agreement with Vila Serena expire?",
                 "Which grant calls close this year?",
                 "Which of our agreements covers youth exchanges?"],
                inputs=chat.textbox, label="Try")
    # A cleared chat starts a new conversation: follow-ups must not reach back past it.
    chat.chatbot.clear(lambda: Conversation(), None, conversation)
    # Stop cancels the model's writing (Gradio's own handler); this one leaves the embedded
    # answer on screen instead of half a sentence. The question box is left to Gradio: the
    # cancelled chain still ends by emptying and enabling it, so enabling it here would let
    # the officer type a question that the late emptying then wipes.
    def on_stop(history: list[Any], convo: Conversation) -> list[Any]:
        convo.stop()  # the request itself, not only what the page shows
        return keep_draft(history)

    chat.textbox.stop(on_stop, [chat.chatbot, conversation], [chat.chatbot],
                      queue=False, api_visibility="undocumented")
    return partner
