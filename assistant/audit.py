"""An append-only audit log of what changed the library or left the office: ingests,
removals, letters drafted, logins. One JSON object per line in the data directory."""

from __future__ import annotations

import fcntl
import getpass
import json
import logging
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, action: str, user: str | None = None, **details: Any) -> None:
        entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "action": action,
                 "user": user or _local_user(),
                 # several app instances write their own logs: merged, they stay apart
                 "host": socket.gethostname(), **details}
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                # Several app instances may share a data directory: whole lines only.
                fcntl.flock(fh, fcntl.LOCK_EX)
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError:
            # The audit trail must never block the officer's work; say so loudly instead.
            log.exception("could not write the audit log %s", self.path)

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(x) for x in self.path.read_text(encoding="utf-8").splitlines() if x]


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
