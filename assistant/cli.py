"""`microplomacy`: a plain command line over the library (scripts and evals depend on it).

The evaluations live in the source checkout (`make eval`), never in the installed package."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.config import Settings

app = typer.Typer(
    help="Microplomacy: your agreements, funding calls and policy reports, searchable and cited.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = logging.getLogger("microplomacy")

TypeOpt = Annotated[
    str | None,
    typer.Option("--type", "-t", help="Document type: mou, grant_call, policy_report or other."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")]


def _setup_logging(verbose: int, settings: Settings) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    try:
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(settings.log_dir / "microplomacy.log")
        file_handler.setLevel(logging.INFO)
        handlers.append(file_handler)
    except OSError:
        pass  # a read-only data directory must not stop a read-only command
    handlers[0].setLevel(level)
    logging.basicConfig(level=min(level, logging.INFO), handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("chromadb", "httpx", "urllib3", "posthog", "opentelemetry"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _library(check_embedder: bool = True):  # noqa: ANN202 - imported late: `--help` stays instant
    from assistant.library import Library
    from ingest.embedders import ModelMissingError, UnknownEmbedderError
    from ingest.store import EmbedderMismatchError, StoreUnavailableError

    settings = Settings.from_env()
    if settings.llm_local and not settings.local_model_file.is_file():
        _fail(f"MICROPLOMACY_LLM=local but there is no model at {settings.local_model_file}: "
              "run `make setup-llm`", code=2)
    try:
        return Library(settings, check_embedder=check_embedder)
    except (StoreUnavailableError, ModelMissingError, UnknownEmbedderError,
            EmbedderMismatchError) as exc:
        _fail(str(exc), code=2)


def _progress_bar(unit: str, quiet: bool):  # noqa: ANN202 - (tqdm bar, progress callback)
    """A progress bar on stderr (only on a terminal) and the callback that moves it."""
    from tqdm import tqdm

    bar = tqdm(unit=unit, disable=quiet or not sys.stderr.isatty(), file=sys.stderr)

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(name[:40])
        bar.refresh()

    return bar, progress


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))


@app.callback()
def main(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True,
                                         help="More log output (-v info, -vv debug).")] = 0,
) -> None:
    _setup_logging(verbose, Settings.from_env())


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    doc_type: TypeOpt = None,
    as_json: JsonOpt = False,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if the library has documents.")
    ] = False,
) -> None:
    """Add documents (PDF, DOCX, TXT, MD) to the library. Re-running is safe."""
    from ingest.models import DOC_TYPES

    if doc_type and doc_type not in DOC_TYPES:
        _fail(f"unknown type {doc_type!r}: use one of {', '.join(DOC_TYPES)}", code=2)
    lib = _library()
    if if_empty and not lib.is_empty():
        if as_json:
            _print_json({"ingested": [], "unchanged": [], "failed": [], "skipped": True})
        else:
            typer.echo("library already has documents: nothing ingested")
        return
    bar, progress = _progress_bar("file", quiet=as_json)
    report = lib.ingest(paths, doc_type=doc_type, progress=progress)
    bar.close()
    if as_json:
        _print_json(report.to_json())
    else:
        _print_ingested(report)
        for name in report.unchanged:
            typer.echo(f"unchanged {name}")
        for row in report.replaced:
            typer.echo(f"replaced  older version of {row['source']}")
        for row in report.warnings:
            typer.echo(f"warning   {row['source']}: {row['warning']}")
        for row in report.failed:
            typer.echo(f"FAILED    {row['source']}: {row['error']}")
        typer.echo(f"{len(report.ingested)} ingested, {len(report.unchanged)} unchanged, "
                   f"{len(report.failed)} failed"
                   + (f" ({len(report.reextracted)} read again by the newer extractor)"
                      if report.reextracted else ""))
    if not report.ok:
        raise typer.Exit(1)


def _print_ingested(report) -> None:  # noqa: ANN001 - ingest.pipeline.IngestReport
    again = set(report.reextracted)
    for row in report.ingested:
        verb = "re-read  " if row["source"] in again else "ingested "
        typer.echo(f"{verb} {row['source']}  ({row['type']}, {row['pages']} pages, "
                   f"{row['chunks']} chunks)")


@app.command()
def docs(doc_type: TypeOpt = None, as_json: JsonOpt = False) -> None:
    """List the documents in the library with their type and extracted fields."""
    records = _library().documents(doc_type)
    if as_json:
        _print_json([r.to_json() for r in records])
        return
    if not records:
        typer.echo("the library is empty: add documents with `microplomacy ingest PATH`")
        return
    for r in records:
        typer.echo(f"{r.doc_id[:12]}  {r.doc_type:<13} {r.pages:>3}p {r.chunks:>4}c  "
                   f"{r.source}  -  {r.title[:60]}")


@app.command()
def show(source_or_id: Annotated[str, typer.Argument(help="File name or document id.")],
         as_json: JsonOpt = False) -> None:
    """Show one document: classification reasons and every extracted field with its page."""
    records = _library().registry.resolve(source_or_id)
    if not records:
        _fail(f"no document named or with id {source_or_id!r}")
    if as_json:
        _print_json([r.to_json() for r in records])
        return
    for r in records:
        typer.echo(f"{r.source}  [{r.doc_type}]  id {r.doc_id}")
        typer.echo(f"  title: {r.title}")
        typer.echo(f"  {r.pages} pages, {r.chunks} chunks, ingested {r.ingested_at}")
        for reason in r.classification.get("reasons", []):
            typer.echo(f"  why {r.doc_type}: {reason}")
        for name, f in r.fields.items():
            page = f" (p. {f['page']})" if f.get("page") else ""
            typer.echo(f"  {name}: {f['value']}{page}")
        if r.languages:
            typer.echo(f"  text in (detected): {', '.join(r.languages)}")
        if r.scanned_pages:
            typer.echo(f"  read from scans (OCR; check the original): pages "
                       f"{', '.join(map(str, r.scanned_pages))}")
        for w in r.warnings:
            typer.echo(f"  warning: {w}")


@app.command()
def remove(source_or_id: Annotated[str, typer.Argument(help="File name or document id.")],
           as_json: JsonOpt = False) -> None:
    """Remove a document, its passages and its stored original."""
    removed = _library().remove(source_or_id)
    if as_json:
        _print_json({"removed": [{"source": r.source, "doc_id": r.doc_id} for r in removed]})
    for r in removed:
        if not as_json:
            typer.echo(f"removed {r.source} ({r.doc_id[:12]})")
    if not removed:
        _fail(f"no document named or with id {source_or_id!r}")


@app.command()
def check(repair: Annotated[bool, typer.Option("--repair", help="Delete orphans, drop "
                                               "incomplete documents. Run it while no "
                                               "ingest is running (on any instance): a "
                                               "document being written looks orphaned."
                                               )] = False,
          as_json: JsonOpt = False) -> None:
    """Verify that the registry, the passages and the stored files agree."""
    report = _library().check(repair=repair)
    if as_json:
        _print_json(report.to_json())
    else:
        data = report.to_json()
        typer.echo(f"{data['documents']} documents, {data['chunks']} chunks: "
                   + ("consistent" if report.ok else "INCONSISTENT"))
        typer.echo(f"embedder: {report.embedder}; {report.ocr}")
        for key in ("orphan_chunks", "orphan_files", "missing_files", "chunk_mismatch"):
            if data[key]:
                typer.echo(f"  {key}: {data[key]}")
        if report.repaired:
            typer.echo("repaired: re-run the ingest to restore any dropped documents")
    if not report.ok and not report.repaired:
        raise typer.Exit(1)


@app.command()
def reindex(
    fields: Annotated[bool, typer.Option(
        "--fields", help="Read the stored originals again with the current extractor (types, "
        "titles, dates, amounts) instead of re-embedding.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Re-embed the library with MICROPLOMACY_EMBEDDER from its stored text (no re-upload),
    or with --fields re-read every document an older extractor read. Safe to stop and run
    again: it resumes; the old vectors and fields serve until each document is done."""
    if fields:
        lib = _library()
        bar, progress = _progress_bar("doc", quiet=as_json)
        report = lib.reextract(progress)
        bar.close()
        if as_json:
            _print_json(report.to_json())
            return
        _print_ingested(report)
        for row in report.failed:
            typer.echo(f"FAILED    {row['source']}: {row['error']}")
        typer.echo(f"{len(report.ingested)} documents read again by the current extractor"
                   if report.ingested or report.failed
                   else "every document was read by the current extractor: nothing to do")
        if not report.ok:
            raise typer.Exit(1)
        return
    lib = _library(check_embedder=False)
    bar, progress = _progress_bar("doc", quiet=as_json)
    report = lib.reindex(progress)
    bar.close()
    if as_json:
        _print_json(report.to_json())
    elif report.previous is None:
        typer.echo("the library is empty: nothing to re-embed")
    elif not report.swapped:
        typer.echo(f"the library is already embedded with '{report.embedder}'")
    else:
        typer.echo(f"re-embedded {len(report.reembedded)} documents ({report.chunks} chunks) "
                   f"with '{report.embedder}' (was '{report.previous}')"
                   + (f"; {report.resumed} were done by an earlier run" if report.resumed else ""))


def _filters(doc_type: str | None, partner: list[str] | None, country: list[str] | None,
             year: list[int] | None):  # noqa: ANN202 - assistant.retrieve.Filters
    from assistant.retrieve import Filters

    return Filters(doc_types=[doc_type] if doc_type else [], partners=partner or [],
                   countries=country or [], years=year or [])


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="Your question, in plain words.")] = None,
    doc_type: TypeOpt = None,
    partner: Annotated[
        list[str] | None, typer.Option(help="Only agreements with this partner (as named).")
    ] = None,
    country: Annotated[
        list[str] | None, typer.Option(help="Only documents naming this country.")
    ] = None,
    year: Annotated[list[int] | None, typer.Option(help="Only documents of this year.")] = None,
    batch: Annotated[
        Path | None, typer.Option(help="JSONL file of {id, question} lines.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Where --batch writes its JSONL answers.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ask a question; the answer cites document and page, or says the documents do not say."""
    from assistant.ask import Assistant

    if (question is None) == (batch is None):
        _fail("give either a QUESTION or --batch IN.jsonl --out OUT.jsonl", code=2)
    assistant = Assistant.from_library(_library())
    filters = _filters(doc_type, partner, country, year)
    if batch is not None:
        if out is None:
            _fail("--batch needs --out", code=2)
        _ask_batch(assistant, batch, out, filters)
        return
    answer = assistant.ask(question or "", filters=filters)
    if as_json:
        _print_json(answer.to_json())
        return
    typer.echo(answer.text)
    if answer.citations:
        typer.echo("\nSources:")
        for c in answer.citations:
            typer.echo(f"  [{c.n}] {c.where()}: \"{c.quote[:200]}\"")
    for w in answer.warnings:
        typer.echo(f"note: {w}")


def _ask_batch(assistant, batch: Path, out: Path, filters) -> None:  # noqa: ANN001
    from tqdm import tqdm

    try:
        lines = [json.loads(x) for x in batch.read_text().splitlines() if x.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        _fail(f"cannot read {batch}: {exc}", code=2)
    with out.open("w") as fh:
        for row in tqdm(lines, unit="q", disable=not sys.stderr.isatty(), file=sys.stderr):
            answer = assistant.ask(str(row.get("question", "")), filters=filters)
            fh.write(json.dumps({"id": row.get("id"), **answer.to_json()},
                                ensure_ascii=False) + "\n")
    typer.echo(f"{len(lines)} answers written to {out}", err=True)


def _today(today: str | None):  # noqa: ANN202 - datetime.date | None
    from datetime import date

    try:
        return date.fromisoformat(today) if today else None
    except ValueError:
        _fail(f"--today must be YYYY-MM-DD, not {today!r}", code=2)


TodayOpt = Annotated[
    str | None, typer.Option("--today", help="Evaluate dates as of YYYY-MM-DD (default: today).")
]


@app.command()
def agreements(
    status: Annotated[
        str | None, typer.Option(help="in_force, expiring, renewed, indefinite, expired, "
                                 "unknown, or active (any still in force).")
    ] = None,
    partner: Annotated[
        str | None, typer.Option(help="Partner name (part of it is enough).")
    ] = None,
    country: Annotated[str | None, typer.Option(help="Partner country.")] = None,
    area: Annotated[str | None, typer.Option(help="Area of cooperation (part of it).")] = None,
    search: Annotated[str | None, typer.Option(help="Rank by meaning, e.g. 'climate'.")] = None,
    window_months: Annotated[int, typer.Option(help="'Expiring' means within this many "
                                               "months.")] = 6,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The agreements register: partners, dates, areas, and status against today."""
    from assistant.register import STATUSES, AgreementsRegister

    if status and status not in STATUSES:
        _fail(f"unknown status {status!r}: use one of {', '.join(STATUSES)}", code=2)
    register = AgreementsRegister(_library(), today=_today(today), window_months=window_months)
    rows = register.rows(status=status, partner=partner, country=country, area=area,
                         query=search)
    if as_json:
        _print_json([r.to_json() for r in rows])
        return
    if not rows:
        typer.echo("no agreements match: add agreements with `microplomacy ingest PATH`")
        return
    for r in rows:
        flag = "!" if r.status == "expiring" else " "
        typer.echo(f"{flag} {r.status:<10} {r.expiry_date or '-':<10} {r.kind or '-':<16} "
                   f"{(' / '.join(r.partners) or r.title)[:70]}")  # a convention: its title
        if r.areas:
            typer.echo(f"             areas: {', '.join(r.areas)[:100]}")
    alerts = [r for r in rows if r.status == "expiring"]
    if alerts:
        typer.echo(f"\n{len(alerts)} agreement(s) expire within {window_months} months.")


@app.command()
def funding(
    request: Annotated[str | None, typer.Argument(help="Your plan in plain words; without "
                                                  "it, every stored call is listed.")] = None,
    agreement: Annotated[str | None, typer.Option(help="Plan from a stored agreement "
                                                  "(file name or id).")] = None,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The funding radar: which calls fit a plan, amount, deadline and status, cited."""
    from assistant.funding import FundingRadar, call_rows

    lib = _library()
    day = _today(today)
    if request is None and agreement is None:
        from datetime import date

        rows = call_rows(lib, day or date.today())
        if as_json:
            _print_json([r.to_json() for r in rows])
            return
        if not rows:
            typer.echo("no grant calls stored: add calls with `microplomacy ingest PATH`")
        for r in rows:
            lot = f", {r.lot}" if r.lot else ""
            typer.echo(f"{r.status:<12} {r.deadline or '-':<10} {r.call_id or '-':<22} "
                       f"{(r.programme or r.title)[:60]}{lot}")
        return
    try:
        result = FundingRadar(lib, today=day).run(request or "", agreement=agreement)
    except ValueError as exc:
        _fail(str(exc), code=2)
    if as_json:
        _print_json(result.to_json())
        return
    typer.echo(result.to_text())


@app.command()
def letter(
    request: Annotated[str, typer.Argument(help="Who writes to whom, proposing what, e.g. "
                                           "'letter from our Mayor to the Mayor of Vila "
                                           "Serena proposing a staff exchange next spring'.")],
    sender: Annotated[str | None, typer.Option("--from", help="Sender (office or town).")] = None,
    recipient: Annotated[str | None, typer.Option("--to", help="Recipient.")] = None,
    docx: Annotated[Path | None, typer.Option(help="Also save as a Word file here.")] = None,
    markdown: Annotated[Path | None, typer.Option(help="Also save as Markdown here.")] = None,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Draft an outreach letter grounded in the agreement (and a fitting open call)."""
    from assistant.letters import LetterWriter

    lib = _library()
    result = LetterWriter(lib, today=_today(today)).run(request, sender, recipient)
    lib.audit_letter(result, request, docx=str(docx) if docx else None)
    if result.refused:
        if as_json:
            _print_json(result.to_json())
        _fail(result.warnings[0] if result.warnings else result.text)
    if docx:
        result.to_docx(docx)
    if markdown:
        markdown.write_text(result.to_markdown())
    if as_json:
        _print_json(result.to_json())
        return
    typer.echo(result.to_markdown())
    for path in (docx, markdown):
        if path:
            typer.echo(f"saved {path}", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
    llm: Annotated[str | None, typer.Option(
        help="'local': write answers with the bundled model (`make setup-llm`), as "
             "MICROPLOMACY_LLM=local does.")] = None,
) -> None:
    """Serve the browser app."""
    from assistant.ui import launch

    if llm:
        if llm != "local":
            _fail(f"--llm takes 'local' (an endpoint is set with OPENAI_BASE_URL), not {llm!r}",
                  code=2)
        os.environ["MICROPLOMACY_LLM"] = "local"

    launch(_library(), host=host, port=port)


users_app = typer.Typer(help="Logins for the browser app (MICROPLOMACY_USERS).",
                        no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The officer's login name.")],
    file: Annotated[Path | None, typer.Option(
        "--file", help="Users file (default: $MICROPLOMACY_USERS).")] = None,
) -> None:
    """Add an officer, or set a new password; asks for the password twice."""
    from assistant import auth

    path = file or auth.users_file()
    if path is None:
        _fail(f"set {auth.ENV_VAR} to the users file, or pass --file", code=2)
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        auth.add_user(path, name, password)
    except ValueError as exc:
        _fail(str(exc), code=2)
    typer.echo(f"{name} can now sign in (users file: {path})")


def run() -> None:
    """The console script: the CLI, with failures turned into one line an officer can act on."""
    import httpx

    try:
        app()
    except httpx.TransportError as exc:
        url = Settings.from_env().chroma_url
        where = f"the Chroma server at {url}" if url else "the Chroma server"
        log.debug("connection failure", exc_info=True)
        typer.echo(f"error: lost the connection to {where} ({type(exc).__name__}); nothing "
                   "half-written is visible: run the command again once the server is back",
                   err=True)
        sys.exit(2)
    except Exception as exc:  # the details go to the log file, not the terminal
        log.exception("unexpected error")
        typer.echo(f"error: unexpected {type(exc).__name__}; details are in "
                   f"{Settings.from_env().log_dir / 'microplomacy.log'}", err=True)
        sys.exit(3)


if __name__ == "__main__":
    run()
