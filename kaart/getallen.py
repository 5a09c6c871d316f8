"""Numbers the way a Dutch reader writes them: thousands with dots, a decimal comma (``709.632,31``).

One formatter for every table, message and export text of the CLI, the engine and the pages, so a
figure reads the same wherever it is shown.
"""

from __future__ import annotations


def getal(x: float, decimalen: int = 0) -> str:
    """``x`` with ``decimalen`` decimals, the Dutch way: ``getal(121434) == "121.434"``, ``getal(2.5, 1) == "2,5"``."""
    return f"{x:,.{decimalen}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
