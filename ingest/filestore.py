"""Originals kept on disk, named by document id, so a citation can open the exact file."""

from __future__ import annotations

import os
import re
from pathlib import Path

_ID = re.compile(r"^[0-9a-f]{8,64}$")
_EXT = re.compile(r"^[a-z0-9]{1,8}$")


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, doc_id: str, ext: str) -> Path:
        # Names come from our own hashes, never from the user; still, refuse anything else
        # so no caller can turn this into a path traversal.
        if not _ID.match(doc_id) or not _EXT.match(ext):
            raise ValueError(f"invalid stored file name {doc_id}.{ext}")
        return self.root / f"{doc_id}.{ext}"

    def put(self, doc_id: str, ext: str, data: bytes) -> Path:
        """Write atomically: a crash leaves either no file or the whole file."""
        self.root.mkdir(parents=True, exist_ok=True)
        dest = self._path(doc_id, ext)
        if dest.exists() and dest.stat().st_size == len(data):
            return dest
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        return dest

    def path(self, doc_id: str, ext: str) -> Path | None:
        p = self._path(doc_id, ext)
        return p if p.exists() else None

    def delete(self, doc_id: str, ext: str) -> None:
        self._path(doc_id, ext).unlink(missing_ok=True)

    def stored(self) -> dict[str, Path]:
        """doc_id -> path of every stored original (temp files of crashed writes included)."""
        if not self.root.exists():
            return {}
        out: dict[str, Path] = {}
        for p in self.root.iterdir():
            name = p.name.lstrip(".")
            out[name.split(".", 1)[0]] = p
        return out
