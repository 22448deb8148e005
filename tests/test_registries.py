"""The registries a change plugs into: backends by settings, output formats by name and suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from summarize.backends import MockBackend, create_backend, is_serial
from summarize.backends.registry import BACKENDS, backend_for
from summarize.config import Settings
from summarize.errors import ConfigError, SummarizeError
from summarize.files import atomic_writer
from summarize.formats import BRIEF_FORMATS, Format, Formats


@pytest.mark.parametrize(
    ("flags", "name"),
    [
        ({}, "embedded"),
        ({"model": "embedded", "base_url": "http://127.0.0.1:9/v1"}, "embedded"),
        ({"base_url": "http://127.0.0.1:9/v1"}, "openai"),
        ({"model": "gpt-4o-mini", "api_key": "sk-test"}, "openai"),
    ],
)
def test_the_first_backend_that_serves_the_settings_is_chosen(flags: dict[str, Any], name: str) -> None:
    assert backend_for(Settings(**flags)).name == name


def test_the_embedded_backend_is_made_without_loading_the_model_and_rewords_with_the_reask() -> None:
    def reask(errors: Any) -> str:
        return "again: " + "; ".join(errors)

    backend = create_backend(Settings(model="embedded"), reask=reask)
    assert backend.identity()["backend"] == "embedded"
    assert backend._reask is reask  # type: ignore[attr-defined]
    assert backend._llm is None  # type: ignore[attr-defined]  # loaded on the first call only
    assert is_serial(backend)


def test_serial_is_what_the_registry_entry_says() -> None:
    assert [spec.name for spec in BACKENDS if spec.serial] == ["embedded"]
    assert not is_serial(MockBackend())


def _formats() -> Formats[str]:
    return Formats(
        "note",
        [Format("txt", (".txt", ".text"), str.upper), Format("md", (".md",), lambda s: f"# {s}\n")],
    )


def test_a_format_is_found_by_name_and_by_suffix() -> None:
    formats = _formats()
    assert formats.names == ["txt", "md"]
    assert formats.for_path(Path("a.TEXT")).name == "txt"
    assert formats.get("md").render("hi") == "# hi\n"
    with pytest.raises(ConfigError, match=r"note files end in \.txt or \.md"):
        formats.for_path(Path("a.pdf"))
    with pytest.raises(ConfigError, match="unknown note format 'pdf'; choose one of txt, md"):
        formats.get("pdf")
    assert BRIEF_FORMATS.names == ["json", "md"]


def test_a_format_writes_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    _formats().write("hi", target)
    assert target.read_text() == "# hi\n"
    with pytest.raises(SummarizeError, match="cannot write"):
        _formats().write("hi", tmp_path / "missing" / "out.md")


def test_an_atomic_write_that_fails_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    target.write_text("old")

    def interrupted() -> None:
        with atomic_writer(target) as stream:
            stream.write("half of the new")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]  # no temporary file left


def test_atomic_bytes_replace_the_file_whole(tmp_path: Path) -> None:
    from summarize.files import atomic_write_bytes

    target = tmp_path / "prefix.state"
    atomic_write_bytes(target, b"head\n\n", memoryview(b"0123456789")[:4])
    assert target.read_bytes() == b"head\n\n0123"
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["prefix.state"]


def test_the_package_is_typed_and_exports_its_entry_points() -> None:
    import importlib.resources

    import summarize
    from summarize.daily import write_daily

    assert importlib.resources.files("summarize").joinpath("py.typed").is_file()
    assert summarize.write_daily is write_daily and "write_daily" in summarize.__all__
    assert all(hasattr(summarize, name) for name in summarize.__all__)
