"""Source adapters: one module per data source (CBS OData, PDOK, local files, demo).

Each adapter knows where its data comes from and hands the engine rows in the
canonical shape (see ``kaart.normaliseren``).
"""
