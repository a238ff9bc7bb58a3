"""The project's one error hierarchy (as ``osmnx._errors``).

Every error a user can cause or meet derives from :class:`HealthyPlacesError`,
so the app and the command line catch one type and show its message, which
always says what went wrong and what to do. Each also derives from the
built-in error it refines (``LookupError``, ``ValueError`` …), so callers that
catch those keep working.

This module imports nothing from the project, so every floor may raise these.
"""

from __future__ import annotations


class HealthyPlacesError(Exception):
    """Base of every error the project raises on purpose; its message is for the user."""


class BundleError(HealthyPlacesError, RuntimeError):
    """A bundle file is missing, unreadable or fails its checksum; the message says the fix."""


class PlaceNotFound(HealthyPlacesError, LookupError):
    """No place matches; ``suggestions`` holds the nearest names (with codes)."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No place called {query!r} in West Yorkshire.{hint}")


class AmbiguousPlace(HealthyPlacesError, LookupError):
    """A name matches several places; ``matches`` lists them with codes and levels."""

    def __init__(self, query: str, matches: list[str]) -> None:
        self.query = query
        self.matches = matches
        super().__init__(
            f"{query!r} matches several places: {', '.join(matches)}. Use a code instead."
        )


class UserAreaError(HealthyPlacesError, ValueError):
    """An uploaded or drawn boundary cannot be used; the message says why and what to do."""


class AirQualityFormatError(HealthyPlacesError, ValueError):
    """A DEFRA file does not have the expected layout; the message says what was found."""


class FetchError(HealthyPlacesError, OSError):
    """A download failed; the message names the URL and says whether we look offline."""


class UnknownLayer(HealthyPlacesError, ValueError):
    """The layer is not in the catalogue or cannot be exported; the message lists what can."""
