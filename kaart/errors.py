"""The few exceptions the project raises on purpose.

Every one carries the problem and the fix in one message, so the CLI and the
web app can show it as it is, without a traceback. They subclass a builtin so
callers that only know ``ValueError`` or ``ConnectionError`` still catch them.

The language rule: the engine's messages are Dutch, because they reach the web
user as they are, and they never name a command-line flag, a command or a URL
parameter (no ``--gemeente``, no ``'kaart build'``): the engine does not know who
called it. Where the fix is to give an input, the error carries that input's
concept in ``parameter`` (``"gemeente"``, ``"jaar"``, ``"minimum"``); the CLI adds
its own flag to the message (``(--gemeente)``), the web app shows the message as
it is, beside its form. Messages about the CLI's own flags stay in the CLI. The
sources in ``layers`` are read only by the command, so their messages may name its flags.
"""

from __future__ import annotations

from pathlib import Path


class KaartError(Exception):
    """A problem the user can fix; ``str(err)`` is the message to show.

    ``parameter`` names the input to give or change (a concept such as ``"gemeente"``), for a caller
    that knows under which flag or field the user types it; ``waarde`` the value the fix suggests for it.
    """

    def __init__(self, problem: str, fix: str | None = None, *, parameter: str | None = None,
                 waarde: object = None):
        self.problem = problem
        self.fix = fix
        self.parameter = parameter
        self.waarde = waarde
        super().__init__(f"{problem} {fix}" if fix else problem)


class InputError(KaartError, ValueError):
    """Bad input from the user: an unknown gemeente, an unsupported year, a file without codes."""


class DefinitieError(KaartError, ValueError):
    """A definition file (indicators, profiles, facilities, woonvormen: TOML) is wrong.

    The message names the file and the entry, so whoever edited it finds the line to fix.
    """

    def __init__(self, pad: str | Path, entry: str, problem: str, fix: str):
        self.pad = Path(pad)
        self.entry = entry
        super().__init__(f"{self.pad.name}, {entry}: {problem}", fix)


class SourceError(KaartError):
    """A data source answered, but not with what we need (HTTP error, unexpected shape)."""


class NetworkError(SourceError, ConnectionError):
    """A data source could not be reached at all."""
