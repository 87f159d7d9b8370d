"""Build the Microplomacy sample corpus from its Markdown sources.

Every ``corpus/src/<name>.md`` becomes one deliverable file in ``corpus/docs/``:

* ``<name>.md``      -> ``<name>.pdf``  (fpdf2, core fonts, running header and footer)
* ``<name>.docx.md`` -> ``<name>.docx`` (python-docx, real headings and page breaks)
* ``<name>.txt.md``  -> ``<name>.txt``  (plain text, form feed at page breaks)

The Markdown dialect is deliberately small: ``#``/``##``/``###`` headings, paragraphs,
``- `` bullets, ``1. `` numbered items, ``> `` notes, pipe tables, ``**bold**`` inline,
a line ``<!-- pagebreak -->`` for a page break and, at the top of the file, metadata
comments such as ``<!-- short-title: Alderbrook - Vila Serena Agreement -->``.

Output is deterministic (fixed dates, fixed zip timestamps) so that re-running the
build produces byte-identical files.
"""

from __future__ import annotations

import argparse
import io
import logging
import re
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from docx import Document as new_docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from fpdf import FPDF
from fpdf.enums import XPos, YPos

LOG = logging.getLogger("corpus.build")

HERE = Path(__file__).resolve().parent
DEFAULT_SRC = HERE / "src"
DEFAULT_OUT = HERE / "docs"

FIXED_DATE = datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC)
ZIP_DATE = (2026, 11, 1, 9, 0, 0)
AUTHOR = "Microplomacy sample corpus"
FOOTER_NOTE = "Illustrative - fictional | Microplomacy sample corpus"
PAGEBREAK = "<!-- pagebreak -->"
META_RE = re.compile(r"^<!--\s*([a-z_-]+)\s*:\s*(.*?)\s*-->$")
NUMBERED_RE = re.compile(r"^(\d+[.)])\s+(.*)$")
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")


# --------------------------------------------------------------------------- parsing


@dataclass
class Block:
    """One block of a source document."""

    kind: str  # heading | para | bullet | numbered | note | table | pagebreak
    text: str = ""
    level: int = 0  # heading level (1-3)
    marker: str = ""  # "1." etc. for numbered items
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Source:
    """A parsed source file."""

    path: Path
    meta: dict[str, str]
    blocks: list[Block]

    @property
    def title(self) -> str:
        for block in self.blocks:
            if block.kind == "heading" and block.level == 1:
                return strip_inline(block.text)
        return self.path.name

    @property
    def short_title(self) -> str:
        return self.meta.get("short-title", self.title)


def strip_inline(text: str) -> str:
    """Remove inline Markdown (bold markers) from a line."""
    return BOLD_RE.sub(r"\1", text)


def split_row(line: str) -> list[str]:
    cells = line.strip().strip("|").split("|")
    return [c.strip() for c in cells]


def parse(path: Path) -> Source:
    """Parse a source file into blocks."""
    lines = path.read_text(encoding="utf-8").splitlines()
    meta: dict[str, str] = {}
    blocks: list[Block] = []
    para: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", " ".join(s.strip() for s in para)))
            para.clear()
        if table:
            blocks.append(Block("table", rows=[r[:] for r in table]))
            table.clear()

    in_header = True
    prev_blank = False
    for raw in lines:
        line = raw.rstrip()
        match = META_RE.match(line.strip())
        if in_header and match and line.strip() != PAGEBREAK:
            meta[match.group(1)] = match.group(2)
            continue
        if line.strip():
            in_header = False
        stripped = line.strip()
        continuation = not prev_blank and not para
        prev_blank = not stripped
        if not stripped:
            flush()
        elif stripped == PAGEBREAK:
            flush()
            blocks.append(Block("pagebreak"))
        elif stripped.startswith("|"):
            if para:
                flush()
            if not re.fullmatch(r"\|[\s:|-]+\|?", stripped):
                table.append(split_row(stripped))
        elif stripped.startswith("#"):
            flush()
            hashes, _, text = stripped.partition(" ")
            blocks.append(Block("heading", text.strip(), level=len(hashes)))
        elif stripped.startswith("- "):
            flush()
            blocks.append(Block("bullet", stripped[2:].strip()))
        elif NUMBERED_RE.match(stripped):
            flush()
            num = NUMBERED_RE.match(stripped)
            assert num is not None
            blocks.append(Block("numbered", num.group(2), marker=num.group(1)))
        elif stripped.startswith(">"):
            flush()
            blocks.append(Block("note", stripped.lstrip("> ").strip()))
        elif continuation and blocks and blocks[-1].kind in ("bullet", "numbered", "note"):
            # continuation line of a list item or note
            blocks[-1].text += " " + stripped
        else:
            if table:
                flush()
            para.append(stripped)
    flush()
    return Source(path, meta, blocks)


def check_charset(source: Source) -> None:
    """Fail early on characters the PDF core fonts cannot encode."""
    for block in source.blocks:
        texts = [block.text] + [c for row in block.rows for c in row]
        for text in texts:
            try:
                text.encode("cp1252")
            except UnicodeEncodeError as exc:
                bad = text[exc.start : exc.end]
                raise SystemExit(f"{source.path.name}: character {bad!r} not in cp1252") from exc


# --------------------------------------------------------------------------- PDF


class CorpusPDF(FPDF):
    """A4 document with the running header and footer of the sample corpus."""

    def __init__(self, short_title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.short_title = short_title
        self.core_fonts_encoding = "windows-1252"
        self.set_margins(22, 24, 22)
        self.set_auto_page_break(auto=True, margin=22)

    def header(self) -> None:
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.set_y(11)
        self.cell(0, 5, self.short_title, align="L")
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, 17, self.w - self.r_margin, 17)
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-16)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y() - 1, self.w - self.r_margin, self.get_y() - 1)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, FOOTER_NOTE, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def pdf_escape(text: str) -> str:
    """Keep ``**bold**`` but neutralise fpdf2's other markdown markers."""
    text = text.replace("\\", "\\\\")
    for marker in ("__", "~~", "--"):
        text = text.replace(marker, "\\" + marker)
    return text


BODY_SIZE = 10
LINE_H = 5.0


def render_pdf(source: Source, out: Path) -> None:
    pdf = CorpusPDF(source.short_title)
    pdf.set_title(source.title)
    pdf.set_author(AUTHOR)
    pdf.set_creator("corpus/build.py (Microplomacy)")
    pdf.set_subject("Illustrative document - all names are fictional")
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    fresh_page = True
    pending_caption = False

    for i, block in enumerate(source.blocks):
        if block.kind == "pagebreak":
            if not fresh_page:
                pdf.add_page()
                fresh_page = True
            continue
        fresh_page = False
        if block.kind == "heading":
            size = {1: 16, 2: 12.5, 3: 11}.get(block.level, 11)
            # keep a heading with at least a few lines of what follows
            if pdf.get_y() + 25 > pdf.page_break_trigger:
                pdf.add_page()
            pdf.ln(3 if block.level > 1 else 0)
            pdf.set_font("Helvetica", "B", size)
            pdf.multi_cell(
                width,
                size * 0.5,
                strip_inline(block.text),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.ln(2)
            continue
        pdf.set_font("Helvetica", "", BODY_SIZE)
        if block.kind == "para":
            nxt = source.blocks[i + 1] if i + 1 < len(source.blocks) else None
            is_caption = (
                nxt is not None
                and nxt.kind == "table"
                and block.text.startswith("**")
                and block.text.endswith("**")
            )
            if is_caption:
                assert nxt is not None
                needed = LINE_H * 2 + 7 * len(nxt.rows)
                if pdf.get_y() + needed > pdf.page_break_trigger:
                    pdf.add_page()
                pending_caption = True
            pdf.multi_cell(
                width,
                LINE_H,
                pdf_escape(block.text),
                markdown=True,
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.ln(1 if pending_caption else 2.5)
        elif block.kind in ("bullet", "numbered"):
            marker = "-" if block.kind == "bullet" else block.marker
            indent = 5 if block.kind == "bullet" else 8
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(indent, LINE_H, marker)
            pdf.multi_cell(
                width - indent - 2,
                LINE_H,
                pdf_escape(block.text),
                markdown=True,
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            nxt = source.blocks[i + 1] if i + 1 < len(source.blocks) else None
            pdf.ln(1 if nxt is not None and nxt.kind == block.kind else 2.5)
        elif block.kind == "note":
            pdf.set_font("Helvetica", "I", 9)
            pdf.set_fill_color(240, 240, 240)
            pdf.multi_cell(
                width,
                4.8,
                pdf_escape(block.text),
                markdown=True,
                fill=True,
                border=0,
                padding=2,
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.ln(3)
        elif block.kind == "table":
            if not pending_caption and pdf.get_y() + 7 * len(block.rows) > pdf.page_break_trigger:
                pdf.add_page()
            pending_caption = False
            pdf.set_font("Helvetica", "", 9.5)
            ncols = max(len(r) for r in block.rows)
            col_widths = tuple(
                max(
                    pdf.get_string_width(strip_inline(r[c])) if c < len(r) else 0.0
                    for r in block.rows
                )
                + 6
                for c in range(ncols)
            )
            with pdf.table(
                text_align="LEFT",
                line_height=5.5,
                first_row_as_headings=True,
                width=min(width, sum(col_widths) + 4),
                col_widths=col_widths,
                align="LEFT",
            ) as table:
                for row in block.rows:
                    cells = table.row()
                    for cell in row:
                        cells.cell(strip_inline(cell))
            pdf.ln(3)
    data = bytes(pdf.output())
    out.write_bytes(data)


# --------------------------------------------------------------------------- DOCX


def add_runs(par: DocxParagraph, text: str) -> None:
    """Add text to a python-docx paragraph, honouring ``**bold**``."""
    pos = 0
    for match in BOLD_RE.finditer(text):
        if match.start() > pos:
            par.add_run(text[pos : match.start()])
        par.add_run(match.group(1)).bold = True
        pos = match.end()
    if pos < len(text):
        par.add_run(text[pos:])


def add_field(par: DocxParagraph, instr: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    txt = OxmlElement("w:t")
    txt.text = "1"
    run.append(txt)
    fld.append(run)
    par._p.append(fld)


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip (docx) with fixed timestamps and sorted-stable entries."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            dst.writestr(new, src.read(info.filename))
    return buf.getvalue()


def render_docx(source: Source, out: Path) -> None:
    doc = new_docx()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = source.short_title
    foot = section.footer.paragraphs[0]
    foot.add_run(FOOTER_NOTE + "    Page ")
    add_field(foot, "PAGE")
    foot.add_run(" of ")
    add_field(foot, "NUMPAGES")

    for block in source.blocks:
        if block.kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif block.kind == "heading":
            doc.add_heading(strip_inline(block.text), level=min(block.level, 3))
        elif block.kind == "para":
            add_runs(doc.add_paragraph(), block.text)
        elif block.kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), block.text)
        elif block.kind == "numbered":
            add_runs(doc.add_paragraph(), f"{block.marker} {block.text}")
        elif block.kind == "note":
            par = doc.add_paragraph()
            run = par.add_run(strip_inline(block.text))
            run.italic = True
        elif block.kind == "table":
            ncols = max(len(r) for r in block.rows)
            table = doc.add_table(rows=0, cols=ncols)
            table.style = "Table Grid"
            for r_idx, row in enumerate(block.rows):
                cells = table.add_row().cells
                for c_idx, text in enumerate(row):
                    cells[c_idx].text = ""
                    run = cells[c_idx].paragraphs[0].add_run(strip_inline(text))
                    run.bold = r_idx == 0

    props = doc.core_properties
    props.title = source.title
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.subject = "Illustrative document - all names are fictional"
    props.comments = "Illustrative document written for the Microplomacy sample corpus."
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_printed = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    out.write_bytes(deterministic_zip(buf.getvalue()))


# --------------------------------------------------------------------------- TXT


def wrap(text: str, indent: str = "", first: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        width=78,
        initial_indent=first or indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def render_txt_item(block: Block, text: str) -> str:
    first = "  - " if block.kind == "bullet" else f"  {block.marker} "
    return "\n".join(wrap(text, indent=" " * len(first), first=first))


def render_txt(source: Source, out: Path) -> None:
    chunks: list[str] = []
    prev_kind = ""
    for block in source.blocks:
        text = strip_inline(block.text)
        if block.kind in ("bullet", "numbered") and prev_kind == block.kind:
            chunks[-1] += "\n" + render_txt_item(block, text)
        elif block.kind == "pagebreak":
            chunks.append("\f")
        elif block.kind in ("heading", "para", "note"):
            chunks.append("\n".join(wrap(text)))
        elif block.kind in ("bullet", "numbered"):
            chunks.append(render_txt_item(block, text))
        elif block.kind == "table":
            rows = [[strip_inline(c) for c in r] for r in block.rows]
            widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(len(rows[0]))]
            chunks.append(
                "\n".join(
                    "  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows
                )
            )
        prev_kind = block.kind
    body = ""
    for chunk in chunks:
        if chunk == "\f":
            body = body.rstrip("\n") + "\n\f"
        else:
            body += ("\n" if body and not body.endswith("\f") else "") + chunk + "\n"
    out.write_text(body, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- driver


def target_for(src: Path, out_dir: Path) -> Path:
    name = src.name
    if name.endswith(".docx.md"):
        return out_dir / (name[: -len(".docx.md")] + ".docx")
    if name.endswith(".txt.md"):
        return out_dir / (name[: -len(".txt.md")] + ".txt")
    return out_dir / (name[: -len(".md")] + ".pdf")


def sources(src_dir: Path) -> Iterator[Path]:
    yield from sorted(src_dir.glob("*.md"))


def build_one(src: Path, out_dir: Path) -> Path:
    source = parse(src)
    check_charset(source)
    out = target_for(src, out_dir)
    if out.suffix == ".docx":
        render_docx(source, out)
    elif out.suffix == ".txt":
        render_txt(source, out)
    else:
        render_pdf(source, out)
    return out


def check(src_dir: Path, out_dir: Path) -> int:
    stale = 0
    for src in sources(src_dir):
        out = target_for(src, out_dir)
        if not out.exists():
            LOG.error("missing: %s (from %s)", out.name, src.name)
            stale += 1
        elif out.stat().st_mtime < src.stat().st_mtime:
            LOG.error("out of date: %s (older than %s)", out.name, src.name)
            stale += 1
    expected = {target_for(src, out_dir).name for src in sources(src_dir)}
    if out_dir.is_dir():
        for extra in sorted(p.name for p in out_dir.iterdir() if p.name not in expected):
            LOG.warning("no source for built file: %s", extra)
    if stale:
        LOG.error("%d built file(s) missing or stale; run corpus/build.py", stale)
        return 1
    LOG.info("all built files are present and up to date")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the Microplomacy sample corpus (corpus/src/*.md -> corpus/docs/)."
    )
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC, help="source directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not build; exit 1 if any built file is missing or older than its source",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(message)s",
    )
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    if args.check:
        return check(args.src, args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    count = 0
    for src in sources(args.src):
        out = build_one(src, args.out)
        LOG.info("built %s", out.name)
        count += 1
    LOG.info("%d document(s) built into %s", count, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
