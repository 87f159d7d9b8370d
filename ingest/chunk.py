"""Structure-aware chunking: sections (articles, headings) stay whole where they fit.

A page is cut into sections at heading lines; a section longer than the embedder reads is
split further by LangChain's recursive splitter, measured in the model's own word-pieces.
Chunks never cross a page, so every chunk cites exactly one page; a section that runs over
a page break continues on the next page under its heading. Each chunk's text starts with a
one-line context header (document title and section), because an article such as
"Duration" rarely names the partners it is about, and the header is what lets a question
about "our agreement with Vila Serena" find it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest import tables
from ingest.language import detect
from ingest.models import ParsedDocument

MODEL_MAX_TOKENS = 256

_KEYWORD_HEADING = re.compile(
    r"^(?:article|art\.|section|clause|chapter|part|annex|appendix|schedule|item|artículo|"
    r"artigo|artikel|artykuł)\s+(?:[0-9]+[a-z]?|[ivxlc]+)\b.{0,100}$",
    re.IGNORECASE,
)
# An agreement's first article ("Article 1", "### Artikel  1", "Art. I - Purpose", "Article
# premier", "Artículo 1º", "第1条"): what comes before it is the title and the preamble, which
# recite motives, not terms. Agreements only: a call's "Article 1 of Regulation (EU) 2021/692"
# starts nothing. (A short preamble merged into the chunk of Article 1 is not marked, nor the
# preambles of the second and later agreements of a compilation: the mark is a weight, and
# missing it costs only what it would have gained.)
_FIRST_ARTICLE = re.compile(
    r"^[#*\s]*(?:(?:article|art\.|artículo|artigo|artikel|articolo|artykuł)\s+"
    r"(?:1(?:er|º|°|o)?|I|premier|primero)(?![\w.,]*\d)|§\s*1\b|第\s*1\s*条)", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s+\S.{0,120}$")
_NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+[A-Z][^.;:!?]{2,80}$")
_NUMBERED_LINE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,2}[.)]|[-*•])\s+")
# An item mark with no space after it, as text made from HTML has it ("1.in het Koninkrijk
# ...", "-in België: ..."): a number or a dash right before a lower-case word ("1.Januar" is
# a date). Readers count it only in a list's context.
TIGHT_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-•▪●])(?=[a-zß-öø-ÿ])")
_CAPS_HEADING = re.compile(r"^[A-Z0-9][A-Z0-9 ,&'/()\-–]{3,80}$")


def is_heading(line: str, next_line: str = "") -> bool:
    s = line.strip()
    if not s or len(s) > 120 or tables.is_row(s):
        return False  # ("3. Impact and reach 18 30", "TOTAL 65 100": a table's rows)
    if _MD_HEADING.match(s) or _KEYWORD_HEADING.match(s):
        return True
    if _CAPS_HEADING.match(s) and sum(c.isalpha() for c in s) >= 4 and len(s.split()) <= 12:
        return True
    # "3. Areas of cooperation" is a heading; "3. Culture and arts" inside a list is not:
    # a list item is followed by another list item.
    return (
        bool(_NUMBERED_HEADING.match(s))
        and len(s.split()) <= 8
        and not (_NUMBERED_LINE.match(next_line or "") or TIGHT_ITEM.match(next_line or ""))
    )


def clean_heading(line: str) -> str:
    return line.strip().lstrip("#").strip()


# Where a section too long for one chunk is cut, best first: paragraphs, then sentence ends,
# and only then PDF line breaks, which fall mid-sentence (a chunk ending "the Commission's
# contribution is" and the next starting "limited to 50 %" answers nothing about the rate).
SEPARATORS = [
    r"\n\n",
    # a sentence ends, the next one starts (not an item's number: "6. Criterion 6 10 20")
    r"(?<=[.!?])(?<!^\d\.)(?<!\n\d\.)(?<!^\d\d\.)(?<!\n\d\d\.)\s+(?=[A-ZÀ-ÖØ-Þ0-9«\"“‘(—–•-])",
    r"(?<=[。！？])\s*",  # Japanese and Chinese sentence ends
    r"\n",
    r"(?<=[;:])\s+",
    r"(?<=,)\s+",
    r"\s+",
    "",
]


@dataclass
class _Section:
    heading: str
    lines: list[str]
    continued: bool = False


class Chunker:
    """ParsedDocument -> LangChain Documents sized for the embedder, one page each."""

    def __init__(
        self,
        count_tokens: Callable[[str], int],
        max_tokens: int = MODEL_MAX_TOKENS - 6,
        overlap_tokens: int = 16,
        merge_tokens: int = 150,
    ) -> None:
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens
        self.merge_tokens = merge_tokens

    def _splitter(self, budget: int) -> RecursiveCharacterTextSplitter:
        return RecursiveCharacterTextSplitter(
            chunk_size=budget,
            chunk_overlap=min(self.overlap_tokens, budget // 4),
            length_function=self.count_tokens,
            separators=SEPARATORS,
            is_separator_regex=True,
            keep_separator="end",
        )

    def _sections(self, doc: ParsedDocument) -> list[tuple[int, _Section]]:
        out: list[tuple[int, _Section]] = []
        current_heading = ""
        for page in doc.pages:
            if not page.text.strip():
                continue
            lines = page.text.split("\n")
            section = _Section(current_heading, [], continued=bool(current_heading))
            for i, line in enumerate(lines):
                nxt = next((x for x in lines[i + 1 :] if x.strip()), "")
                if is_heading(line, nxt):
                    if any(x.strip() for x in section.lines):
                        out.append((page.number, section))
                    current_heading = clean_heading(line)
                    section = _Section(current_heading, [line.strip()])
                else:
                    section.lines.append(line)
            if any(x.strip() for x in section.lines):
                out.append((page.number, section))
        return self._merge_small(out)

    def _merge_small(self, sections: list[tuple[int, _Section]]) -> list[tuple[int, _Section]]:
        """Join neighbouring short sections of one page up to ``merge_tokens``.

        A heading-only line ("ARTICLE IV") always joins what follows it. Short articles are
        packed together (each keeps its heading line in the text): one chunk per two-line
        article would spend a fifth of the embedder's time on repeated context headers and
        dilute nothing a question needs.
        """
        merged: list[tuple[int, _Section, int]] = []
        for page, sec in sections:
            size = self.count_tokens("\n".join(sec.lines))
            if merged:
                prev_page, prev, prev_size = merged[-1]
                heading_only = len([x for x in prev.lines if x.strip()]) <= 1
                if prev_page == page and (heading_only or prev_size + size <= self.merge_tokens):
                    heading = prev.heading if not heading_only else (sec.heading or prev.heading)
                    if not heading_only and sec.heading and sec.heading != prev.heading:
                        heading = f"{prev.heading}; {sec.heading}" if prev.heading else sec.heading
                    merged[-1] = (page, _Section(heading, prev.lines + sec.lines,
                                                 prev.continued), prev_size + size)
                    continue
            merged.append((page, sec, size))
        return [(page, sec) for page, sec, _ in merged]

    def _headings_joined(self, pieces: list[str], budget: int) -> list[str]:
        """A split section's pieces without a piece that is only its headings ("### Artikel
        2" before a paragraph too long to share a chunk with it): such a chunk says nothing
        on its own, yet the search ranks it for the words of the heading. The headings join
        the next piece, which is cut again to leave them room when it must be."""
        out: list[str] = []
        heading = ""
        for piece in pieces:
            lines = [x for x in piece.split("\n") if x.strip()]
            if lines and all(is_heading(x, nxt) for x, nxt in zip(lines, [*lines[1:], ""],
                                                                    strict=True)):
                heading = f"{heading}\n{piece}".strip()
                continue
            if heading:
                room = budget - self.count_tokens(heading) - 2
                if self.count_tokens(f"{heading}\n\n{piece}") <= budget:
                    piece = f"{heading}\n\n{piece}"
                elif room >= budget // 4:
                    first, *rest = [p.strip() for p in self._splitter(room).split_text(piece)
                                    if p.strip()]
                    out.append(f"{heading}\n\n{first}")
                    out.extend(rest[:-1])
                    piece = rest[-1] if rest else ""
                else:
                    out.append(heading)  # headings too long to share a chunk: their own
                heading = ""
            if piece:
                out.append(piece)
        return out + ([heading] if heading else [])

    @staticmethod
    def _tables_carried(body: str, pieces: list[str]) -> list[str]:
        """A piece cut from inside a table gets the table's column names (and caption) again,
        right above its first row, as a printed table repeats them on each page: its rows
        are read with them, not as bare figures. (Read on the whole section, whose blank
        lines say where each table ends: the pieces lose them at their edges.)"""
        heads = tables.heads_of_rows(body)
        out: list[str] = []
        for k, piece in enumerate(pieces):
            lines = piece.split("\n")
            if k and heads and tables.starts_in_table(piece):
                first = next(i for i, x in enumerate(lines) if tables.is_row(x))
                block = heads.get(lines[first].strip(), "")
                if block and (not first or lines[first - 1].strip() != block.split("\n")[-1]):
                    lines[first:first] = block.split("\n")
            out.append("\n".join(lines))
        return out

    def run(self, doc: ParsedDocument, doc_id: str, title: str,
            metadata: dict[str, Any] | None = None) -> list[Document]:
        base = {k: v for k, v in (metadata or {}).items() if v not in (None, [], "")}
        chunks: list[Document] = []
        splitters: dict[int, RecursiveCharacterTextSplitter] = {}
        by_number = {p.number: p for p in doc.pages}
        sections = self._sections(doc)
        first_article = next((i for i, (_, sec) in enumerate(sections)
                              if any(_FIRST_ARTICLE.match(x) for x in sec.lines)), 0) \
            if base.get("doc_type") == "mou" else 0
        for n, (page, sec) in enumerate(sections):
            body = re.sub(r"\n{3,}", "\n\n", "\n".join(sec.lines)).strip()
            section = sec.heading + (" (continued)" if sec.continued and sec.heading else "")
            short_title = " ".join(title.split()[:14])
            header = f"{short_title} | {section}" if section else short_title
            header = header[:200]
            budget = self.max_tokens - self.count_tokens(header) - 1
            if self.count_tokens(body) <= budget:
                pieces = [body]
            else:
                splitter = splitters.setdefault(budget, self._splitter(budget))
                pieces = self._headings_joined(
                    [p.strip() for p in splitter.split_text(body) if p.strip()], budget)
                pieces = self._tables_carried(body, pieces)
            scanned = by_number[page].ocr_confidence is not None if page in by_number else False
            for piece in pieces:
                idx = len(chunks)
                # a bilingual page holds both languages: each chunk says which it is in
                language = detect(piece) or (by_number[page].language if page in by_number
                                             else "")
                chunks.append(
                    Document(
                        page_content=f"{header}\n{piece}",
                        id=f"{doc_id}-{idx:05d}",
                        metadata={
                            **base,
                            "doc_id": doc_id,
                            "source": doc.source,
                            "title": title,
                            "page": page,
                            "section": sec.heading,
                            "chunk_index": idx,
                            "header_chars": len(header) + 1,
                            **({"language": language} if language else {}),
                            **({"ocr": True} if scanned else {}),
                            **({"preamble": True} if n < first_article else {}),
                        },
                    )
                )
        return chunks


def chunk_body(chunk_text: str, header_chars: int) -> str:
    """The passage without its context header: what a citation quotes."""
    return chunk_text[header_chars:]
