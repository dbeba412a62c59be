"""Streamlit's static files, compressed once: the copies and their caches (`CompressedFiles`).

Each compressible file under Streamlit's static folder gets a Brotli and a gzip copy, made
**once** per file: kept in memory, and on disk in `CTG_STATIC_CACHE_DIR` (by default
`~/.cache/ctg-atelier/static`) under the file's content hash, so that a restart or a second
process does not compress again. `server/compression.py` serves them.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import brotli

from server.nodelay import ROOT

FIRST_VISIT_ASSETS = ROOT / "deploy" / "first-visit-assets.txt"
STATIC_PREFIX = "/static/"
# Text formats; woff2, png, gif are compressed already.
COMPRESSIBLE = frozenset(
    {".js", ".mjs", ".css", ".svg", ".json", ".html", ".txt", ".map", ".ttf", ".otf", ".ico"}
)
MIN_SIZE = 512  # below this, the headers weigh more than what compression saves
IMMUTABLE = "public, immutable, max-age=31536000"  # Streamlit's own, for its content-hashed files
# Brotli's best quality costs ~1 s per MB of JavaScript, once: above this size (chart libraries
# the partners' page never loads), quality 9 is ten times faster for 8 % more bytes.
BROTLI_BEST_UP_TO = 1 << 20
ENCODINGS = ("br", "gzip")  # by preference
CACHE_DIR_ENV = "CTG_STATIC_CACHE_DIR"
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*$")
_ACCEPT_ENTRY = re.compile(r"^\s*([A-Za-z0-9*_-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def chosen_encoding(accept_encoding: str) -> str | None:
    """`br` or `gzip` as the browser's `Accept-Encoding` allows (its q-values, `*`), the
    highest q first and Brotli on a tie; None if it accepts neither."""
    weights: dict[str, float] = {}
    for entry in accept_encoding.split(","):
        match = _ACCEPT_ENTRY.match(entry)
        if not match:
            continue
        try:
            weight = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        weights[match.group(1).lower()] = weight
    best: tuple[float, str] | None = None
    for encoding in ENCODINGS:
        weight = weights.get(encoding, weights.get("*", 0.0))
        if weight > 0 and (best is None or weight > best[0]):
            best = (weight, encoding)
    return best[1] if best else None


def compress(data: bytes, encoding: str) -> bytes:
    """The same bytes compressed as `encoding` (`br` or `gzip`), at the best level it affords."""
    if encoding == "br":
        return brotli.compress(data, quality=11 if len(data) <= BROTLI_BEST_UP_TO else 9)
    return gzip.compress(data, compresslevel=9, mtime=0)


def default_cache_dir() -> Path:
    """`CTG_STATIC_CACHE_DIR` if set (empty: no disk cache), else ~/.cache/ctg-atelier/static."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ctg-atelier" / "static"


@dataclass(frozen=True)
class Variant:
    """One compressed copy of a file, ready to send."""

    body: bytes
    encoding: str
    media_type: str
    etag: str


class CompressedFiles:
    """The compressed copies of the files under `root`, each made once and kept.

    `variant` is blocking (it may read or compress a file): call it from a worker thread, or
    use `cached` first, which never blocks. Two requests for the same missing copy wait for
    one compression. With `cache_dir`, copies are also written there (atomically, named after
    the file's size and modification time) and read back by the next process.
    """

    def __init__(
        self,
        root: Path,
        cache_dir: Path | None = None,
        compressor: Callable[[bytes, str], bytes] = compress,
    ) -> None:
        self.root = root.resolve()
        self.cache_dir = cache_dir
        self._compress = compressor
        self._memory: dict[tuple[str, str], Variant | None] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    def source(self, relative: str) -> Path | None:
        """The file `relative` names under the root if it is one this class compresses."""
        if not _SAFE_PATH.match(relative) or ".." in relative.split("/"):
            return None
        if Path(relative).suffix.lower() not in COMPRESSIBLE:
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    def cached(self, relative: str, encoding: str) -> Variant | None:
        return self._memory.get((relative, encoding))

    def known(self, relative: str, encoding: str) -> bool:
        """True once `variant` has answered for this file (a copy, or None for a file it skips)."""
        return (relative, encoding) in self._memory

    def variant(self, relative: str, encoding: str) -> Variant | None:
        """The compressed copy of `relative`, None if that file is not served compressed."""
        key = (relative, encoding)
        if key in self._memory:
            return self._memory[key]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memory:
                self._memory[key] = self._make(relative, encoding)
            return self._memory[key]

    def warm(self, relatives: Iterable[str]) -> int:
        """Make the copies of these files in both encodings; the number of copies ready."""
        ready = 0
        for relative in relatives:
            for encoding in ENCODINGS:
                try:
                    ready += self.variant(relative, encoding) is not None
                except OSError:
                    continue
        return ready

    def _make(self, relative: str, encoding: str) -> Variant | None:
        path = self.source(relative)
        if path is None:
            return None
        stat = path.stat()
        if stat.st_size < MIN_SIZE:
            return None
        stamp = f"{stat.st_size}-{stat.st_mtime_ns}"
        body = self._read_cache(relative, stamp, encoding)
        if body is None:
            body = self._compress(path.read_bytes(), encoding)
            self._write_cache(relative, stamp, encoding, body)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        tag = hashlib.md5(f"{relative}-{stamp}".encode(), usedforsecurity=False).hexdigest()
        return Variant(body=body, encoding=encoding, media_type=media_type, etag=f'"{tag}-{encoding}"')

    def _cache_path(self, relative: str, stamp: str, encoding: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{relative}.{stamp}.{encoding}"

    def _read_cache(self, relative: str, stamp: str, encoding: str) -> bytes | None:
        path = self._cache_path(relative, stamp, encoding)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _write_cache(self, relative: str, stamp: str, encoding: str, body: bytes) -> None:
        """Best effort: a cache that cannot be written only costs a compression next time."""
        path = self._cache_path(relative, stamp, encoding)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            temporary.write_bytes(body)
            temporary.replace(path)
        except OSError:
            pass


def first_visit_assets(static_dir: Path, listing: Path = FIRST_VISIT_ASSETS) -> list[str]:
    """What a first visit downloads, relative to the static directory: the files `index.html`
    names, then those of the recorded list (one URL path a line, `#` comments)."""
    names: list[str] = []
    try:
        index = (static_dir / "index.html").read_text(encoding="utf-8")
        names += [match.lstrip("./") for match in re.findall(r"""["'](\.?/?static/[^"'?#]+)""", index)]
    except OSError:
        pass
    try:
        for line in listing.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith(STATIC_PREFIX):
                names.append(line.lstrip("/"))
    except OSError:
        pass
    return list(dict.fromkeys(names))
