"""`causal extract` from the command line: PDFs built here (matplotlib's PDF backend, pypdf),
and bad input refused with one sentence, exit 2, nothing written."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from causal.cli import main
from causal.study.load import load_study
from tests.conftest import ROOT

PAPERS = ROOT / "tests" / "data" / "papers"
SENTENCE_1 = "Support was associated with recovery (aOR 2.54, 95% CI 1.32-4.89, p = .005)."
SENTENCE_2 = "The crude odds ratio was 2.38 (95% CI 1.36 to 4.18)."


def _text_pdf(pages: list[str]) -> bytes:
    """A PDF with a text layer: one matplotlib figure per page, the sentence as text."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"CreationDate": None}) as pdf:
        for text in pages:
            figure = Figure(figsize=(8.5, 11))
            figure.text(0.05, 0.9, text, fontsize=9)
            pdf.savefig(figure)
    return buffer.getvalue()


def _image_pdf() -> bytes:
    """A 'scanned' page: an image and no text at all."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 4))
    figure.figimage(np.random.default_rng(0).uniform(size=(200, 200)), cmap="gray")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf")
    return buffer.getvalue()


def test_pdf_pages_quotes_and_spans(tmp_path, capsys):
    path = tmp_path / "paper.pdf"
    path.write_bytes(_text_pdf([SENTENCE_1, "Methods page without estimates.", SENTENCE_2]))
    study = tmp_path / "paper.toml"
    assert main(["extract", str(path), "--json", "--study", str(study), "--common-outcome"]) == 0
    document = json.loads(capsys.readouterr().out)
    pages = [item["page"] for item in document["items"]]
    assert pages == [1, 3]
    first, second = document["items"]
    assert (first["measure"], first["estimate"], first["ci"], first["p_value"]) == (
        "OR", "2.54", ["1.32", "4.89"], ".005")
    assert first["measure_as_written"] == "aOR" and second["adjustment"] == "none"
    from causal.claims import read_paper

    paper = read_paper(path)
    for item in document["items"]:
        start, end = item["span"]
        assert paper.page(item["page"])[start:end] == item["quote"]
    loaded = load_study(study)
    assert [c.estimates[0].source[:14] for c in loaded.claims] == ["reported, p. 1",
                                                                  "reported, p. 3"]


def test_seed_text_table(capsys):
    assert main(["extract", str(PAPERS / "thew2024_blog_summary.txt")]) == 0
    out = capsys.readouterr().out
    assert "OR 2.54 | 95%: 1.32 to 4.89 | .005" in out
    assert "exp(0.9324) = 2.541" in out  # the symmetry arithmetic


def test_include_confirms_an_ambiguous_item(tmp_path, capsys):
    path = tmp_path / "p.txt"
    path.write_text("The association was 1.8 (95% CI 1.2–2.7).", encoding="utf-8")
    study = tmp_path / "s.toml"
    assert main(["extract", str(path), "--study", str(study)]) == 2
    assert "no estimate to write" in capsys.readouterr().err and not study.exists()
    assert main(["extract", str(path), "--study", str(study), "--include", "1"]) == 2
    assert "confirm it as 1:OR" in capsys.readouterr().err and not study.exists()
    assert main(["extract", str(path), "--study", str(study), "--include", "1:RR"]) == 0
    assert load_study(study).claims[0].estimates[0].measure == "RR"


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_text_pdf([SENTENCE_1]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _long_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "make", "message"), [
    ("scan.pdf", _image_pdf, "has no text layer"),
    ("locked.pdf", _encrypted_pdf, "is encrypted with a password"),
    ("book.pdf", lambda: _long_pdf(500), "500 pages is above the budget "
                                         "causal._budgets.MAX_PAPER_PAGES = 300"),
    ("broken.pdf", lambda: b"%PDF-1.4\n garbage", "could not be read as a PDF"),
    ("latin1.txt", lambda: "odds ratio 2,5 für Männer".encode("latin-1"), "is not UTF-8"),
])
def test_bad_papers_one_sentence_exit_2_nothing_written(tmp_path, capsys, name, make, message):
    path = tmp_path / name
    path.write_bytes(make())
    study = tmp_path / "out.toml"
    assert main(["extract", str(path), "--study", str(study), "--rare-outcome"]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_long_text_file_is_refused_by_pages(tmp_path, capsys):
    path = tmp_path / "book.txt"
    path.write_text("\f".join(["OR 2.0 (95% CI 1.1-3.6)"] * 301), encoding="utf-8")
    assert main(["extract", str(path)]) == 2
    assert "301 pages is above the budget" in capsys.readouterr().err


def test_existing_study_file_is_kept_without_force(tmp_path, capsys):
    study = tmp_path / "s.toml"
    study.write_text("# mine\n", encoding="utf-8")
    assert main(["extract", str(PAPERS / "thew2024_blog_summary.txt"), "--study", str(study),
                 "--common-outcome"]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert study.read_text() == "# mine\n"
