"""The kaart GeoPackage: round trip, atomic writes, clear errors for what is not a kaart."""

import pyogrio
import pytest

from kaart.errors import InputError
from kaart.kaartbestand import read_kaart, write_kaart


def test_round_trip_keeps_levels_metadata_and_extra_layers(demo_kaart, tmp_path):
    path = write_kaart(demo_kaart, tmp_path / "k.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert {"gemeente", "wijk", "buurt", "voorzieningen", "metadata", "koppeling", "controle"} <= set(layers)
    assert layers["buurt"] == "MultiPolygon" and layers["metadata"] is None
    back = read_kaart(path)
    assert back.metadata["fictief"] is True and back.metadata["formaat_versie"] == 1
    assert back.metadata["licentie"] and back.metadata["attributie"]
    for niveau, frame in demo_kaart.gebieden.items():
        assert back.gebieden[niveau].index.tolist() == frame.index.tolist()
        assert back.gebieden[niveau].crs.to_epsg() == 28992
        assert back.gebieden[niveau]["inwoners"].sum() == frame["inwoners"].sum()


def test_an_interrupted_write_leaves_the_old_kaart_and_no_temporary_file(demo_kaart, tmp_path, monkeypatch):
    path = write_kaart(demo_kaart, tmp_path / "k.gpkg")
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pyogrio, "write_dataframe", broken)
    with pytest.raises(OSError):
        write_kaart(demo_kaart, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["k.gpkg"]


def test_reading_something_that_is_not_a_kaart_says_so(tmp_path):
    with pytest.raises(InputError, match="No kaart at"):
        read_kaart(tmp_path / "nope.gpkg")
    (tmp_path / "junk.gpkg").write_text("not a geopackage")
    with pytest.raises(InputError, match="not a readable GeoPackage"):
        read_kaart(tmp_path / "junk.gpkg")
