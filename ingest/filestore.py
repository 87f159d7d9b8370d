"""Originals, named by document id, so a citation can open the exact file.

Two backends behind one small interface, chosen with the store:

- ``FileStore``: a folder on the local disk (embedded mode); the files stay plain files.
- ``ChromaFileStore``: the bytes in a ``<prefix>_files`` collection on the Chroma server
  (server mode), so every app instance pointed at that server can serve and re-read every
  original with no shared volume. Reads are cached in the local folder.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)

_ID = re.compile(r"^[0-9a-f]{8,64}$")
_EXT = re.compile(r"^[a-z0-9]{1,8}$")


def _checked_name(doc_id: str, ext: str) -> str:
    # Names come from our own hashes, never from the user; still, refuse anything else so
    # no caller can turn this into a path traversal.
    if not _ID.match(doc_id) or not _EXT.match(ext):
        raise ValueError(f"invalid stored file name {doc_id}.{ext}")
    return f"{doc_id}.{ext}"


@dataclass(frozen=True)
class StoredFile:
    name: str
    complete: bool  # False: the leftover of a write that crashed part-way


class OriginalStore(Protocol):
    def put(self, doc_id: str, ext: str, data: bytes) -> None: ...

    def path(self, doc_id: str, ext: str) -> Path | None:
        """A local path to the whole original, or None when it is not stored."""
        ...

    def delete(self, doc_id: str, ext: str) -> None: ...

    def discard(self, doc_id: str) -> None:
        """Remove whatever is stored under this id, whole or partial."""
        ...

    def stored(self) -> dict[str, StoredFile]: ...


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, doc_id: str, ext: str) -> Path:
        return self.root / _checked_name(doc_id, ext)

    def put(self, doc_id: str, ext: str, data: bytes) -> None:
        """Write atomically: a crash leaves either no file or the whole file."""
        self.root.mkdir(parents=True, exist_ok=True)
        dest = self._path(doc_id, ext)
        if dest.exists() and dest.stat().st_size == len(data):
            return
        # A name of its own per writer: request threads of one process may cache the same
        # original at once.
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=f".{dest.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def path(self, doc_id: str, ext: str) -> Path | None:
        p = self._path(doc_id, ext)
        return p if p.exists() else None

    def delete(self, doc_id: str, ext: str) -> None:
        self._path(doc_id, ext).unlink(missing_ok=True)

    def discard(self, doc_id: str) -> None:
        if not _ID.match(doc_id) or not self.root.exists():
            return
        for p in self.root.iterdir():
            if p.name.lstrip(".").split(".", 1)[0] == doc_id:
                p.unlink(missing_ok=True)

    def stored(self) -> dict[str, StoredFile]:
        """doc_id -> stored original; temp files of crashed writes count as incomplete."""
        if not self.root.exists():
            return {}
        out: dict[str, StoredFile] = {}
        for p in self.root.iterdir():
            doc_id = p.name.lstrip(".").split(".", 1)[0]
            complete = not p.name.startswith(".")
            if complete or doc_id not in out:
                out[doc_id] = StoredFile(p.name, complete)
        return out


class ChromaFileStore:
    """Originals as base64 parts in Chroma metadata (not documents: those feed Chroma's
    full-text index, which has no business indexing file bytes).

    Parts first, then a small manifest record: the manifest is the file's commit point, so
    a write that died half-way leaves parts without a manifest, which `check --repair`
    discards. Removal drops the manifest first.
    """

    PART_BYTES = 1024 * 1024  # a 1 MiB part is ~1.4 MB of JSON per record
    PARTS_PER_CALL = 8  # keeps each request to the server around 11 MB

    def __init__(self, collection: Collection, cache: FileStore) -> None:
        self.collection = collection
        self.cache = cache

    @staticmethod
    def _vector(key: str) -> list[float]:
        # The collection needs a vector per record; distinct points keep HNSW inserts
        # cheap (thousands of identical vectors make its neighbour search degenerate).
        h = hashlib.blake2b(key.encode(), digest_size=8).digest()
        return [int.from_bytes(h[:4]) / 2**32, int.from_bytes(h[4:]) / 2**32]

    def _manifest(self, doc_id: str) -> dict | None:
        got = self.collection.get(ids=[f"{doc_id}:manifest"], include=["metadatas"])
        metas = got["metadatas"] or []
        return dict(metas[0]) if metas and metas[0] else None

    def _has_all_parts(self, doc_id: str, manifest: dict) -> bool:
        ids = [f"{doc_id}:{i:05d}" for i in range(int(manifest["parts"]))]
        return len(self.collection.get(ids=ids, include=[])["ids"]) == len(ids)

    def put(self, doc_id: str, ext: str, data: bytes) -> None:
        name = _checked_name(doc_id, ext)
        manifest = self._manifest(doc_id)
        if manifest and manifest["size"] == len(data) and self._has_all_parts(doc_id, manifest):
            return  # content-addressed: the same id holds the same bytes
        parts = [data[i:i + self.PART_BYTES] for i in range(0, len(data), self.PART_BYTES)]
        parts = parts or [b""]
        for start in range(0, len(parts), self.PARTS_PER_CALL):
            batch = range(start, min(start + self.PARTS_PER_CALL, len(parts)))
            self.collection.upsert(
                ids=[f"{doc_id}:{i:05d}" for i in batch],
                embeddings=[self._vector(f"{doc_id}:{i}") for i in batch],
                metadatas=[{"doc_id": doc_id, "kind": "part", "part": i,
                            "data": base64.b64encode(parts[i]).decode("ascii")}
                           for i in batch],
            )
        self.collection.upsert(
            ids=[f"{doc_id}:manifest"], embeddings=[self._vector(doc_id)],
            metadatas=[{"doc_id": doc_id, "kind": "manifest", "name": name,
                        "parts": len(parts), "size": len(data)}])

    def path(self, doc_id: str, ext: str) -> Path | None:
        manifest = self._manifest(doc_id)
        if manifest is None:
            # removed, maybe by another instance: its cached copy goes too
            self.cache.discard(doc_id)
            return None
        cached = self.cache.path(doc_id, ext)
        if cached is not None:
            return cached
        chunks: list[bytes] = []
        for start in range(0, int(manifest["parts"]), self.PARTS_PER_CALL):
            ids = [f"{doc_id}:{i:05d}" for i in
                   range(start, min(start + self.PARTS_PER_CALL, int(manifest["parts"])))]
            got = self.collection.get(ids=ids, include=["metadatas"])
            by_id = dict(zip(got["ids"], got["metadatas"] or [], strict=True))
            if len(by_id) != len(ids):
                log.warning("original %s is missing parts on the server", doc_id)
                return None
            chunks.extend(base64.b64decode(by_id[i]["data"]) for i in ids)
        data = b"".join(chunks)
        if len(data) != manifest["size"]:
            log.warning("original %s has the wrong size on the server", doc_id)
            return None
        self.cache.put(doc_id, ext, data)
        return self.cache.path(doc_id, ext)

    def delete(self, doc_id: str, ext: str) -> None:
        _checked_name(doc_id, ext)
        self.discard(doc_id)

    def discard(self, doc_id: str) -> None:
        if not _ID.match(doc_id):
            return
        self.collection.delete(ids=[f"{doc_id}:manifest"])
        ids = self.collection.get(where={"doc_id": doc_id}, include=[])["ids"]
        for start in range(0, len(ids), 1000):
            self.collection.delete(ids=ids[start:start + 1000])
        self.cache.discard(doc_id)

    def stored(self) -> dict[str, StoredFile]:
        """Complete: a manifest and every part it names (parts can be lost after the
        manifest landed, e.g. to a repair that raced an ingest)."""
        parts: dict[str, int] = {}
        # Ids only for the parts: never pull every file's bytes to take stock.
        offset, page = 0, 5000
        while True:
            ids = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            for rid in ids:
                doc_id, _, part = rid.partition(":")
                parts[doc_id] = parts.get(doc_id, 0) + (part != "manifest")
            if len(ids) < page:
                break
            offset += page
        out = {doc_id: StoredFile(doc_id, False) for doc_id in parts}
        got = self.collection.get(where={"kind": "manifest"}, include=["metadatas"])
        for meta in got["metadatas"] or []:
            if meta:
                doc_id = str(meta["doc_id"])
                out[doc_id] = StoredFile(str(meta["name"]),
                                         parts.get(doc_id, 0) == int(meta["parts"]))
        return out
