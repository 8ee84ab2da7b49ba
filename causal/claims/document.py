"""A paper's text, page by page: a PDF's text layer (pypdf), or a text or Markdown file as is.

Pages are numbered from 1. A text file is one page unless it holds form feeds (``\\f``), which
separate pages (``pdftotext`` writes them). Every page's text is kept exactly as read, so a
character span found in it points at the same characters the user can see in
:attr:`PaperText.pages`.

Refused, each with one sentence (a :class:`~causal.errors.DataError`): a file that is not
there or cannot be read; a PDF that is encrypted (with a password that the empty string does
not open), damaged, or has no text layer at all (scanned images need OCR first); more pages
than :data:`causal._budgets.MAX_PAPER_PAGES`; more bytes than
:data:`causal._budgets.MAX_PAPER_BYTES`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from causal.errors import DataError

#: a page whose text has fewer non-blank characters than this counts as having no text
MIN_TEXT_CHARS = 20


@dataclass(frozen=True)
class PaperText:
    """The text of a paper: ``pages[i]`` is page ``i + 1``, exactly as read."""

    source: str
    kind: str  # "pdf" or "text"
    pages: tuple[str, ...]
    sha256: str

    def page(self, number: int) -> str:
        return self.pages[number - 1]


def _budget(name: str) -> int:
    from causal import _budgets

    return int(getattr(_budgets, name))


def read_paper(path: str | Path) -> PaperText:
    """Read a PDF, text or Markdown file into pages (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: paper not found (expected a PDF, text or Markdown file).")
    size = path.stat().st_size
    if size > _budget("MAX_PAPER_BYTES"):
        raise DataError(f"{path}: {size:,} bytes is above the budget "
                        f"causal._budgets.MAX_PAPER_BYTES = {_budget('MAX_PAPER_BYTES'):,}; "
                        f"split the file or pass the article's pages only.")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror or error}).") from None
    digest = hashlib.sha256(raw).hexdigest()
    if raw[:1024].lstrip().startswith(b"%PDF-") or path.suffix.lower() == ".pdf":
        return PaperText(str(path), "pdf", _pdf_pages(path), digest)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: is not UTF-8 text (byte {error.start}) and not a PDF; save "
                        f"it as UTF-8 or pass the PDF.") from None
    pages = tuple(text.split("\f"))
    _check_pages(path, len(pages))
    if sum(len(p.split()) for p in pages) == 0:
        raise DataError(f"{path}: the file is empty; expected the text of a paper.")
    return PaperText(str(path), "text", pages, digest)


def _check_pages(path: Path, count: int) -> None:
    limit = _budget("MAX_PAPER_PAGES")
    if count > limit:
        raise DataError(f"{path}: {count:,} pages is above the budget "
                        f"causal._budgets.MAX_PAPER_PAGES = {limit:,}; pass the article's own "
                        f"pages (e.g. split off the supplement).")


def _pdf_pages(path: Path) -> tuple[str, ...]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings about sloppy PDFs
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            opened = False
            try:
                opened = bool(reader.decrypt(""))
            except (PyPdfError, NotImplementedError, DependencyError):  # AES needs `cryptography`
                opened = False
            if not opened:
                raise DataError(f"{path}: the PDF is encrypted with a password; decrypt it "
                                f"first (e.g. `qpdf --decrypt --password=... in.pdf out.pdf`) "
                                f"and pass the decrypted file.")
        count = len(reader.pages)
        _check_pages(path, count)
        pages = tuple(page.extract_text() or "" for page in reader.pages)
    except DataError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataError(f"{path}: could not be read as a PDF ({first}).") from None
    if count == 0:
        raise DataError(f"{path}: the PDF has no pages.")
    if sum(len("".join(p.split())) for p in pages) < MIN_TEXT_CHARS:
        raise DataError(f"{path}: the PDF has no text layer ({count} page(s) of images, e.g. "
                        f"a scan); run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and pass the "
                        f"result.")
    return pages

