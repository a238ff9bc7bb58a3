"""Download public files (DEFRA, ONS, Geofabrik) by URL, atomically and with clear errors.

Used by the live loaders (e.g. :func:`layers.air_quality.pcm_from_url`); never
by the tests' offline paths, which use ``file://`` URLs.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from layers.bundle import atomic_path
from layers.errors import FetchError

#: Default download timeout, seconds.
FETCH_TIMEOUT_S = 60.0


def fetch_url(url: str, dest: Path | str, *, timeout: float = FETCH_TIMEOUT_S) -> Path:
    """Download ``url`` to ``dest`` (atomically: a failed download leaves ``dest`` as it was).

    Parameters
    ----------
    url
        ``http``, ``https`` or ``file`` URL (DEFRA, ONS and Geofabrik files).
    dest
        Destination file; its folder is created.
    timeout
        Seconds to wait for the server to connect or send data.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    FetchError
        Naming the URL and the reason; when the network is unreachable the
        message says so and that the embedded bundle works offline.
    """
    scheme = urllib.parse.urlparse(url).scheme
    if scheme not in {"http", "https", "file"}:
        raise ValueError(f"fetch_url needs an http(s) or file URL, got {url!r}")
    final = Path(dest)
    try:
        with (
            urllib.request.urlopen(url, timeout=timeout) as response,
            atomic_path(final) as tmp,
            open(tmp, "wb") as out,
        ):
            shutil.copyfileobj(response, out)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"Download failed: {url} answered HTTP {exc.code} {exc.reason}.") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        if scheme == "file":
            raise FetchError(f"Download failed: {url} ({reason}).") from exc
        raise FetchError(
            f"Could not download {url} ({reason}). You appear to be offline or the server "
            f"did not answer within {timeout:g} s. The embedded West Yorkshire bundle works "
            "without a network; live loaders need one."
        ) from exc
    return final
