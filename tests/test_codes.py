"""CBS area codes as CBS writes them: digits, and since 2024 letters in the wijk and buurt parts."""

import csv

import pytest

from kaart import codes
from kaart.errors import InputError


def test_every_buurt_code_of_2024_parses_with_its_wijk_and_gemeente(shared_file):
    """All 14,574 buurten of KWB 2024 (517 of Amsterdam with letters) are valid, and their parents are
    derived by position: the wijk is the first eight characters with WK, the gemeente the four digits."""
    path = shared_file("cbs_odata_fixtures/85984NED_buurtcodes_namen_2024.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        buurten = [row["Identifier"] for row in csv.DictReader(handle)]
    assert len(buurten) == 14_574
    met_letters = [c for c in buurten if not c[2:].isdigit()]
    assert len(met_letters) == 517

    assert [c for c in buurten if not codes.is_valid(c)] == []
    assert {codes.niveau(c) for c in buurten} == {"buurt"}
    for code in buurten:
        wijk, gemeente = codes.wijkcode(code), codes.gemeentecode(code)
        assert wijk == "WK" + code[2:8] and codes.is_valid(wijk) and codes.niveau(wijk) == "wijk"
        assert gemeente == "GM" + code[2:6] and codes.is_valid(gemeente) and codes.niveau(gemeente) == "gemeente"
        assert codes.gemeentecode(wijk) == gemeente
    assert {codes.gemeentecode(c) for c in met_letters} == {"GM0363"}
    assert codes.wijkcode("BU0363AA01") == "WK0363AA"


@pytest.mark.parametrize("code", ["WK0363AF", "BU0363AA01", "bu0363aa01 ", "WK050501", "BU05050101", "GM0505"])
def test_codes_with_letters_or_digits_are_valid(code):
    assert codes.is_valid(codes.clean(code))


@pytest.mark.parametrize("code", ["GM05AB", "WK0363A", "BU0363AA0", "BU0363AA011", "WK03A3AF", "BU0363-A01",
                                  "XX0363AA01", "GM505"])
def test_malformed_codes_are_refused(code):
    assert not codes.is_valid(codes.clean(code))
    with pytest.raises(InputError, match="Geen CBS-gebiedscode"):
        codes.validate([code])


def test_a_gemeente_code_stays_digits_only():
    assert codes.gemeente("363") == "GM0363"
    with pytest.raises(InputError, match="GM en vier cijfers"):
        codes.gemeente("GM03AB")


def test_letter_codes_keep_their_level_and_parents_through_normalising():
    import pandas as pd

    from kaart.normaliseren import normalise

    frame = pd.DataFrame({"Codering_3": ["GM0363  ", "WK0363AF  ", "BU0363AF01", "BU0363AF02"],
                          "WijkenEnBuurten": ["Amsterdam", "Noord", "Buurt een", "Buurt twee"],
                          "AantalInwoners_5": [900_000, 4_000, 1_500, 2_500]})
    rows, report = normalise(frame, bron="test", jaar=2024)
    assert report.ongeldige_codes == []
    assert rows[["code", "niveau", "wijkcode", "gemeentecode"]].fillna("-").values.tolist() == [
        ["GM0363", "gemeente", "-", "GM0363"], ["WK0363AF", "wijk", "-", "GM0363"],
        ["BU0363AF01", "buurt", "WK0363AF", "GM0363"], ["BU0363AF02", "buurt", "WK0363AF", "GM0363"]]
