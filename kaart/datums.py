"""Dates and moments the way a Dutch reader writes them (``1 maart 2027``, ``1 maart 2027 om 14:05``).

Every page, message and export text shows a date through these two functions, never an ISO date:
a council reads "uiterlijk 1 maart 2027", not "2027-03-01". Babel holds the Dutch month names.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime

LOCALE = "nl_NL"


def datum(d: date | datetime) -> str:
    """``datum(date(2027, 3, 1)) == "1 maart 2027"``."""
    return format_date(d, format="long", locale=LOCALE)


def moment(t: datetime) -> str:
    """``moment(datetime(2027, 3, 1, 14, 5)) == "1 maart 2027 om 14:05"``."""
    return format_datetime(t, "d MMMM y 'om' HH:mm", locale=LOCALE)
