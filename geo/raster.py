"""A small in-memory raster and the exact sampling the analysis needs.

A :class:`Raster` is a 2-D float array on a north-up grid in EPSG:27700 with
an affine transform (metres). Cells without data are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from affine import Affine
from numpy.typing import NDArray


@dataclass(frozen=True)
class Raster:
    """A north-up grid: ``values[row, col]``, ``transform`` maps (col, row) to (x, y) corners.

    Attributes
    ----------
    values
        float64 array; NaN where there is no data.
    transform
        Affine transform of the cell corners, EPSG:27700 metres.
    crs
        CRS string (always ``EPSG:27700`` here).
    name, units, vintage, source
        What the values are, e.g. ``"no2"``, ``"µg/m³"``, ``"2019"``, ``"DEFRA PCM"``.
    """

    values: NDArray[np.float64]
    transform: Affine
    crs: str
    name: str
    units: str
    vintage: str
    source: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in metres."""
        h, w = self.values.shape
        x0, y0 = self.xy(np.array(0), np.array(0))
        x1, y1 = self.xy(np.array(w), np.array(h))
        return (float(min(x0, x1)), float(min(y0, y1)), float(max(x0, x1)), float(max(y0, y1)))

    def xy(
        self,
        col: NDArray[np.float64] | NDArray[np.intp],
        row: NDArray[np.float64] | NDArray[np.intp],
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Map (fractional) column and row indexes to x, y in metres.

        Parameters
        ----------
        col, row
            Column and row indexes; whole numbers give cell corners, ``+ 0.5`` centres.

        Returns
        -------
        (x, y)
            Coordinates, EPSG:27700 m, shaped like the inputs.
        """
        t = self.transform
        c, r = np.asarray(col, dtype=float), np.asarray(row, dtype=float)
        return t.a * c + t.b * r + t.c, t.d * c + t.e * r + t.f

    def index(
        self, x: NDArray[np.float64], y: NDArray[np.float64]
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.bool_]]:
        """Row and column of the cells containing points, and whether each is on the grid.

        A point on a shared cell edge belongs to the cell to its east and south,
        as in rasterio's ``index`` with ``op=floor``.

        Parameters
        ----------
        x, y
            Point coordinates, EPSG:27700 m.

        Returns
        -------
        (row, col, inside)
            Cell indexes (meaningful only where ``inside``) and the on-grid mask.
        """
        inv = ~self.transform
        xf, yf = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        col_f, row_f = inv.a * xf + inv.b * yf + inv.c, inv.d * xf + inv.e * yf + inv.f
        col = np.floor(col_f).astype(np.intp)
        row = np.floor(row_f).astype(np.intp)
        h, w = self.values.shape
        inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
        return row, col, inside

    def sample(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Values at points (EPSG:27700 m); NaN off the grid or where there is no data.

        Parameters
        ----------
        x, y
            Point coordinates, EPSG:27700 m.

        Returns
        -------
        numpy.ndarray of float
            The value of the cell containing each point, in :attr:`units`.
        """
        row, col, inside = self.index(x, y)
        out = np.full(row.shape, np.nan)
        out[inside] = self.values[row[inside], col[inside]]
        return out

    def cell_centres(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """x, y of every cell centre, each shaped like ``values``."""
        h, w = self.values.shape
        cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
        return self.xy(cols, rows)
