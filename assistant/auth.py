"""Logins for the browser app: a users file of salted PBKDF2 hashes, never plain passwords.

`MICROPLOMACY_USERS` names a file with one line per officer:

    name:pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>

Blank lines and lines starting with # are ignored. The file is read at every login, so an
officer added with `microplomacy users add NAME` can sign in without restarting the app.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

ENV_VAR = "MICROPLOMACY_USERS"
ALGORITHM = "pbkdf2_sha256"
# OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; about 0.3 s per login on one core,
# which is fine for people and slow for anyone guessing.
ITERATIONS = 600_000
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


class UsersFileError(ValueError):
    """The users file is missing or cannot be used; the message says what to do."""


def hash_password(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """`pbkdf2_sha256$iterations$salt$hash`, salt and hash in hex."""
    if not password:
        raise ValueError("the password is empty")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def verify(password: str, encoded: str) -> bool:
    """True when `password` matches the stored hash; a malformed hash never matches."""
    try:
        algorithm, iterations, salt_hex, hash_hex = encoded.split("$")
        if algorithm != ALGORITHM:
            return False
        rounds = int(iterations)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
    except ValueError:
        return False
    if rounds < 1 or not expected:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, rounds)
    return hmac.compare_digest(digest, expected)


def valid_name(name: str) -> bool:
    return bool(_NAME.match(name))


def load_users(path: Path) -> dict[str, str]:
    """name -> encoded hash. Lines that are not `name:pbkdf2_sha256$...` are skipped with a
    warning in the log, so one bad line does not lock every officer out."""
    users: dict[str, str] = {}
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, encoded = line.partition(":")
        if not sep or not valid_name(name) or not encoded.startswith(ALGORITHM + "$"):
            log.warning("%s line %d is not name:%s$...; ignored", path, number, ALGORITHM)
            continue
        users[name] = encoded
    return users


def add_user(path: Path, name: str, password: str, iterations: int = ITERATIONS) -> None:
    """Add an officer, or set a new password for one already there. The file is replaced
    atomically and readable by its owner only."""
    if not valid_name(name):
        raise ValueError("a user name is 1 to 64 letters, digits or . _ @ -")
    path = Path(path)
    users = load_users(path) if path.exists() else {}
    users[name] = hash_password(password, iterations)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.writelines(f"{n}:{h}\n" for n, h in sorted(users.items()))
    os.replace(tmp, path)


def users_file(env: Mapping[str, str] | None = None) -> Path | None:
    """The configured users file, or None when logins are off."""
    value = (os.environ if env is None else env).get(ENV_VAR)
    return Path(value).expanduser() if value else None


def authenticator(path: Path, on_login: Callable[[str, bool], None] | None = None
                  ) -> Callable[[str, str], bool]:
    """The check Gradio calls at each login; fails closed if the file cannot be read.
    ``on_login(name, accepted)`` is told of every attempt (the audit log)."""
    users = load_users(path) if path.exists() else {}
    if not users:
        raise UsersFileError(f"{ENV_VAR} is set to {path}, but that file holds no users: add "
                             f"one with `microplomacy users add NAME`, or unset {ENV_VAR}.")

    def check(name: str, password: str) -> bool:
        try:
            encoded = load_users(path).get(name.strip())
        except OSError:
            log.exception("cannot read the users file %s", path)
            return False
        ok = encoded is not None and verify(password, encoded)
        if not ok:
            log.warning("refused login for %r", name[:64])
        if on_login is not None:
            on_login(name[:64], ok)
        return ok

    return check
