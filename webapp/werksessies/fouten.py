"""A request a werksessie refuses: a Dutch message for the participant and the HTTP status to send."""

from __future__ import annotations


class Weigering(Exception):
    """Raised by the werksessie operations; the views turn it into a JSON error or a Dutch page."""

    def __init__(self, melding: str, status: int = 400):
        super().__init__(melding)
        self.melding = melding
        self.status = status
