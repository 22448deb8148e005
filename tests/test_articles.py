"""Loading articles: every format, every encoding, every way an input can be unusable."""

# ruff: noqa: RUF001 (typographic quotes and dashes are the point of these tests)

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from summarize.errors import InputError
from summarize.inputs import Article, article_from_text, load_article, truncate

SEED = Path(__file__).resolve().parents[2] / "shared/seeds/000_3dd804058064a703.txt"

FRENCH = (
    "Le président a déclaré lundi que l'attaque à la bombe près de l'hôtel de ville avait fait trois "
    "blessés. Les forces de sécurité ont été déployées dans le quartier, a-t-il ajouté."
)

HTML = """<!DOCTYPE html>
<html><head><title>Drone attack targets Iraq base | Example News</title>
<meta property="og:url" content="https://news.example.com/2023/12/11/drone-attack">
<meta name="date" content="2023-12-11">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
<li><a href="/subscribe">Subscribe now for unlimited access</a></li></ul></nav>
<header><div class="menu">Menu Login Register Newsletter</div></header>
<article><h1>Drone attack targets Iraq base</h1>
<p>A drone attack and rocket launches on Monday targeted two military bases in Iraq and Syria that house
forces of the international anti-jihadist coalition, a US military official said.</p>
<p>In western Iraq, a drone attack targeted the Ain al-Assad air base, with no casualties or damage,
according to the US official, who spoke on condition of anonymity.</p>
<p>In northern Syria, rockets were fired at a base in Ash Sadadi district, he added.</p>
</article>
<aside class="related"><h3>Most read</h3><ul><li><a href="/x">Celebrity wedding photos</a></li></ul></aside>
<footer>Copyright 2023 Example News. All rights reserved. Cookie policy. Privacy settings.</footer>
</body></html>
"""


def _expected_id(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- article_from_text


def test_article_from_text_normalises_and_hashes() -> None:
    article = article_from_text("  \ufeffLine one\r\nLine two\rLine\x00 three\n\n  ")
    assert article.text == "Line one\nLine two\nLine three"
    assert article.id == _expected_id("Line one\nLine two\nLine three")
    assert article.id.startswith("sha256:")
    assert len(article.id) == len("sha256:") + 16
    assert (article.title, article.url, article.published_at, article.source) == (None, None, None, None)


def test_article_from_text_applies_nfc() -> None:
    decomposed = "Cafe\u0301 in Lie\u0300ge"  # e + combining accents
    article = article_from_text(decomposed)
    assert article.text == "Café in Liège"
    assert article.id == article_from_text("Café in Liège").id


def test_id_is_stable_and_content_based() -> None:
    a = article_from_text("Same text.", title="A", source="a.txt")
    b = article_from_text("Same text.\r\n", title="B", source="b.json")
    c = article_from_text("Other text.")
    assert a.id == b.id == "sha256:" + hashlib.sha256(b"Same text.").hexdigest()[:16]
    assert a.id != c.id


def test_article_is_frozen() -> None:
    article = article_from_text("text")
    with pytest.raises(AttributeError):
        article.text = "other"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   ", "\n\t\r\n", "\x00\x00"])
def test_article_from_text_rejects_empty(text: str) -> None:
    with pytest.raises(InputError) as info:
        article_from_text(text)
    assert info.value.context["reason"] == "empty"


def test_article_from_text_keeps_metadata() -> None:
    article = article_from_text(
        "Body.",
        title="  Title ",
        url="https://x.example/a",
        published_at=datetime.date(2023, 12, 11),
        source="-",
    )
    assert article.title == "Title"
    assert article.url == "https://x.example/a"
    assert article.published_at == datetime.date(2023, 12, 11)
    assert article.source == "-"


# --------------------------------------------------------------------------- plain text


def test_load_seed_article() -> None:
    article = load_article(SEED)
    raw = SEED.read_text(encoding="utf-8")
    assert article.text == raw.strip()
    assert article.text.startswith("A drone attack and rocket launches on Monday")
    assert article.id == _expected_id(raw.strip())
    assert article.source == str(SEED)
    assert article.published_at is None


def test_load_txt_and_md(tmp_path: Path) -> None:
    txt = load_article(_write(tmp_path, "a.txt", "Hello world.\r\n"))
    md = load_article(_write(tmp_path, "a.md", "# Title\n\nHello *world*.\n"))
    assert txt.text == "Hello world."
    assert md.text == "# Title\n\nHello *world*."
    assert txt.source == str(tmp_path / "a.txt")


def test_unknown_extension_is_read_as_text(tmp_path: Path) -> None:
    article = load_article(_write(tmp_path, "story.article", "Gunmen attacked a checkpoint."))
    assert article.text == "Gunmen attacked a checkpoint."


def test_template_syntax_is_kept_literally(tmp_path: Path) -> None:
    body = "Attackers wrote {{ 7*7 }} and {% raw %}{{ config }}{% endraw %} on the wall; ${HOME} too."
    article = load_article(_write(tmp_path, "t.txt", body))
    assert article.text == body
    assert "49" not in article.text
    json_article = load_article(_write(tmp_path, "t.json", json.dumps({"text": body})))
    assert json_article.text == body


def test_published_override(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.json", json.dumps({"text": "Body.", "published_at": "2020-01-02"}))
    assert load_article(path).published_at == datetime.date(2020, 1, 2)
    assert load_article(path, published=datetime.date(2023, 12, 11)).published_at == datetime.date(
        2023, 12, 11
    )
    txt = _write(tmp_path, "a.txt", "Body.")
    assert load_article(txt, published=datetime.date(2023, 12, 11)).published_at == datetime.date(
        2023, 12, 11
    )


def test_path_as_string(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", "Body.")
    assert load_article(str(path)) == load_article(path)


# --------------------------------------------------------------------------- encodings


def test_utf8_with_bom(tmp_path: Path) -> None:
    article = load_article(_write(tmp_path, "bom.txt", "\ufeffCafé attack".encode()))
    assert article.text == "Café attack"


def test_utf16_with_bom(tmp_path: Path) -> None:
    article = load_article(_write(tmp_path, "u16.txt", "Attaque à Paris.".encode("utf-16")))
    assert article.text == "Attaque à Paris."


def test_latin1_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _write(tmp_path, "latin1.txt", FRENCH.encode("latin-1"))
    with caplog.at_level(logging.DEBUG, logger="summarize.inputs.decode"):
        article = load_article(path)
    assert article.text == FRENCH
    assert "à la bombe" in article.text
    assert any("decoded" in r.getMessage() and "cp1252" in r.getMessage() for r in caplog.records)


def test_short_latin1_file(tmp_path: Path) -> None:
    assert load_article(_write(tmp_path, "s.txt", "Café à Paris".encode("latin-1"))).text == "Café à Paris"


def test_cp1252_file_with_smart_punctuation(tmp_path: Path) -> None:
    text = FRENCH + " Il a dit : « C’est inacceptable » — fin. The “drone attack” cost €5."
    article = load_article(_write(tmp_path, "cp1252.txt", text.encode("cp1252")))
    assert article.text == text


def test_cp1251_cyrillic_file(tmp_path: Path) -> None:
    text = "Атака беспилотника произошла в понедельник на военной базе, сообщил официальный представитель."
    assert load_article(_write(tmp_path, "ru.txt", text.encode("cp1251"))).text == text


def test_cp1250_polish_file_is_not_read_as_cp1252(tmp_path: Path) -> None:
    text = "Atak drona nastąpił w poniedziałek na bazę wojskową, poinformował urzędnik. Żołnierze są."
    assert load_article(_write(tmp_path, "pl.txt", text.encode("cp1250"))).text == text


def test_latin1_json(tmp_path: Path) -> None:
    data = json.dumps({"text": FRENCH, "title": "Été"}, ensure_ascii=False).encode("latin-1")
    article = load_article(_write(tmp_path, "a.json", data))
    assert article.text == FRENCH
    assert article.title == "Été"


def test_undeterminable_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path, "noise.txt", bytes(range(0xA0, 0x100)) * 4)  # printable in latin-1, no language
    with pytest.raises(InputError) as info:
        load_article(path)
    assert "could not determine the text encoding" in str(info.value)
    assert info.value.context == {"path": str(path), "reason": "encoding"}


# --------------------------------------------------------------------------- bad input


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as info:
        load_article(path)
    assert "not found" in str(info.value)
    assert info.value.context == {"path": str(path), "reason": "missing"}
    assert info.value.exit_code == 3


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_article(tmp_path)
    assert "directory" in str(info.value)
    assert info.value.context["reason"] == "directory"


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = _write(tmp_path, "empty.txt", content)
    with pytest.raises(InputError) as info:
        load_article(path)
    assert "empty" in str(info.value)
    assert info.value.context == {"path": str(path), "reason": "empty"}


def test_binary_with_nul_bytes(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))
    path = _write(tmp_path, "image.txt", png)
    with pytest.raises(InputError) as info:
        load_article(path)
    assert "binary file" in str(info.value)
    assert info.value.context["reason"] == "binary"


def test_binary_high_bytes_with_c1_controls(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_article(_write(tmp_path, "blob.dat", bytes(range(128, 256)) * 4))
    assert info.value.context["reason"] == "binary"


def test_binary_control_characters(tmp_path: Path) -> None:
    path = _write(tmp_path, "ctl.txt", bytes(range(1, 9)) * 40 + b"some text")
    with pytest.raises(InputError) as info:
        load_article(path)
    assert info.value.context["reason"] == "binary"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "locked.txt", "text")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError) as info:
        load_article(path)
    assert "Permission denied" in str(info.value)
    assert info.value.context["reason"] == "unreadable"


# --------------------------------------------------------------------------- JSON


def test_json_article(tmp_path: Path) -> None:
    payload = {
        "text": "A drone attack targeted a base.\r\n\r\nNo casualties.",
        "title": "Drone attack",
        "url": "https://news.example.com/a",
        "published_at": "2023-12-11",
        "extra": [1, 2],
    }
    article = load_article(_write(tmp_path, "a.json", json.dumps(payload)))
    assert article == Article(
        text="A drone attack targeted a base.\n\nNo casualties.",
        id=_expected_id("A drone attack targeted a base.\n\nNo casualties."),
        title="Drone attack",
        url="https://news.example.com/a",
        published_at=datetime.date(2023, 12, 11),
        source=str(tmp_path / "a.json"),
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-12-11T08:30:00", datetime.date(2023, 12, 11)),
        ("2023-12-11T23:30:00Z", datetime.date(2023, 12, 11)),
        ("2023-12-11T08:30:00+02:00", datetime.date(2023, 12, 11)),
        (None, None),
    ],
)
def test_json_published_at_forms(tmp_path: Path, value: str | None, expected: datetime.date | None) -> None:
    path = _write(tmp_path, "a.json", json.dumps({"text": "Body.", "published_at": value}))
    assert load_article(path).published_at == expected


def test_json_same_text_same_id_as_txt(tmp_path: Path) -> None:
    txt = load_article(_write(tmp_path, "a.txt", "Body text."))
    js = load_article(_write(tmp_path, "a.json", json.dumps({"text": "Body text.", "title": "T"})))
    assert txt.id == js.id


def test_invalid_json(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.json", '{"text": "unterminated')
    with pytest.raises(InputError) as info:
        load_article(path)
    assert "not valid JSON" in str(info.value)
    assert "line 1" in str(info.value)
    assert info.value.context == {"path": str(path), "reason": "invalid-json"}


@pytest.mark.parametrize("payload", ['["a list"]', '"a string"', "42"])
def test_json_not_an_object(tmp_path: Path, payload: str) -> None:
    with pytest.raises(InputError) as info:
        load_article(_write(tmp_path, "a.json", payload))
    assert info.value.context["reason"] == "invalid-json"


def test_json_missing_text(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_article(_write(tmp_path, "a.json", json.dumps({"title": "No body"})))
    assert "'text'" in str(info.value)
    assert info.value.context["reason"] == "missing-text"


@pytest.mark.parametrize("text", [None, 42, ["a"]])
def test_json_text_not_a_string(tmp_path: Path, text: object) -> None:
    with pytest.raises(InputError) as info:
        load_article(_write(tmp_path, "a.json", json.dumps({"text": text})))
    assert info.value.context["reason"] == "missing-text"


def test_json_empty_text(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_article(_write(tmp_path, "a.json", json.dumps({"text": "  \n "})))
    assert info.value.context["reason"] == "empty"


@pytest.mark.parametrize("value", ["yesterday", "11/12/2023", "2023-13-01", 20231211, True])
def test_json_bad_published_at(tmp_path: Path, value: object) -> None:
    path = _write(tmp_path, "a.json", json.dumps({"text": "Body.", "published_at": value}))
    with pytest.raises(InputError) as info:
        load_article(path)
    assert "published_at" in str(info.value)
    assert info.value.context["reason"] == "bad-date"
    assert info.value.context["path"] == str(path)


def test_json_bad_title_type(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_article(_write(tmp_path, "a.json", json.dumps({"text": "Body.", "title": ["x"]})))
    assert info.value.context["reason"] == "bad-field"


# --------------------------------------------------------------------------- HTML


def test_html_drops_boilerplate(tmp_path: Path) -> None:
    article = load_article(_write(tmp_path, "page.html", HTML))
    assert "Ain al-Assad air base" in article.text
    assert "Ash Sadadi district" in article.text
    for boilerplate in ("Subscribe now", "Login", "Copyright", "Cookie policy", "Celebrity wedding"):
        assert boilerplate not in article.text
    assert "<p>" not in article.text
    assert article.title == "Drone attack targets Iraq base"
    assert article.url == "https://news.example.com/2023/12/11/drone-attack"
    assert article.published_at == datetime.date(2023, 12, 11)
    # one blank line between paragraphs, as in plain-text articles
    assert "said.\n\nIn western Iraq" in article.text


def test_html_published_override_and_htm(tmp_path: Path) -> None:
    article = load_article(_write(tmp_path, "page.htm", HTML), published=datetime.date(2024, 1, 2))
    assert article.published_at == datetime.date(2024, 1, 2)


def test_html_without_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "blank.html", "<html><head><title>x</title></head><body></body></html>")
    with pytest.raises(InputError) as info:
        load_article(path)
    assert info.value.context == {"path": str(path), "reason": "empty"}


def test_short_html_is_still_extracted(tmp_path: Path) -> None:
    article = load_article(_write(tmp_path, "s.html", "<html><body><p>Short text here.</p></body></html>"))
    assert article.text == "Short text here."


# --------------------------------------------------------------------------- stdin


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(data)))


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"Attack on Monday.\r\n")
    article = load_article("-", published=datetime.date(2023, 12, 11))
    assert article.text == "Attack on Monday."
    assert article.source == "-"
    assert article.published_at == datetime.date(2023, 12, 11)


def test_stdin_latin1(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, FRENCH.encode("latin-1"))
    assert load_article("-").text == FRENCH


def test_stdin_json_and_html(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, json.dumps({"text": "From JSON.", "published_at": "2023-12-11"}).encode())
    article = load_article("-")
    assert (article.text, article.published_at) == ("From JSON.", datetime.date(2023, 12, 11))
    _stdin(monkeypatch, HTML.encode())
    assert "Subscribe now" not in load_article("-").text


def test_stdin_text_starting_with_brace_is_text(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"{braces} open this article")
    assert load_article("-").text == "{braces} open this article"


def test_stdin_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"")
    with pytest.raises(InputError) as info:
        load_article("-")
    assert info.value.context == {"path": "-", "reason": "empty"}


# --------------------------------------------------------------------------- truncate


def test_truncate_short_article_unchanged() -> None:
    article = article_from_text("Short.")
    assert truncate(article, 100) == (article, False)
    assert truncate(article, 6) == (article, False)


def test_truncate_at_paragraph_boundary() -> None:
    text = "First paragraph is here.\n\nSecond paragraph is here.\n\nThird paragraph is long enough."
    article = article_from_text(text)
    cut, was_cut = truncate(article, 60)
    assert was_cut
    assert cut.text == "First paragraph is here.\n\nSecond paragraph is here."
    assert len(cut.text) <= 60
    assert cut.id == article.id  # the id names the full article
    assert text.startswith(cut.text)


def test_truncate_at_sentence_boundary() -> None:
    text = "One sentence here. Two sentence here. Three sentence here."
    cut, was_cut = truncate(article_from_text(text), 45)
    assert was_cut
    assert cut.text == "One sentence here. Two sentence here."


def test_truncate_at_word_then_hard() -> None:
    cut, _ = truncate(article_from_text("alpha beta gamma delta epsilon"), 20)
    assert cut.text == "alpha beta gamma"
    cut, _ = truncate(article_from_text("x" * 50), 10)
    assert cut.text == "x" * 10


def test_truncate_keeps_metadata() -> None:
    article = article_from_text("a. " * 100, title="T", published_at=datetime.date(2023, 12, 11), source="s")
    cut, was_cut = truncate(article, 50)
    assert was_cut
    assert (cut.title, cut.published_at, cut.source, cut.id) == (
        "T",
        datetime.date(2023, 12, 11),
        "s",
        article.id,
    )
    assert len(cut.text) <= 50


def test_truncate_seed_never_exceeds_limit() -> None:
    article = load_article(SEED)
    for limit in (1, 10, 100, 500, 1000, 2000, len(article.text) - 1):
        cut, was_cut = truncate(article, limit)
        assert was_cut
        assert 0 < len(cut.text) <= limit
        assert article.text.startswith(cut.text)
    cut, _ = truncate(article, 1000)
    assert cut.text.endswith("he added.")  # the last paragraph that fits in 1000 characters


def test_truncate_rejects_bad_limit() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        truncate(article_from_text("text"), 0)


# -- one table of suffixes -------------------------------------------------------------------------


def test_a_folder_walk_takes_every_suffix_a_brief_reads(tmp_path: Path) -> None:
    """``summarize batch FOLDER`` and ``summarize daily FOLDER`` brief exactly the files ``brief`` reads."""
    from summarize.inputs import MAX_INPUT_BYTES, READERS, iter_articles

    plain = "Gunmen attacked a checkpoint in Gao on Tuesday, killing two soldiers."
    content = {".json": json.dumps({"text": plain}), ".txt": plain, ".md": f"# Gao\n\n{plain}"}
    for suffix in READERS:
        _write(tmp_path, f"article{suffix}", content.get(suffix, HTML))
    _write(tmp_path, "notes.csv", "not,an,article")
    walked = list(iter_articles([str(tmp_path)], max_bytes=MAX_INPUT_BYTES))
    assert sorted(Path(str(item.source)).suffix for item in walked) == sorted(READERS)  # .xhtml too
    for item in walked:
        assert isinstance(item, Article)
        assert load_article(str(item.source)) == item  # read the same way one at a time
    assert "Drone attack" in next(a.text for a in walked if str(a.source).endswith(".xhtml"))
