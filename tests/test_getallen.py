"""Dutch numbers: each formatter against literal strings a Dutch reader expects, and the reader of typed numbers."""

import math

import pytest

from kaart.getallen import afstand, getal, kort, lees_getal, met_eenheid, met_teken, weergave


def test_numbers_have_thousands_dots_and_a_decimal_comma():
    assert getal(121434) == "121.434"
    assert getal(709632.314, 2) == "709.632,31"
    assert getal(10**20) == "100.000.000.000.000.000.000"  # an int exactly, no float detour


def test_a_number_in_a_message_is_as_short_as_it_goes():
    assert [kort(0.5), kort(2.0), kort(1_000_000), kort(1234.5)] == ["0,5", "2", "1.000.000", "1.234,5"]
    assert kort(math.nan) == kort(math.inf) == "geen getal"


def test_a_signed_score_and_a_change():
    assert [met_teken(1.254), met_teken(-0.5), met_teken(0.04, 1)] == ["+1,25", "-0,50", "+0,0"]
    assert [met_teken(1234, 0), met_teken(-5, 0), met_teken(0, 0)] == ["+1.234", "-5", "+0"]


def test_a_value_with_its_unit():
    assert met_eenheid("23,5", "%") == "23,5%" and met_eenheid("3", "klasse") == "klasse 3"
    assert met_eenheid("7", "") == "7"
    assert [weergave(2345, "inwoners"), weergave(0.35, "aandeel"), weergave(-0.5, "score")] == [
        "2.345 inwoners", "35%", "-0,50"]
    assert weergave(None, "inwoners") == weergave(math.nan, "%") == "geen gegevens"


def test_typed_numbers_take_a_comma_or_a_point():
    assert lees_getal(" 2,5 ") == lees_getal("2.5") == 2.5
    with pytest.raises(ValueError):
        lees_getal("veel")


def test_a_distance_in_metres_or_kilometres():
    assert [afstand(750), afstand(999.4), afstand(1234), afstand(12500)] == ["750 m", "999 m", "1,2 km", "12,5 km"]


@pytest.mark.parametrize("waarde, eenheid, tekst", [
    (65.0, "%", "65,0%"), (25.24, "%", "25,2%"),  # one row of a table: the same decimals in every cell
    (0.0, "per 1.000 inwoners", "0,0 per 1.000 inwoners"), (72.24, "per 1.000 inwoners", "72,2 per 1.000 inwoners"),
    (272.0, "inwoners per km²", "272,0 inwoners per km²"),
    (12.0, "scholen", "12 scholen"), (2345.0, "inwoners", "2.345 inwoners"), (1.74, "personen", "1,7 personen"),
])
def test_a_rate_always_has_one_decimal_a_whole_count_none(waarde, eenheid, tekst):
    assert weergave(waarde, eenheid) == tekst


def test_the_unit_is_not_said_twice_beside_a_label_that_names_it():
    assert weergave(72.24, "per 1.000 inwoners", "Wmo-cliënten per 1.000 inwoners") == "72,2"
    assert weergave(272.0, "inwoners per km²", "Bevolkingsdichtheid") == "272,0 inwoners per km²"
    assert weergave(31.0, "%", "Percentage 65-plussers (%)") == "31,0%"  # a % stays with its number
    assert weergave(850.0, "m", "Afstand tot huisarts (m)") == "850 m"  # a distance is always written out
