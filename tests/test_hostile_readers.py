"""Hostile and broken input: every reader gives a Document or a one-line ReadError.

Documents come from the web and from people. Whatever bytes a file holds, whatever
kind of file sits at a path, :func:`graph.ingest.read_document` and
:func:`graph.ingest.discover` must answer in bounded time with either a normal
:class:`~graph.model.Document` or a :class:`~graph.errors.ReadError` that names the
file and the reason on one line -- no other exception, no hang, no file outside the
folder read, no script text kept.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import ReadError
from graph.ingest import EXTENSIONS, MAX_SEGMENT_CHARS, discover, read_document
from graph.model import Document, DocumentKind
from graph.readers import offset_problems
from graph.readers.markdown import MAX_FRONT_MATTER_DEPTH, parse_front_matter

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
FUZZ_HARNESS = HOSTILE / "fuzz_readers.py"
SUFFIXES = sorted(EXTENSIONS)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# Pieces of markup that made the readers' regular expressions backtrack, and
# pieces of every other kind of trouble, for the generated documents below.
HOSTILE_PIECES = [
    "[[", "]]", "[[a | b]]", "[", "]", "(", ")", "`", "``", "```", "*", "**", "_", "~~",
    "#", "# ", ">", "> ", "- ", "* ", "1. ", "<!--", "-->", "<br>", "<a href='x'>", "</p>",
    "[01:02:03]", "[99:99]", " ", "\t", "\n", "\r\n", "\r", "\n\n", "---\n", "...\n",
    "From: [[x]]\n", "title: x\n", "By Ann Lee\n", "KYIV -- ", "[Reuters/AP]", ". ",
    "5 Comments\n", "Reply\n", "Subscribe to our newsletter", "\\", "\u00a0", "\u2028",
    "\ufeff", "\x0c", "\x0b", "\x1b", "é", "Ж", "💥", "<script>alert(1)</script>",
    "<!DOCTYPE html><html><body><p>", "&amp;", "&#0;", "!!python/object/apply:os.system",
    "&a [1]", "*a", "{", "}", ": ", "? ",
]  # fmt: skip


@contextlib.contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Fail the test if the block runs longer than ``seconds`` (instead of hanging).

    SIGALRM interrupts a blocking ``open()`` and long regular expression matches
    (the ``re`` engine checks for signals while it backtracks).
    """

    def expire(signum, frame):
        raise TimeoutError(f"{what} took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome(path: Path, **kwargs) -> Document | ReadError:
    """Read ``path``; return the Document or the ReadError (any other exception escapes)."""
    try:
        return read_document(path, **kwargs)
    except ReadError as exc:
        return exc


def assert_reported(error: ReadError, path: Path) -> None:
    """A user-facing error names the file and a reason, on one line."""
    message = str(error)
    assert message.startswith(f"{path}: ")
    assert error.reason.strip()
    assert "\n" not in message and "\r" not in message
    assert "Traceback" not in message


def assert_sound(result: Document | ReadError, path: Path) -> None:
    """A Document keeps the offset contract; an error is a proper one-line ReadError."""
    if isinstance(result, ReadError):
        assert_reported(result, path)
    else:
        assert isinstance(result, Document)
        assert offset_problems(result) == []
        assert result.path == str(path)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A folder the property tests overwrite one file in per example."""
    return tmp_path_factory.mktemp("hostile")


# --- arbitrary bytes ------------------------------------------------------------------


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_read_document_gives_document_or_read_error_for_any_bytes(scratch, data, suffix):
    path = scratch / f"random{suffix}"
    path.write_bytes(data)
    assert_sound(outcome(path), path)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1251", "truncated"]


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "truncated":
        data = text.encode("utf-8")
        return data[: max(0, len(data) - 1)]
    return text.encode(encoding, errors="replace")


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pieces=st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=20), max_size=60),
    encoding=st.sampled_from(ENCODINGS),
    suffix=st.sampled_from(SUFFIXES),
    front_matter=st.booleans(),
)
def test_read_document_gives_document_or_read_error_for_hostile_markup(
    scratch, pieces, encoding, suffix, front_matter
):
    text = "".join(pieces)
    if front_matter:
        text = "---\n" + text + "\n---\n" + text
    path = scratch / f"markup{suffix}"
    path.write_bytes(_encode(text, encoding))
    with deadline(20, "reading a small generated document"):
        assert_sound(outcome(path), path)


@settings(max_examples=150, deadline=None)
@given(raw=st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=12), max_size=40))
def test_front_matter_parse_gives_mapping_or_read_error(raw):
    try:
        meta = parse_front_matter("".join(raw), "n.md")
    except ReadError as exc:
        assert str(exc).startswith("n.md: ") and "\n" not in str(exc)
    else:
        assert isinstance(meta, dict)


# --- encodings, line ends, NUL and empty files ---------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("utf16-bom.md", DocumentKind.MARKDOWN, "Switzerland hosts talks between Russia"),
        ("latin1-article.txt", DocumentKind.ARTICLE, "said the ministère."),
        ("crlf-article.txt", DocumentKind.ARTICLE, "Russia sells oil to China."),
        ("truncated-utf8.txt", DocumentKind.ARTICLE, "Ukraine buys drones from Türkiye."),
    ],
)
def test_read_document_decodes_hostile_encodings(name, kind, expected):
    doc = read_document(HOSTILE / name)
    assert doc.kind is kind
    assert expected in [s.text for s in doc.segments] or any(
        expected in s.text for s in doc.segments
    )
    assert "\r" not in doc.text
    assert "Ã" not in doc.text  # no mojibake from a wrong legacy-encoding guess
    assert offset_problems(doc) == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.md", "empty file"),
        ("bom-only.md", "empty file"),
        ("whitespace-only.txt", "empty file"),
        ("nul-bytes.txt", "not a text file (contains NUL bytes)"),
    ],
)
def test_read_document_refuses_empty_and_binary_files_by_name(name, reason):
    error = outcome(HOSTILE / name)
    assert isinstance(error, ReadError)
    assert error.reason == reason
    assert_reported(error, HOSTILE / name)


# --- hostile YAML front matter --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("yaml-alias-bomb.md", "front matter uses YAML anchors or aliases (refused)"),
        ("yaml-python-apply.md", "broken front matter (could not determine a constructor"),
        ("yaml-tabs.md", "broken front matter (found character '\\t'"),
        ("yaml-not-a-mapping.md", "front matter is not a mapping (found list)"),
        ("yaml-bad-int-tag.md", "broken front matter (invalid literal for int()"),
    ],
)
def test_markdown_refuses_hostile_front_matter_with_reason(name, reason):
    error = outcome(HOSTILE / name)
    assert isinstance(error, ReadError)
    assert error.reason.startswith(reason)
    assert_reported(error, HOSTILE / name)


def test_markdown_python_tag_runs_nothing(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    path = tmp_path / "apply.md"
    path.write_text(
        "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n"
        "other: !!python/object/new:subprocess.Popen [['echo', 'pwned']]\n---\nText.\n"
    )
    assert isinstance(outcome(path), ReadError)
    assert calls == []


@pytest.mark.parametrize("opener", ["[", "{", "{a: ", "- ", "[a, "])
def test_markdown_refuses_deeply_nested_front_matter_quickly(opener):
    raw = "title: x\nnested: " + opener * 30_000 if opener != "- " else "- " * 30_000
    with deadline(5, "refusing deep front matter"), pytest.raises(ReadError) as caught:
        parse_front_matter(raw[: 60 * 1024], "deep.md")
    assert caught.value.reason == (
        f"front matter nested too deeply (over {MAX_FRONT_MATTER_DEPTH} levels)"
    )


def test_markdown_front_matter_nesting_within_limit_is_read():
    levels = MAX_FRONT_MATTER_DEPTH - 1  # the top-level mapping is one level
    raw = "a: " + "[" * levels + "1" + "]" * levels
    value = parse_front_matter(raw, "ok.md")["a"]
    for _ in range(levels - 1):
        value = value[0]
    assert value == [1]


def test_markdown_huge_front_matter_key_is_read_or_refused_quickly(tmp_path):
    path = tmp_path / "key.md"
    path.write_text("---\n? " + "k" * 60_000 + "\n: v\n" + "k" * 2000 + ": v\n---\nText.\n")
    with deadline(5, "a huge front matter key"):
        result = outcome(path)
    assert_sound(result, path)


def test_markdown_impossible_date_stays_text_instead_of_crashing():
    doc = read_document(HOSTILE / "yaml-impossible-date.md")
    assert doc.metadata["date"] == "2024-13-45"
    assert doc.source.title == "Bad dates"


def test_markdown_front_matter_control_characters_and_surrogates_are_replaced():
    doc = read_document(HOSTILE / "yaml-control-chars.md")
    title = doc.source.title
    assert title == "Null\ufffd and lone \ufffd surrogate"
    title.encode("utf-8")  # would raise on a lone surrogate


def test_markdown_bare_quote_line_after_paragraph_is_a_break(tmp_path):
    # Found by atheris: "a\n>" at the end of a note raised IndexError.
    path = tmp_path / "quote.md"
    for text, segments in [("a\n>", ["a"]), ("> a\n>\n> b", ["a", "b"]), ("> a\n> b", ["a b"])]:
        path.write_text(text)
        doc = read_document(path)
        assert [s.text for s in doc.segments] == segments
        assert offset_problems(doc) == []


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "http://a b/"]
)
def test_markdown_front_matter_url_must_be_a_web_address(tmp_path, url):
    path = tmp_path / "url.md"
    path.write_text(f"---\ntitle: T\nurl: '{url}'\n---\nText.\n")
    doc = read_document(path)
    assert doc.source.url is None
    assert doc.metadata["front_matter"]["url"] == url


def test_markdown_unclosed_front_matter_is_plain_text():
    doc = read_document(HOSTILE / "yaml-unclosed.md")
    assert doc.metadata.get("front_matter", {}) == {}
    assert "Russia sells oil to China." in [s.text for s in doc.segments]


# --- HTML with scripts ----------------------------------------------------------------


def test_html_text_keeps_no_script_iframe_or_handler_content():
    doc = read_document(HOSTILE / "html-scripts.html")
    texts = [doc.text, doc.source.title, *(s.text for s in doc.segments)]
    texts += [str(value) for value in doc.metadata.values()]
    for leaked in [
        "document.cookie", "evil.example", "alert(", "javascript:", "onload", "onclick",
        "onerror", "injected-by-script", "<script", "<iframe", "srcdoc", "svg-script",
    ]:  # fmt: skip
        assert not any(leaked in text for text in texts), leaked
    assert "Turkey offered to host a second round of talks" in doc.text


# --- size limits and long lines -------------------------------------------------------


def test_read_document_refuses_50mb_file_before_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    chunk = b"Russia sells oil to China. " * 40_000
    with open(path, "wb") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(chunk)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with pytest.raises(ReadError) as caught:
            read_document(path, max_bytes=20_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.reason == f"file too large ({size} bytes, limit 20000000)"
    assert peak < 1_000_000, f"{peak} bytes allocated to refuse a file by its size"


def test_read_document_size_limit_is_configurable(tmp_path):
    path = tmp_path / "small.txt"
    path.write_text("Headline\n\nRussia sells oil to China.\n" * 10)
    assert isinstance(read_document(path, max_bytes=10_000), Document)
    with pytest.raises(ReadError, match=r"file too large \(\d+ bytes, limit 100\)"):
        read_document(path, max_bytes=100)


FIVE_MB = 5 * 1024 * 1024


@pytest.mark.parametrize("suffix", [".md", ".txt", ".html"])
def test_read_document_5mb_single_line_is_refused_in_bounded_time(tmp_path, suffix):
    path = tmp_path / f"line{suffix}"
    line = "Russia sells oil to China and [[Germany]] buys `gas` **now** "
    body = line * (FIVE_MB // len(line))
    if suffix == ".html":
        body = "<html><body><article><p>" + body + "</p></article></body></html>"
    path.write_text(body)
    with deadline(30, f"a 5 MB one-line {suffix} file"):
        result = outcome(path, max_bytes=20_000_000)
    assert isinstance(result, ReadError)
    assert result.reason.startswith("paragraph too long (")
    assert result.reason.endswith(f"limit {MAX_SEGMENT_CHARS})")


# One line of each run that used to make a reader's regular expressions backtrack
# quadratically (or worse: runs of backticks took 75 s for 20,000 characters).
RUNS = {
    "backticks": "`",
    "backtick-runs": "".join("`" * k + "a" for k in range(1, 45)),
    "wiki-brackets": "[[",
    "wiki-link-then-spaces": "[[a" + " " * 5000,
    "wiki-label-then-spaces": "[[a|b" + " " * 5000,
    "spaces": " ",
    "stars": "*",
    "hashes": "#",
    "brackets": "[",
    "closing-brackets": "]",
    "html-comment-openers": "<!--",
    "tag-openers": "<a ",
    "quotes": ">",
    "underscores": "_",
    "escapes": "\\",
    "link-openers": "[](",
    "bold-then-spaces": "**a**" + " " * 5000,
    "newsletter-prompt": "subscribe newsletter ",
    "dateline-capitals": "AB ",
    "credit": "[A/",
}


@pytest.mark.parametrize("suffix", [".md", ".txt"])
@pytest.mark.parametrize("name", sorted(RUNS))
def test_readers_long_runs_of_markup_take_linear_time(tmp_path, name, suffix):
    run = RUNS[name]
    path = tmp_path / f"run{suffix}"
    prefix = "From: [[" if name == "wiki-link-then-spaces" else "x"
    path.write_text(prefix + run * (90_000 // len(run)) + "y?\n")
    with deadline(5, f"a 90,000-character line of {name!r}"):
        result = outcome(path)
    assert_sound(result, path)


def test_markdown_from_line_with_long_spaces_takes_linear_time(tmp_path):
    path = tmp_path / "from.md"
    path.write_text("From: [[channel" + " " * 90_000 + "| label" + " " * 90_000 + "\n\nText.\n")
    with deadline(5, "a long From: line"):
        result = outcome(path)
    assert_sound(result, path)


def test_markdown_title_line_with_long_spaces_takes_linear_time(tmp_path):
    path = tmp_path / "title.md"
    path.write_text("---\ntitle: a" + " " * 60_000 + "b\n---\nText.\n")
    with deadline(5, "a front matter title full of spaces"):
        doc = read_document(path)
    assert doc.source.title.startswith("a ") and doc.source.title.endswith("b")


# --- deep nesting ---------------------------------------------------------------------


def test_markdown_lists_nested_500_deep_are_items(tmp_path):
    path = tmp_path / "nested.md"
    path.write_text("".join("  " * depth + f"- item {depth}\n" for depth in range(500)))
    with deadline(10, "a list nested 500 deep"):
        doc = read_document(path)
    assert [s.text for s in doc.segments] == [f"item {depth}" for depth in range(500)]
    assert offset_problems(doc) == []


def test_markdown_10000_nested_quotes_are_read(tmp_path):
    path = tmp_path / "quotes.md"
    path.write_text(">" * 10_000 + " Russia sells oil to China.\n" + "> " * 10_000 + "More.\n")
    with deadline(10, "10,000 nested quotes"):
        doc = read_document(path)
    assert "Russia sells oil to China. More." in [s.text for s in doc.segments]
    assert offset_problems(doc) == []


def test_html_deeply_nested_elements_give_document_or_read_error(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text(
        "<html><body>" + "<div>" * 20_000 + "<p>Russia sells oil to China. " * 20
        + "</div>" * 20_000 + "</body></html>"
    )
    with deadline(20, "20,000 nested divs"):
        result = outcome(path)
    assert_sound(result, path)


# --- odd things at a path -------------------------------------------------------------


def test_read_document_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    with deadline(5, "reading a FIFO"):
        error = outcome(fifo)
    assert isinstance(error, ReadError)
    assert error.reason == "not a regular file (a FIFO)"


def test_discover_fifo_is_reported_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "x.txt")
    (tmp_path / "a.txt").write_text("Headline\n\nRussia sells oil.\n")
    with deadline(5, "discovering a FIFO"):
        in_folder = discover([tmp_path])
        named = discover([tmp_path / "x.txt"])
    assert in_folder[0] == [tmp_path / "a.txt"]
    assert [str(e) for e in in_folder[1]] == [f"{tmp_path / 'x.txt'}: not a regular file (a FIFO)"]
    assert named[0] == []
    assert [e.reason for e in named[1]] == ["not a regular file (a FIFO)"]


def test_read_document_folder_named_like_a_document_is_refused(tmp_path):
    folder = tmp_path / "x.md"
    folder.mkdir()
    error = outcome(folder)
    assert isinstance(error, ReadError)
    assert str(error) == f"{folder}: is a folder, not a file"


def test_discover_walks_a_folder_named_like_a_document(tmp_path):
    (tmp_path / "x.md").mkdir()
    (tmp_path / "x.md" / "inside.txt").write_text("Headline\n\nRussia sells oil.\n")
    files, errors = discover([tmp_path])
    assert files == [tmp_path / "x.md" / "inside.txt"]
    assert errors == []


def test_discover_does_not_follow_symlinks_out_of_the_folder(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwords.txt").write_text("Headline\n\nThe root password is hunter2.\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Headline\n\nRussia sells oil.\n")
    (corpus / "leak.txt").symlink_to(secret / "passwords.txt")
    (corpus / "leakdir").symlink_to(secret, target_is_directory=True)
    (corpus / "etc.txt").symlink_to("/etc/hostname")
    (corpus / "alias.txt").symlink_to(corpus / "a.txt")  # inside: followed
    files, errors = discover([corpus])
    assert files == [corpus / "a.txt", corpus / "alias.txt"]
    reasons = {Path(e.path).name: e.reason for e in errors}
    assert reasons == {
        name: "symbolic link to outside the folder (not followed)"
        for name in ("leak.txt", "leakdir", "etc.txt")
    }


def test_discover_reports_symlink_loops_and_broken_links(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\nRussia sells oil.\n")
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    (tmp_path / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    with deadline(10, "discovering symlink loops"):
        files, errors = discover([tmp_path])
    assert files == [tmp_path / "a.txt"]
    reasons = {Path(e.path).name: e.reason for e in errors}
    assert reasons["up"] == "symbolic link loop"
    assert reasons["gone.md"] == "broken symbolic link"
    assert reasons["self.txt"].startswith("cannot read (")
    for error in errors:
        assert_reported(error, Path(error.path))


@pytest.mark.skipif(IS_ROOT, reason="root reads files whatever their mode")
def test_read_document_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("Headline\n\nRussia sells oil.\n")
    path.chmod(0)
    try:
        error = outcome(path)
        files, errors = discover([tmp_path])
    finally:
        path.chmod(0o644)
    assert isinstance(error, ReadError) and error.reason.startswith("cannot read (")
    assert files == [] and errors[0].reason.startswith("cannot read (")


def test_discover_3000_tiny_files_in_sorted_deterministic_order(tmp_path):
    names = [f"{(i * 7919) % 3000:04d}-{i}.{('md', 'txt', 'html')[i % 3]}" for i in range(3000)]
    for name in names:
        (tmp_path / name).write_text("x")
    with deadline(30, "discovering 3,000 files"):
        first = discover([tmp_path])
        second = discover([tmp_path])
    assert first == second
    assert first[1] == []
    assert first[0] == sorted((tmp_path / name for name in names), key=str)


# --- atheris --------------------------------------------------------------------------


def test_readers_survive_a_short_atheris_fuzz_run(tmp_path):
    pytest.importorskip("atheris", reason="atheris is not installed")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.run(
        [sys.executable, str(FUZZ_HARNESS), str(tmp_path), "-runs=10000",
         "-max_total_time=30", "-rss_limit_mb=2048", f"-artifact_prefix={tmp_path}/",
         f"-seed={int(time.time()) % 100_000 + 1}"],
        capture_output=True, text=True, timeout=180, check=False, env=env, cwd=tmp_path,
    )  # fmt: skip
    output = process.stdout + process.stderr
    assert process.returncode == 0, output[-3000:]
    assert "Done" in output


def test_fuzz_harness_refuses_other_exceptions(tmp_path):
    """The harness really fails when a reader lets another exception escape."""
    pytest.importorskip("atheris", reason="atheris is not installed")
    env = dict(os.environ, PYTHONPATH=str(ROOT), CLAIMGRAPH_FUZZ_SELFTEST="1")
    process = subprocess.run(
        [sys.executable, str(FUZZ_HARNESS), str(tmp_path), "-runs=50",
         f"-artifact_prefix={tmp_path}/"],
        capture_output=True, text=True, timeout=120, check=False, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert process.returncode != 0
    assert "ValueError escaped the readers" in process.stdout + process.stderr

