"""Finding document files, decoding them and sniffing their kind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from graph.errors import ReadError
from graph.ingest import discover, read_document
from graph.model import DocumentKind
from graph.readers import offset_problems

READERS = Path(__file__).resolve().parent / "fixtures" / "readers"
MIXED = READERS / "mixed"


def test_discover_folder_keeps_supported_files_and_reports_pdf():
    files, errors = discover([MIXED])
    assert [f.relative_to(MIXED).as_posix() for f in files] == [
        "a-note.md",
        "b-article.txt",
        "sub/d-page.htm",
    ]
    assert [str(e) for e in errors] == [f"{MIXED / 'c-scan.pdf'}: unsupported file type '.pdf'"]


def test_discover_skips_hidden_files_and_folders():
    files, _ = discover([MIXED])
    assert not any(part.startswith(".") for f in files for part in f.relative_to(MIXED).parts)


def test_discover_is_sorted_and_deduplicated_whatever_the_argument_order():
    note = MIXED / "a-note.md"
    forward = discover([MIXED, note])
    backward = discover([note, MIXED])
    assert forward[0] == backward[0]
    assert forward[0] == sorted(forward[0], key=str)
    assert len(forward[0]) == len(set(forward[0]))


def test_discover_reports_missing_path():
    files, errors = discover([READERS / "nowhere.md"])
    assert files == []
    assert errors[0].reason == "no such file or folder"


def test_discover_reports_binary_file_with_text_extension():
    files, errors = discover([READERS / "nul-bytes.txt"])
    assert files == []
    assert "binary" in errors[0].reason


def test_discover_reports_symlink_loop_instead_of_hanging(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(READERS / "no-byline.txt", folder / "a.txt")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    files, errors = discover([folder])
    assert files == [folder / "a.txt"]
    assert [e.reason for e in errors] == ["symbolic link loop"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any folder")
def test_discover_reports_unreadable_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        files, errors = discover([tmp_path])
    finally:
        locked.chmod(0o755)
    assert files == []
    assert "cannot read folder" in errors[0].reason


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("pdf-scan.pdf", "unsupported file type '.pdf'"),
        ("empty.txt", "empty file"),
        ("nul-bytes.txt", "not a text file (contains NUL bytes)"),
        ("scripts-only.html", "no main text found"),
        ("nowhere.md", "no such file"),
    ],
)
def test_read_document_refuses_bad_files_with_named_reason(name, reason):
    with pytest.raises(ReadError) as caught:
        read_document(READERS / name)
    assert caught.value.reason == reason
    assert str(caught.value) == f"{READERS / name}: {reason}"


def test_read_document_refuses_file_over_size_limit():
    with pytest.raises(ReadError, match="file too large"):
        read_document(READERS / "article-full.txt", max_bytes=100)


def test_read_document_docx_is_unsupported(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError, match=r"unsupported file type '\.docx'"):
        read_document(path)


def test_read_document_normalises_crlf_line_ends():
    doc = read_document(READERS / "crlf-article.txt")
    assert "\r" not in doc.text
    assert doc.source.title == "Ukraine receives new artillery shipment"
    assert doc.source.author == "Maria Kovalenko"
    assert offset_problems(doc) == []


def test_read_document_decodes_latin1():
    doc = read_document(READERS / "latin1-article.txt")
    assert doc.source.title == "La France et l'économie de guerre"
    assert doc.source.author == "Élise François"
    assert "République tchèque" in doc.segments[-1].text


def test_read_document_decodes_utf16_with_bom():
    doc = read_document(READERS / "utf16-note.md")
    assert not doc.text.startswith("\ufeff")
    assert doc.source.title == "Zürich talks on Ukraine"
    assert doc.timestamps[0].seconds == 5


def test_read_document_strips_utf8_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + (READERS / "no-byline.txt").read_bytes())
    doc = read_document(path)
    assert doc.text == (READERS / "no-byline.txt").read_text(encoding="utf-8")


def test_read_document_sniffs_markdown_note_under_txt_name(corpus, tmp_path):
    path = tmp_path / "000_note.txt"
    shutil.copy(corpus / "zeihan-postcollapse-russia-technology.md", path)
    as_txt = read_document(path)
    as_md = read_document(corpus / "zeihan-postcollapse-russia-technology.md")
    assert as_txt.kind is DocumentKind.MARKDOWN
    assert as_txt.source.title == "Technology and Military Assets in PostCollapse Russia"
    assert [s.text for s in as_txt.segments] == [s.text for s in as_md.segments]


def test_read_document_sniffs_html_content_under_txt_name(tmp_path):
    path = tmp_path / "saved-page.txt"
    shutil.copy(READERS / "news-page.html", path)
    assert read_document(path).kind is DocumentKind.HTML


def test_read_document_is_deterministic():
    for name in ("article-full.txt", "note-full.md", "news-page.html"):
        first, second = read_document(READERS / name), read_document(READERS / name)
        assert first == second
        assert first.metadata == second.metadata
