"""A comparator: CDRC AHAH v4 beside the Healthy Places index, LSOA by LSOA.

Both indices run the same way (higher = less healthy). Spearman's rank
correlation (:func:`scipy.stats.spearmanr`) says how far they agree; the
percentile-rank difference says where they disagree most.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from analysis.areas import Area
from analysis.engine import Results
from layers import context

AHAH_SENTENCE = (
    "The two indices can disagree: AHAH also scores access to retail (fast food, pubs, "
    "gambling, tobacconists) and health services (GPs, pharmacies, dentists, hospitals, "
    "leisure centres), which the Healthy Places index does not, while the Healthy Places "
    "index adds size-tiered green space standards and habitat diversity."
)


def ahah_comparison(results: Results, area: Area | None = None, top: int = 10) -> dict[str, Any]:
    """Spearman rank correlation of the Healthy Places index with CDRC AHAH v4, and where
    they disagree most.

    Both scores run the same way (higher = less healthy). The disagreement of an
    LSOA is the difference of its percentile ranks within the area (0–1,
    ``rank_hpi − rank_ahah``; positive = less healthy by the Healthy Places index).
    """
    t = ahah_ranks(results, area)
    n = len(t)
    worst = t.reindex(t["rank_difference"].abs().sort_values(ascending=False).index).head(top)
    rho, p = spearmanr(t["hpi_score"], t["ahah_score"]) if n >= 3 else (np.nan, np.nan)
    return {
        "n_lsoa": n,
        "spearman_rho": None if not np.isfinite(rho) else float(rho),
        "p_value": None if not np.isfinite(p) else float(p),
        "disagree_most": worst[
            ["lsoa21_code", "lsoa21_name", "hpi_score", "ahah_score", "rank_difference"]
        ].to_dict(orient="records"),
        "why": AHAH_SENTENCE,
        "source": "CDRC AHAH v4 (Consumer Data Research Centre), overall index",
    }


def ahah_ranks(results: Results, area: Area | None = None) -> pd.DataFrame:
    """Per LSOA (in the area): both scores, their percentile ranks within the area (0–1)
    and ``rank_difference = rank_hpi − rank_ahah`` (for the disagreement map)."""
    table = results.lsoa[["lsoa21_code", "lsoa21_name", "hpi_score"]].merge(
        context.load_ahah(), on="lsoa21_code", how="left", validate="1:1"
    )
    keep = np.ones(len(table), bool) if area is None else np.asarray(area.share) > 0
    t = table.loc[
        keep & table["hpi_score"].notna().to_numpy() & table["ahah_score"].notna().to_numpy()
    ].copy()
    t["rank_hpi"] = t["hpi_score"].rank(pct=True)
    t["rank_ahah"] = t["ahah_score"].rank(pct=True)
    t["rank_difference"] = t["rank_hpi"] - t["rank_ahah"]
    return t.reset_index(drop=True)
