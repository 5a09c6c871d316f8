"""Maatschappelijke inrichtingsplannen: one plan per gebied or region that ties the kaart, the werksessies
and the afspraken into the process a council adopts (issue 18).

A plan runs through a voorfase and the four phases of the werksessies, names its parties and their role
per phase, its governance (the tafels) and per phase the six questions (wat, wie, hoe, waarom, waar,
wanneer); a regional plan holds the regional agreement: the verdeelsleutel's shares per gemeente, their
bods and the realisation (``regionaal``). It lives in the werksessies' database, in the same migrations
(``model``), changes only through the rules in ``regels`` and ``regionaal``, travels as one JSON file
(``uitwisseling``) and is adopted as one document, a page, PDF or Word file (``document``).
"""
