"""CBS sentinels and text numbers: missing is missing, never 0."""

import numpy as np
import pandas as pd
import pytest

from kaart.waarden import is_sentinel, to_number


@pytest.mark.parametrize("raw", ["-99999999", "-99999997", "-99995", " -99997 ", -99999999.0, -99997, "."])
def test_sentinels_and_markers_become_missing(raw):
    numbers, unparsed = to_number(pd.Series([raw, "12"], dtype=object))
    assert np.isnan(numbers.iloc[0])
    assert numbers.iloc[1] == 12
    assert unparsed == 0


def test_text_numbers_are_parsed_with_dutch_decimal_comma():
    numbers, unparsed = to_number(pd.Series(["29", " 2,1", "3.5", "0"]))
    assert numbers.tolist() == [29.0, 2.1, 3.5, 0.0]
    assert unparsed == 0


def test_true_zero_and_small_negatives_stay_numbers():
    numbers, _ = to_number(pd.Series([0, -5, -99989]))
    assert numbers.tolist() == [0.0, -5.0, -99989.0]


def test_text_that_is_no_number_is_counted_not_hidden():
    numbers, unparsed = to_number(pd.Series(["12", "onbekend", "x"]))
    assert numbers.isna().tolist() == [False, True, True]
    assert unparsed == 1  # "x" is a CBS marker, "onbekend" is not


def test_is_sentinel():
    assert is_sentinel("-99999999") and is_sentinel(-99997.0)
    assert not is_sentinel("12") and not is_sentinel("abc") and not is_sentinel(-99989)
