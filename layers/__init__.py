"""Source adapters: one module per data source (CBS OData, PDOK, local files, OpenStreetMap, demo).

Each adapter knows where its data comes from and hands the engine rows in the
canonical shape (see ``kaart.normaliseren``); what the data means is the
engine's (``kaart/definities/``). A source a kaart is built from registers
itself in ``layers.bouwbronnen``, so adding one is adding one module here.
"""
