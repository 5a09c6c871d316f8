"""The ``kaart`` command: the top floor, which orchestrates the engine (``kaart``), the sources
(``layers``) and the web app (``webapp``); nothing below imports it."""
