"""Colour-vision deficiency simulation and colour difference, for the palette tests.

* Dichromacy is simulated with the matrices of Machado, Oliveira & Fernandes
  (2009), "A physiologically-based model for simulation of color vision
  deficiency", IEEE TVCG 15(6): 1291–1298, severity 1.0 (protanopia,
  deuteranopia), applied to linear sRGB, as DaltonLens and colorspacious do.
* Colour difference is CIEDE2000 (Sharma, Wu & Dalal 2005, "The CIEDE2000
  color-difference formula: implementation notes", Color Res. Appl. 30(1)),
  in CIELAB under D65.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Machado et al. (2009), Table 1, severity 1.0; rows map linear RGB to linear RGB.
MACHADO_2009: dict[str, NDArray[np.float64]] = {
    "normal vision": np.eye(3),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
}
#: Linear sRGB to CIE XYZ (D65), IEC 61966-2-1.
_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_D65 = np.array([0.95047, 1.0, 1.08883])


def parse_colour(text: str) -> NDArray[np.float64]:
    """``#rrggbb`` or CSS ``rgb(r, g, b)`` / ``rgba(...)`` as sRGB in [0, 1]."""
    t = text.strip().lower()
    if t.startswith("#"):
        return np.array([int(t[i : i + 2], 16) for i in (1, 3, 5)], dtype=float) / 255
    if t.startswith("rgb"):
        parts = t[t.index("(") + 1 : t.index(")")].split(",")
        return np.array([float(p) for p in parts[:3]]) / 255
    raise ValueError(f"not a colour: {text!r}")


def simulated_lab(colours: list[str], vision: str) -> NDArray[np.float64]:
    """CIELAB (D65) of ``colours`` as seen with ``vision`` (a :data:`MACHADO_2009` key)."""
    srgb = np.array([parse_colour(c) for c in colours])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(linear @ MACHADO_2009[vision].T, 0, 1)
    xyz = seen @ _SRGB_TO_XYZ.T / _D65
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], 1)


def ciede2000(lab1: NDArray[np.float64], lab2: NDArray[np.float64]) -> NDArray[np.float64]:
    """CIEDE2000 difference of CIELAB rows ``lab1`` and ``lab2`` (broadcast), kL = kC = kH = 1."""
    L1, a1, b1 = np.moveaxis(lab1, -1, 0)
    L2, a2, b2 = np.moveaxis(lab2, -1, 0)
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    chroma0 = c1p * c2p == 0
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma0, 0.0, dh)
    d_big_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar = (L1 + L2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    wrapped = np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)
    h_bar = np.where(np.abs(h1p - h2p) <= 180, h_sum / 2, wrapped)
    h_bar = np.where(chroma0, h_sum, h_bar)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    dl, dc = (L2 - L1) / s_l, (c2p - c1p) / s_c
    dhh = d_big_h / s_h
    return np.asarray(np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh), dtype=float)


def closest_pair(a: list[str], b: list[str], vision: str) -> tuple[float, str, str]:
    """The smallest CIEDE2000 difference between a colour of ``a`` and one of ``b``."""
    la, lb = simulated_lab(a, vision), simulated_lab(b, vision)
    d = ciede2000(la[:, None, :], lb[None, :, :])
    i, j = np.unravel_index(int(np.argmin(d)), d.shape)
    return float(d[i, j]), a[i], b[j]
