"""The engine's vocabulary as data: what the columns, indicators, profiles, facility categories and
woonvormen of a kaart mean (``kolommen.toml``, ``indicatoren.toml``, ``profielen.toml``,
``voorzieningen.toml``, ``woonvormen/``).

The engine owns these meanings, so they live inside it and travel in its wheel; the adapters in
``layers`` own only how a source is read. An analyst changes a definition here without Python.
"""

from pathlib import Path

MAP = Path(__file__).parent
"""The folder of the definition files."""
