"""The browser app: a thin shell over the library, the assistant and the register.

Each tab calls the same functions the CLI calls; nothing here decides anything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import gradio as gr

from assistant.ask import Assistant, Conversation
from assistant.library import Library
from assistant.register import AgreementsRegister
from assistant.retrieve import Filters
from assistant.types import Answer

log = logging.getLogger(__name__)

DOC_COLUMNS = ["Document", "Type", "Title", "Pages", "Passages"]
AGREEMENT_COLUMNS = ["Status", "Ends", "Kind", "Partners", "Countries", "Areas", "Document"]
TYPE_CHOICES = [("All documents", ""), ("Agreements", "mou"), ("Grant calls", "grant_call"),
                ("Policy reports", "policy_report")]


def _doc_rows(lib: Library) -> list[list[object]]:
    return [[r.source, r.doc_type, r.title, r.pages, r.chunks] for r in lib.documents()]


def _agreement_rows(lib: Library) -> list[list[object]]:
    return [[r.status, r.expiry_date or "", r.kind or "", " / ".join(r.partners),
             ", ".join(r.countries), ", ".join(r.areas), r.source]
            for r in AgreementsRegister(lib).rows()]


def format_answer(answer: Answer) -> str:
    """The answer, then its sources: document, page and the quoted passage."""
    lines = [answer.text]
    if answer.citations:
        lines.append("\n**Sources**")
        for c in answer.citations:
            page = f", page {c.page}" if c.page else ""
            lines.append(f"- [{c.n}] *{c.title or c.source}* ({c.source}{page}): "
                         f"“{c.quote[:300]}”")
    lines.extend(f"\n_Note: {w}_" for w in answer.warnings)
    return "\n".join(lines)


def chat_reply(assistant: Assistant, message: str, doc_type: str,
               conversation: Conversation) -> Iterator[str]:
    """Stream the answer as it is written, then show it with its sources."""
    if assistant.library.is_empty():
        yield ("Your library is empty. Add your agreements, calls and reports with "
               "`microplomacy ingest PATH`, then ask again.")
        return
    filters = Filters(doc_types=[doc_type]) if doc_type else None
    text = ""
    try:
        for event in assistant.stream(message, filters=filters, conversation=conversation):
            if isinstance(event, Answer):
                yield format_answer(event)
            else:
                text += event
                yield text
    except Exception:  # one clear sentence on the page, the details in the log
        log.exception("answering failed")
        yield "Something went wrong while answering; the details are in the log."


def build_app(lib: Library) -> gr.Blocks:
    assistant = Assistant.from_library(lib)
    with gr.Blocks(title="Microplomacy") as app:
        gr.Markdown("# Microplomacy\nYour agreements, funding calls and policy reports, "
                    "answered with the page they come from.")
        conversation = gr.State(lambda: Conversation())  # one conversation per browser session
        def reply(message: str, _history: list, doc_type: str,
                  convo: Conversation) -> Iterator[str]:
            # A generator function, so that Gradio streams it.
            yield from chat_reply(assistant, message, doc_type, convo)

        with gr.Tab("Ask"):
            doc_type = gr.Dropdown(TYPE_CHOICES, value="", label="Search in")
            gr.ChatInterface(
                fn=reply,
                additional_inputs=[doc_type, conversation],
                examples=[["When does our agreement with Vila Serena expire?", "", None],
                          ["Which grant calls close this year?", "", None]],
                run_examples_on_click=False,
                api_name="ask",
            )
        with gr.Tab("Agreements"):
            agreements = gr.Dataframe(headers=AGREEMENT_COLUMNS,
                                      value=lambda: _agreement_rows(lib), interactive=False)
            gr.Button("Refresh").click(lambda: _agreement_rows(lib), None, agreements)
        with gr.Tab("Library"):
            table = gr.Dataframe(headers=DOC_COLUMNS, value=lambda: _doc_rows(lib),
                                 interactive=False)
            gr.Button("Refresh").click(lambda: _doc_rows(lib), None, table)
    return app


def launch(lib: Library, host: str = "127.0.0.1", port: int = 7860) -> None:
    build_app(lib).queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, share=False, show_error=False)
