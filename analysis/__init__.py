"""The analysis floor: the bundle (``layers/``) run through the analysis (``geo/``).

``engine`` computes every indicator for every LSOA; ``areas`` says who a place
or a polygon counts; ``profiles`` aggregates an area's headline indicators;
``new_park`` adds a proposed park. Nothing here draws, formats or writes files.
"""
