"""The browser app. For now the library and a passage search; the full officer's app
(ask, agreements, funding, letters) builds on this shell."""

from __future__ import annotations

import logging

import gradio as gr

from assistant.library import Library

log = logging.getLogger(__name__)

DOC_COLUMNS = ["Document", "Type", "Title", "Pages", "Passages"]


def _doc_rows(lib: Library) -> list[list[object]]:
    return [[r.source, r.doc_type, r.title, r.pages, r.chunks] for r in lib.documents()]


def _search(lib: Library, query: str) -> str:
    query = (query or "").strip()
    if not query:
        return "Type what you are looking for, e.g. *school exchanges with our twin town*."
    if lib.is_empty():
        return "Your library is empty: add documents with `microplomacy ingest PATH`."
    live = sorted(lib.registry.ids())
    res = lib.store.chunks.query(
        query_embeddings=lib.embedder.embed([query]), n_results=5,
        where={"doc_id": {"$in": live}}, include=["documents", "metadatas"],
    )
    out = []
    for text, meta in zip(res["documents"][0], res["metadatas"][0], strict=True):
        body = text[int(meta.get("header_chars", 0)):].strip().replace("\n", " ")
        out.append(f"**{meta['title']}** ({meta['source']}, page {meta['page']})\n\n> {body[:400]}")
    return "\n\n---\n\n".join(out)


def build_app(lib: Library) -> gr.Blocks:
    with gr.Blocks(title="Microplomacy") as app:
        gr.Markdown("# Microplomacy\nYour agreements, funding calls and policy reports.")
        with gr.Tab("Search"):
            query = gr.Textbox(label="Search your documents", placeholder="school exchanges")
            results = gr.Markdown()
            query.submit(lambda q: _search(lib, q), query, results)
        with gr.Tab("Library"):
            table = gr.Dataframe(headers=DOC_COLUMNS, value=lambda: _doc_rows(lib),
                                 interactive=False)
            gr.Button("Refresh").click(lambda: _doc_rows(lib), None, table)
    return app


def launch(lib: Library, host: str = "127.0.0.1", port: int = 7860) -> None:
    build_app(lib).queue().launch(server_name=host, server_port=port, share=False,
                                  show_error=False)
