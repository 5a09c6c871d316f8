"""Dates read the Dutch way: the month written out, no ISO dates."""

from datetime import date, datetime

from kaart.datums import datum, moment


def test_datum_schrijft_de_maand_uit():
    assert datum(date(2027, 3, 1)) == "1 maart 2027"
    assert datum(date(2026, 12, 31)) == "31 december 2026"


def test_moment_met_tijd():
    assert moment(datetime(2027, 3, 1, 14, 5)) == "1 maart 2027 om 14:05"
    assert moment(datetime(2027, 10, 9, 9, 0)) == "9 oktober 2027 om 09:00"
