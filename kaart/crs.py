"""The coordinate reference system of the engine: RD New (EPSG:28992), in metres.

Every analysis and every stored layer is in RD New, so distances and areas are metres
everywhere; WGS84 (EPSG:4326) appears only at the web edge. Defined once, so no module
can drift to another system.
"""

RD_NEW = "EPSG:28992"
