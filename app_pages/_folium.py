"""The one way pages show a folium map: streamlit-folium's ``st_folium``, rendered once,
and for a map seen before, not rebuilt at all.

* ``st_folium(render=True)``, its default, renders the whole figure and then
  the map again, so every layer's GeoJSON is serialised twice: 2 s of a county
  map's rerun, profiled. Every map here comes from
  :func:`healthyplaces.maps.base_map`, whose own render puts everything the
  frame needs (Leaflet, the CSS) in the figure's header, so one render
  (``render=False``) sends the same header and script (tested in
  ``tests/test_mapping.py``).
* Building and serialising a map is most of a rerun's server time (4 s of CPU
  for the county map on a 2-core machine, measured by ``bench/bench_browser.py``),
  and a map is a pure function of the bundle, the place and the layer
  choices. With a ``cache_key``, :func:`show_map` keeps what ``st_folium``
  sent to the browser for that key (the component's arguments: script,
  header, bounds) and sends them again when the same map is asked for, by
  any session, without building it: switching a layer off again, going back
  to a place, or ten people opening the county map. At most
  :data:`FRAMES_KEPT` frames are kept (least recently used first out), each a
  few MB.
* With ``in_place=True`` the map is split (:func:`healthyplaces.maps.live_parts`)
  into a base that is the same for every place and the layer groups, sent as
  streamlit-folium's ``feature_group_to_add``. Its component is keyed by the
  base, so the browser keeps one Leaflet map and swaps the groups, instead of
  reloading the frame, Leaflet and every layer on each place or layer change.
* :func:`keep_frame` builds a map and keeps its frame without a Streamlit run
  (the component is not called), so a page can prepare the maps its users open
  first (the map explorer warms its districts' default maps in a background
  thread, :data:`WARM_ENV`).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import folium
import streamlit_folium
from streamlit_folium import st_folium

from healthyplaces import maps

#: How many map frames are kept (a county frame is about 4 MB).
FRAMES_KEPT = 24
#: Environment variable: "off" (or "0", "no") stops pages warming maps in the background.
WARM_ENV = "HEALTHYPLACES_WARM_MAPS"

_REAL_COMPONENT = streamlit_folium._component_func
_CAPTURE = threading.local()
_FRAMES: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
_FRAMES_LOCK = threading.Lock()


def _component(**kwargs: Any) -> Any:
    """streamlit-folium's component call, recording its arguments for the calling thread
    (and, for :func:`keep_frame`, only recording them)."""
    if getattr(_CAPTURE, "on", False):
        _CAPTURE.kwargs = dict(kwargs)
        if getattr(_CAPTURE, "dry", False):
            return None
    return _REAL_COMPONENT(**kwargs)


# st_folium looks its component up as a module global at each call: this passes every
# call through unchanged and records the arguments only for the thread that asks.
streamlit_folium._component_func = _component


def show_map(
    m: folium.Map | Callable[[], folium.Map],
    *,
    cache_key: Hashable | None = None,
    in_place: bool = False,
    **kwargs: Any,
) -> Any:
    """Show a map with ``st_folium(render=False, **kwargs)``; its state dict.

    Parameters
    ----------
    m
        The map, or (with ``cache_key``) a function that builds it, called only
        when no frame is kept for the key.
    cache_key
        Everything the map depends on (the bundle fingerprint, the place, the
        layer choices). None: build and send the map every time.
    in_place
        Update the layers of the map already in the browser rather than replace
        the frame (see the module notes). Give a fixed ``key``.
    **kwargs
        ``st_folium``'s options (``key``, ``height``, ``returned_objects``…);
        they are part of the kept frame's key.
    """
    if cache_key is None:
        return _send(m() if callable(m) else m, in_place, kwargs)
    key = _frame_key(cache_key, in_place, kwargs)
    with _FRAMES_LOCK:
        kept = _FRAMES.get(key)
        if kept is not None:
            _FRAMES.move_to_end(key)
    if kept is not None:
        return _REAL_COMPONENT(**kept)
    state, sent = _capture(m, in_place, kwargs, dry=False)
    if sent is not None:
        _keep(key, sent)
    return state


def keep_frame(
    build: Callable[[], folium.Map],
    *,
    cache_key: Hashable,
    in_place: bool = False,
    **kwargs: Any,
) -> bool:
    """Build a map and keep the frame :func:`show_map` would send for the same arguments,
    without sending it (no Streamlit run or session is needed); False if it was kept
    already. The frame is served to the first session that asks for it."""
    key = _frame_key(cache_key, in_place, kwargs)
    with _FRAMES_LOCK:
        if key in _FRAMES:
            return False
    _, sent = _capture(build, in_place, kwargs, dry=True)
    if sent is None:
        return False
    _keep(key, sent)
    return True


def warming_enabled() -> bool:
    """Whether pages may warm maps in the background (:data:`WARM_ENV`, on by default)."""
    return os.environ.get(WARM_ENV, "on").lower() not in ("off", "0", "no")


def _capture(
    m: folium.Map | Callable[[], folium.Map], in_place: bool, kwargs: dict[str, Any], *, dry: bool
) -> tuple[Any, dict[str, Any] | None]:
    """Send (or, ``dry``, only make) the map; its state and the component's arguments."""
    _CAPTURE.on, _CAPTURE.dry = True, dry
    try:
        state = _send(m() if callable(m) else m, in_place, kwargs)
        return state, _CAPTURE.__dict__.pop("kwargs", None)
    finally:
        _CAPTURE.on = _CAPTURE.dry = False


def _keep(key: Hashable, sent: dict[str, Any]) -> None:
    """Keep a frame as the most recently used (the least recently used go first)."""
    with _FRAMES_LOCK:
        _FRAMES[key] = sent
        while len(_FRAMES) > FRAMES_KEPT:
            _FRAMES.popitem(last=False)


def _send(m: folium.Map, in_place: bool, kwargs: dict[str, Any]) -> Any:
    """``st_folium`` once (``render=False``, the GeoJSON scripts not copied into the figure:
    :func:`healthyplaces.maps.scripts_only`), whole or split for an update in place."""
    with maps.scripts_only():
        if not in_place:
            return st_folium(m, render=False, **kwargs)
        parts = maps.live_parts(m)
        return st_folium(
            parts.base,
            render=False,
            feature_group_to_add=parts.groups,
            layer_control=parts.control,
            **kwargs,
        )


def _frame_key(cache_key: Hashable, in_place: bool, kwargs: dict[str, Any]) -> Hashable:
    """A kept frame's key: the map's own key, the sending mode and ``st_folium``'s options."""
    options = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(kwargs.items()))
    return (cache_key, in_place, options)
