"""``kaart verdeel`` as a user runs it: a readable Dutch table, the CSV, and one-line errors for bad input."""

from __future__ import annotations

import pandas as pd
import pytest
from test_cli import assert_clean_failure, run

from kaart.verdeelsleutel import verdeel_kaart
from layers.demo import GEMEENTEN


def test_verdeel_prints_the_table_and_writes_the_csv(demo_kaart_pad, demo_kaart, tmp_path):
    csv = tmp_path / "verdeling.csv"
    result = run("verdeel", demo_kaart_pad, "--aantal", "50", "--jaren", "3", "--correctie", "0.5",
                 "--min", "GM9903=7", "--csv", csv)
    assert result.returncode == 0, result.stderr
    v = verdeel_kaart(demo_kaart, aantal=50, jaren=3, correctie=0.5, minimum={"GM9903": 7})
    regels = {regel.split()[0]: regel.split() for regel in result.stdout.splitlines() if regel.split()}
    for code, r in v.tabel.iterrows():
        cellen = regels[r["naam"]]
        assert cellen[-5:] == [*(str(int(r[f"jaar_{t}"])) for t in (1, 2, 3)), str(int(r["totaal"])),
                               f"{int(r['effect_correctie']):+d}"]
    assert "150 in totaal" in result.stdout and "[FICTIEF]" in result.stdout and "Correctiefactor" in result.stdout
    frame = pd.read_csv(csv, sep=";", decimal=",", encoding="utf-8-sig", index_col=0)
    assert frame["totaal"].to_dict() == v.tabel["totaal"].to_dict()


@pytest.mark.parametrize("args, fragment", [
    (["--aantal", "-5"], "negatief"),
    (["--aantal", "5", "--min", "2"], f"minimums tellen op tot {2 * len(GEMEENTEN)}"),
    (["--aantal", "5", "--regio", "Atlantis"], "Atlantis"),
    (["--aantal", "5", "--min", "veel"], "--min veel"),
    (["--aantal", "5", "--basis", "oppervlakte"], "huishoudens, inwoners, sociale_huur"),
    (["--aantal", "5", "--correctie", "3"], "correctie"),
    (["--aantal", "1" + "0" * 400], "meer dan de 1.000.000"),  # was "fout (onverwacht)": OverflowError
    (["--aantal", "5", "--min", "GM9901=" + "9" * 30], "0 tot en met 1.000.000"),
    (["--aantal", "5", "--jaren", "1" + "0" * 40], "1 tot en met 30"),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(demo_kaart_pad, args, fragment):
    result = run("verdeel", demo_kaart_pad, *args)
    assert_clean_failure(result)
    assert fragment in result.stderr


def test_verdeel_prints_large_numbers_the_dutch_way(demo_kaart_pad):
    result = run("verdeel", demo_kaart_pad, "--aantal", "1000000", "--jaren", "2", "--correctie", "0.5")
    assert result.returncode == 0, result.stderr
    assert "1.000.000 per jaar, 2 jaar: 2.000.000 in totaal" in result.stdout
    regel = next(r for r in result.stdout.splitlines() if r.startswith("Voorbeeldstad"))
    assert all("." in cel for cel in regel.split()[-4:-1]), regel  # the years and the total: 1.360.690, not 1360690
