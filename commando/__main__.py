"""``python -m commando`` runs the ``kaart`` command."""

from commando.cli import main

main()
