"""Text for the core fonts of fpdf2, measured to fit (orienta.lib.pdf), shared by the slip, the
fund's statements and the data-subject export."""

import pytest
from fpdf import FPDF

from orienta.lib.pdf import ELLIPSIS, fit, latin1, shorten, wrap


@pytest.fixture
def pdf():
    document = FPDF(unit="mm", format=(105, 148))
    document.add_page()
    document.set_font("helvetica", "", 9)
    return document


def test_typography_and_letters_outside_latin1_are_mapped():
    assert latin1("l’enfant “ici” – œuvre …") == 'l\'enfant "ici" - oeuvre ...'
    assert latin1("Şerban, Łódź, Đorđe, 5 €") == "Serban, Lódz, Dorde, 5 EUR"
    assert latin1("1\u202f500\u00a0XAF") == "1 500 XAF"
    assert latin1("漢") == "?"
    assert latin1("Amílcar Cabral, Guiné-Bissau") == "Amílcar Cabral, Guiné-Bissau"


def test_every_line_fits_its_width(pdf):
    text = "Conservatória do Registo Civil de Bissau, Avenida Amílcar Cabral " * 5
    lines = wrap(pdf, text, 60, first_width=25)
    assert pdf.get_string_width(lines[0]) <= 25
    assert all(pdf.get_string_width(line) <= 60 for line in lines)
    assert " ".join(lines) == latin1(text.strip())


def test_a_no_break_space_keeps_an_amount_together(pdf):
    width = pdf.get_string_width("Prix : 1 500")
    lines = wrap(pdf, "Prix : 1\u202f500\u00a0XAF", width)
    assert lines == ["Prix :", "1 500 XAF"]


def test_a_word_longer_than_the_line_is_cut(pdf):
    url = "https://orienta.example.org/r/" + "x" * 60 + "/"
    lines = wrap(pdf, url, 40)
    assert len(lines) > 1 and "".join(lines) == url
    assert all(pdf.get_string_width(line) <= 40 for line in lines)


def test_fit_shortens_with_an_ellipsis_within_the_width(pdf):
    documents = ", ".join(f"Document {n} en original" for n in range(30))
    lines = fit(pdf, documents, 50, 2)
    assert len(lines) == 2 and lines[-1].endswith(ELLIPSIS)
    assert all(pdf.get_string_width(line) <= 50 for line in lines)
    assert fit(pdf, "Court", 50, 2) == ["Court"]
    assert fit(pdf, documents, 50, 0) == []


def test_shorten_never_overflows(pdf):
    assert pdf.get_string_width(shorten(pdf, "W" * 80, 20)) <= 20
