"""How source column names find their canonical column: one rule for camelCase, snake_case and CBS OData keys."""

import pytest

from kaart.kolommen import canonical_name, schema, sleutel, statistics_mapping


@pytest.mark.parametrize(("names", "kolom"), [
    (["aantalInwoners", "aantal_inwoners", "AantalInwoners_5", "AANTAL_INWONERS"], "inwoners"),
    (["percentagePersonen65JaarEnOuder", "percentage_personen_65_jaar_en_ouder"], "pct_65plus"),
    (["Woningvoorraad", "woningvoorraad", "Woningvoorraad_35"], "woningen"),
    (["gemiddeldeHuishoudsgrootte", "gemiddelde_huishoudsgrootte"], "gemiddelde_huishoudensgrootte"),
    (["GemiddeldeWoningwaarde", "gemiddelde_woningwaarde"], "woz_gemiddeld"),
    (["bevolkingsdichtheidInwonersPerKm2", "bevolkingsdichtheid_inwoners_per_km2"], "bevolkingsdichtheid"),
    # a snake_case name ending in a number is found as it is, not cut like an OData suffix
    (["percentageBouwjaarklasseTot2000", "percentage_bouwjaarklasse_tot_2000"], "pct_bouwjaar_voor_2000"),
    (["oppervlakteLandInHa", "oppervlakte_land_in_ha", "OPP_LAND"], "oppervlakte_land_ha"),
])
def test_camel_case_snake_case_and_odata_keys_find_one_column(names, kolom):
    assert [canonical_name(n) for n in names] == [kolom] * len(names)


@pytest.mark.parametrize("name", ["percentage_uit_marokko", "onbekend_veld", "jaarstatcode", "Onbekend_12"])
def test_names_of_no_known_statistic_find_none(name):
    assert canonical_name(name) is None


def test_no_two_columns_share_a_name_under_the_matching_rule():
    """Independently of ``alias_index``: every name of every column, compared as the rule compares them."""
    owners: dict[str, set[str]] = {}
    for kolom in schema().kolommen.values():
        for naam in (kolom.naam, *kolom.aliassen):
            owners.setdefault(naam.lower().replace("_", ""), set()).add(kolom.naam)
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}
    assert {sleutel(n) for n in ("aantal_inwoners", "aantalInwoners", "AANTAL_INWONERS")} == {"aantalinwoners"}


def test_colliding_aliases_are_refused_when_the_definitions_are_read(tmp_path):
    path = tmp_path / "kolommen.toml"
    path.write_text("""
[sleutel]
code = [["buurtcode", "buurtnaam"]]
gemeentenaam = ["gemeentenaam"]
jaar = ["jaar"]
water = ["water"]

[kolom.inwoners]
label = "Inwoners"
soort = "aantal"
aliassen = ["aantalInwoners"]

[kolom.bewoners]
label = "Bewoners"
soort = "aantal"
aliassen = ["aantal_inwoners"]
""", encoding="utf-8")
    with pytest.raises(ValueError, match="kolom bewoners: alias ‘aantal_inwoners’ is ook een naam van kolom inwoners"):
        schema(path)


def test_the_first_of_two_source_columns_for_one_statistic_wins():
    assert statistics_mapping(["aantal_inwoners", "AantalInwoners_5"]) == {"aantal_inwoners": "inwoners"}
