"""The upload gate: every boundary and park a user gives passes through here.

See :mod:`layers.user_area` for the entry points.
"""
