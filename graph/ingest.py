"""Find document files and read each into a :class:`~graph.model.Document`.

:func:`discover` expands files and folders into a sorted list of readable paths
(and a list of errors for the rest); :func:`read_document` decodes one file, sniffs
its kind and hands it to the reader for that kind (markdown note, plain-text news
article or HTML page).

Text normalisation
------------------
``Document.text`` is the decoded file with exactly two changes: a byte order mark
is dropped, and line ends (``\\r\\n`` and lone ``\\r``) become ``\\n``. All offsets
point into that text. HTML pages are the exception: their ``Document.text`` is the
main text trafilatura extracts (see :mod:`graph.readers.html`).

Examples
--------
>>> decode_text("caf\\xe9\\r\\nbar".encode("latin-1"), "a.txt")
'café\\nbar'
>>> sniff_kind(Path("notes.txt"), "---\\ntitle: x\\n---\\nbody")
<DocumentKind.MARKDOWN: 'markdown'>
>>> sniff_kind(Path("page.txt"), "<!DOCTYPE html><html></html>")
<DocumentKind.HTML: 'html'>
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

from graph.errors import ReadError
from graph.model import Document, DocumentKind
from graph.readers import article, markdown

EXTENSIONS: dict[str, DocumentKind] = {
    ".md": DocumentKind.MARKDOWN,
    ".markdown": DocumentKind.MARKDOWN,
    ".txt": DocumentKind.ARTICLE,
    ".text": DocumentKind.ARTICLE,
    ".html": DocumentKind.HTML,
    ".htm": DocumentKind.HTML,
}
"""Supported file name extensions and the kind each suggests before sniffing."""

SNIFF_BYTES = 8192
"""How many leading bytes :func:`discover` reads to tell text from binary files."""

MAX_SEGMENT_CHARS = 100_000
"""Longest paragraph (clean text of one segment) a document may hold, in characters.

The language pipeline needs memory in proportion to the text it parses at once and
refuses texts over a million characters, so a document with a longer paragraph (a
5 MB file of one line, say) is refused here with a message rather than failing the
extraction of the whole build.
"""

GUESS_ENCODINGS = (
    "cp1252", "latin_1", "cp1250", "iso8859_2", "cp1251", "koi8_r", "iso8859_7",
    "cp1253", "cp1254", "cp1255", "cp1256", "gb18030", "big5", "shift_jis", "euc_kr",
)  # fmt: skip
"""Legacy encodings charset-normalizer may pick from for non-UTF text."""

_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[ReadError]]:
    """Expand files and folders into readable document files, and errors for the rest.

    Folders are walked recursively; hidden files and folders (name starting with a
    dot) inside them are skipped. Files of an unsupported type, binary files,
    missing paths, unreadable folders, symlink loops, FIFOs, sockets and devices
    become errors. Inside a folder, a symbolic link whose target lies outside that
    folder is not followed (an error says so); paths named directly are read
    wherever they point. No file is opened in a way that can block.

    Parameters
    ----------
    paths : Sequence[Path]
        Files and folders named by the user.

    Returns
    -------
    tuple[list[Path], list[ReadError]]
        Supported files, sorted and without duplicates; one error per problem, in
        the order found.

    Examples
    --------
    >>> files, errors = discover([Path("no/such/file.md")])
    >>> files, [str(e) for e in errors]
    ([], ['no/such/file.md: no such file or folder'])
    """
    found: set[Path] = set()
    errors: list[ReadError] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            _walk(path, os.path.realpath(path), found, errors, frozenset())
        elif path.exists():
            _add_file(path, found, errors)
        elif path.is_symlink():
            errors.append(ReadError(str(path), "broken symbolic link"))
        else:
            errors.append(ReadError(str(path), "no such file or folder"))
    return sorted(found, key=str), errors


def _walk(
    folder: Path, root: str, found: set[Path], errors: list[ReadError], seen: frozenset
) -> None:
    """Add the supported files under ``folder``.

    ``root`` is the real path of the folder the user named; ``seen`` holds the real
    ancestor folders (to stop symlink loops).
    """
    try:
        real = os.path.realpath(folder)
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        errors.append(ReadError(str(folder), f"cannot read folder ({exc.strerror or exc})"))
        return
    if real in seen:
        errors.append(ReadError(str(folder), "symbolic link loop"))
        return
    seen = seen | {real}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            if entry.is_symlink() and not _is_inside(os.path.realpath(path), root):
                if os.path.lexists(path) and not os.path.exists(path):
                    errors.append(ReadError(str(path), "broken symbolic link"))
                else:
                    errors.append(
                        ReadError(str(path), "symbolic link to outside the folder (not followed)")
                    )
                continue
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError as exc:
            errors.append(ReadError(str(path), f"cannot read ({exc.strerror or exc})"))
            continue
        if is_dir:
            _walk(path, root, found, errors, seen)
        elif is_file:
            _add_file(path, found, errors)
        elif os.path.exists(path):
            errors.append(ReadError(str(path), _not_regular(os.stat(path).st_mode)))
        else:
            errors.append(ReadError(str(path), "broken symbolic link"))


def _is_inside(path: str, root: str) -> bool:
    """Return True if the real path ``path`` is ``root`` or lies under it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _not_regular(mode: int) -> str:
    """Return the reason a file of this ``st_mode`` that is not a regular file is refused."""
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        kind = "a FIFO"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "a special file"
    return f"not a regular file ({kind})"


def open_regular(path: Path, name: str) -> tuple[BinaryIO, int]:
    """Open ``path`` for reading without blocking; return the file and its size.

    A FIFO opened for reading blocks until a writer appears, so the file is opened
    with ``O_NONBLOCK`` and checked with ``fstat`` (on the open descriptor, so a
    file swapped after a check cannot slip through) before anything is read.

    Raises
    ------
    ReadError
        If ``path`` is missing, not a regular file, or cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ReadError(name, "no such file") from None
    except OSError as exc:
        raise ReadError(name, f"cannot read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(descriptor)
    except OSError as exc:
        os.close(descriptor)
        raise ReadError(name, f"cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise ReadError(name, _not_regular(info.st_mode))
    return os.fdopen(descriptor, "rb"), info.st_size


def _add_file(path: Path, found: set[Path], errors: list[ReadError]) -> None:
    """Add ``path`` to ``found`` if it is a supported text file, else record an error."""
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        reason = f"unsupported file type '{suffix}'" if suffix else "unsupported file type"
        errors.append(ReadError(str(path), reason + " (no extension)" * (not suffix)))
        return
    try:
        handle, _ = open_regular(path, str(path))
        with handle:
            head = handle.read(SNIFF_BYTES)
    except ReadError as exc:
        errors.append(exc)
        return
    except OSError as exc:
        errors.append(ReadError(str(path), f"cannot read ({exc.strerror or exc})"))
        return
    if _looks_binary(head):
        errors.append(ReadError(str(path), f"unsupported file type '{suffix}' (binary content)"))
        return
    found.add(path)


def _looks_binary(head: bytes) -> bool:
    """Return True if the leading bytes of a file are not text (NUL bytes, no UTF-16/32 BOM)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def read_document(path: Path, max_bytes: int = 20_000_000) -> Document:
    """Decode and parse one document file.

    Parameters
    ----------
    path : Path
        A markdown note, plain-text news article or HTML page.
    max_bytes : int
        Files larger than this are refused before they are read.

    Returns
    -------
    Document
        The text (see the module notes on normalisation), sources and segments.

    Raises
    ------
    ReadError
        If the file is missing, not a regular file (a folder, FIFO or device),
        too large, binary, undecodable, empty, of an unsupported type, has a
        paragraph over :data:`MAX_SEGMENT_CHARS` characters, or its content is
        malformed (e.g. broken front matter).

    Examples
    --------
    >>> corpus = Path(__file__).resolve().parent.parent / "data" / "corpus"
    >>> doc = read_document(corpus / "caravanserai-russian-it-exodus.txt")
    >>> doc.kind, doc.source.author
    (<DocumentKind.ARTICLE: 'article'>, 'Olha Chepil')
    """
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise ReadError(
            name,
            f"unsupported file type '{suffix}'"
            if suffix
            else "unsupported file type (no extension)",
        )
    handle, size = open_regular(path, name)
    with handle:
        if size > max_bytes:
            raise ReadError(name, f"file too large ({size} bytes, limit {max_bytes})")
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise ReadError(name, f"cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise ReadError(name, f"file too large (over {max_bytes} bytes)")
    text = decode_text(data, name)
    if not text.strip():
        raise ReadError(name, "empty file")
    kind = sniff_kind(path, text)
    if kind is DocumentKind.MARKDOWN:
        document = markdown.read_markdown(path, text)
    elif kind is DocumentKind.HTML:
        # Imported here: trafilatura takes 0.2 s, and a rebuild of an unchanged
        # corpus parses nothing.
        from graph.readers import html

        document = html.read_html(path, text)
    else:
        document = article.read_article(path, text)
    _check_segment_lengths(document)
    return document


def _check_segment_lengths(document: Document) -> None:
    """Raise a :class:`ReadError` if a segment of ``document`` is over :data:`MAX_SEGMENT_CHARS`."""
    for segment in document.segments:
        if len(segment.text) > MAX_SEGMENT_CHARS:
            where = ""
            if document.kind is not DocumentKind.HTML:  # HTML offsets are in extracted text
                start = segment.offsets.to_source(0)
                where = f" at line {document.text.count(chr(10), 0, start) + 1}"
            raise ReadError(
                document.path,
                f"paragraph too long ({len(segment.text)} characters{where}, "
                f"limit {MAX_SEGMENT_CHARS})",
            )


_CONTROLS = re.compile("[\x00-\x08\x0d-\x1f\x7f-\x9f]")
"""Control characters (Unicode category Cc) other than newline, tab, form feed and
vertical tab."""


def decode_text(data: bytes, name: str) -> str:
    """Decode file bytes to text with ``\\n`` line ends and no byte order mark.

    UTF-8 (with or without BOM) and UTF-16/UTF-32 with a BOM are decoded directly;
    anything else is guessed by charset-normalizer among common legacy encodings,
    preferring Windows-1252 when it reads the bytes equally well.

    Raises
    ------
    ReadError
        If the bytes hold NUL or many control characters (not text) or cannot be
        decoded.

    Examples
    --------
    >>> decode_text(codecs.BOM_UTF8 + b"a\\r\\rb", "x.txt")
    'a\\n\\nb'
    >>> decode_text("Zürich".encode("utf-16"), "x.txt")
    'Zürich'
    """
    text = _decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise ReadError(name, "not a text file (contains NUL bytes)")
    controls = len(_CONTROLS.findall(text))
    if controls > max(2, len(text) // 100):
        raise ReadError(name, "not a text file (binary content)")
    return text


def _decode(data: bytes, name: str) -> str:
    """Return ``data`` decoded by BOM, as UTF-8, or by a charset guess.

    UTF-8 whose only fault is a character cut off at the very end is UTF-8, with
    that partial character replaced by U+FFFD (rather than guessed as Windows-1252,
    which would turn every accented letter into mojibake).
    """
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    )  # fmt: skip
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(
                    name, f"cannot decode as {encoding.upper()} ({exc.reason} at byte {exc.start})"
                ) from None
    if b"\x00" in data:
        raise ReadError(name, "not a text file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            # UTF-8 cut off inside its last character (a download or copy stopped at
            # a byte limit): the text is UTF-8, the broken tail becomes U+FFFD.
            return data.decode("utf-8", "replace")
    matches = charset_normalizer.from_bytes(data, cp_isolation=list(GUESS_ENCODINGS))
    best = matches.best()
    if best is None:
        raise ReadError(name, "cannot decode: unknown character encoding")
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos:
            return str(match)
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    return western if western == str(best) else str(best)


def sniff_kind(path: Path, text: str) -> DocumentKind:
    """Return the kind of a document from its content and extension.

    Content starting like an HTML page is HTML whatever the extension; a text file
    opening with a YAML front matter block is a markdown note; otherwise the
    extension decides (``.txt`` is a news article).
    """
    if _HTML_START.match(text[:4096]):
        return DocumentKind.HTML
    kind = EXTENSIONS.get(path.suffix.lower(), DocumentKind.ARTICLE)
    if kind is DocumentKind.ARTICLE and has_front_matter(text):
        return DocumentKind.MARKDOWN
    return kind


def has_front_matter(text: str) -> bool:
    """Return True if ``text`` starts with a closed ``---`` ... ``---`` block.

    Examples
    --------
    >>> has_front_matter("---\\ntitle: a\\n---\\ntext"), has_front_matter("--- a\\n")
    (True, False)
    """
    return markdown.split_front_matter(text) is not None
