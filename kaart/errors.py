"""The few exceptions the project raises on purpose.

Every one carries the problem and the fix in one message, so the CLI and the
web app can show it as it is, without a traceback. They subclass a builtin so
callers that only know ``ValueError`` or ``ConnectionError`` still catch them.
"""


class KaartError(Exception):
    """A problem the user can fix; ``str(err)`` is the message to show."""

    def __init__(self, problem: str, fix: str | None = None):
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem} {fix}" if fix else problem)


class InputError(KaartError, ValueError):
    """Bad input from the user: an unknown gemeente, an unsupported year, a file without codes."""


class SourceError(KaartError):
    """A data source answered, but not with what we need (HTTP error, unexpected shape)."""


class NetworkError(SourceError, ConnectionError):
    """A data source could not be reached at all."""
