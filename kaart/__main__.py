"""``python -m kaart`` runs the ``kaart`` command."""

from kaart.cli import main

main()
