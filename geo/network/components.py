"""Connected components of a walking network: which edges an origin may snap to.

An OSM walking network is never one piece: the central-Leeds 2022 network has
220 components, the largest holding 98.8% of the nodes; the rest are mostly
mapping fragments (a footway drawn a few metres short of the street it
joins, a private yard). An origin snapped onto a 2-node fragment would get
"no site reachable" at every distance, which is a fault of the map, not of
the place. So origins snap only to edges of the largest component or of any
component holding at least :data:`MIN_COMPONENT_LENGTH_M` of street.

Why 1,200 m: it is the 15-minute walk (15 min at 4.8 km/h; see
:mod:`geo.standards`). A component with less street than that cannot hold one
15-minute walk, so it is not a neighbourhood a resident lives in; on the
Leeds network this keeps 2 components (98.9% of nodes), and drops the
fragments of 2–32 nodes. Lengths are EPSG:27700 metres.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

#: A component with at least this much street (m) may catch an origin.
MIN_COMPONENT_LENGTH_M = 1_200.0


def component_labels(csr: csr_array) -> NDArray[np.intp]:
    """Component label of every node (0..k-1), from scipy's union-find.

    Parameters
    ----------
    csr
        Symmetric ``n × n`` edge-length matrix (m).

    Returns
    -------
    numpy.ndarray of int
        One label per node position.
    """
    _, labels = connected_components(csr, directed=False)
    out: NDArray[np.intp] = labels.astype(np.intp)
    return out


def snappable_edges(
    csr: csr_array,
    edge_u: NDArray[np.intp],
    edge_length: NDArray[np.float64],
    min_length_m: float = MIN_COMPONENT_LENGTH_M,
) -> NDArray[np.bool_]:
    """Edges in the largest component or in one with at least ``min_length_m`` of street.

    Parameters
    ----------
    csr
        Symmetric edge-length matrix (m) over the same nodes as ``edge_u``.
    edge_u
        Node position of one end of each edge.
    edge_length
        Edge lengths, m.
    min_length_m
        Street length (m) a component needs to catch origins.

    Returns
    -------
    numpy.ndarray of bool
        One flag per edge; all True for a connected graph.
    """
    if len(edge_u) == 0:
        return np.zeros(0, dtype=bool)
    labels = component_labels(csr)
    edge_label = labels[edge_u]
    total = np.bincount(edge_label, weights=edge_length, minlength=int(labels.max()) + 1)
    size = np.bincount(labels)
    keep = total >= min_length_m
    keep[int(np.argmax(size))] = True
    flags: NDArray[np.bool_] = keep[edge_label]
    return flags
