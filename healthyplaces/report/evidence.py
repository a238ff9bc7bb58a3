"""The report's "Evidence" section: access, air and mental health, after deprivation.

Formats :func:`analysis.evidence.evidence` (OLS, MSOA-clustered or HC3 95%
intervals) as a :class:`~healthyplaces.report.model.Section`: the plain-language
summary, the coefficient table with n, a scatter by IMD quintile, the caveats
(ecological, cross-sectional, confounded), or the "too few LSOAs" message.
No computation here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis import evidence as ev
from analysis.areas import Area
from analysis.engine import Results
from healthyplaces.formatting import fmt_number
from healthyplaces.report.equity_figures import evidence_scatter_png
from healthyplaces.report.model import Block, Figure, Note, Section, Subheading, Table
from layers.evidence_data import HealthTables, load_tables


def _errors(model: Mapping[str, Any]) -> str:
    if model["cov_type"] == "cluster":
        return f"clustered, {model['n_clusters']} MSOAs"
    return str(model["cov_type"]).upper()


def coefficient_table(result: Mapping[str, Any]) -> Table:
    """One row per coefficient of every estimated model (suppressed models omitted): per-SD
    coefficient, 95% CI, p, n, the model's R² and its errors, as text. The report's table
    and the Evidence page's."""
    rows = []
    for model in result["models"]:
        if model["suppressed"]:
            continue
        for c in model["coefficients"]:
            rows.append(
                [
                    str(model["outcome_label"]),
                    str(c["label"]),
                    f"{fmt_number(c['sd'], 2)} {c['sd_unit']}",
                    f"{c['coef']:+.3f}",
                    f"{c['ci_low']:+.3f} to {c['ci_high']:+.3f}",
                    "< 0.001" if c["p"] < 0.001 else f"{c['p']:.3f}",
                    f"{model['n']:,} {model['level']}s",
                    f"{model['r2']:.3f}",
                    _errors(model),
                ]
            )
    caption = (
        "Coefficients: the difference in the outcome (SAMHI index points, or percentage points "
        "of residents in bad or very bad health) between areas one standard deviation (1 SD) "
        "apart in the predictor, the others, including the IMD 2025 score, held equal; 95% "
        "confidence intervals from the errors named."
    )
    cols = ["Outcome", "Predictor", "1 SD", "Per SD", "95% CI", "p", "n", "R²", "Errors"]
    numeric = [False, False, True, True, True, True, True, True, False]
    return Table(caption, cols, rows, numeric, (31, 32, 18, 12, 24, 11, 16, 10, 28))


def _scatter(results: Results, area: Area, tables: HealthTables) -> Figure:
    frame = ev.lsoa_frame(results, area, tables.samhi)
    term = ev.GREEN
    label = f"{term.label} ({term.unit})"
    return Figure(
        f"SAMHI 2022 against {term.label.lower()}, by IMD quintile",
        evidence_scatter_png(frame, term.column, label, ev.SAMHI_2022.key),
        f"Scatter plot of {len(frame):,} LSOAs of {area.name}: SAMHI 2022 (higher is poorer "
        f"mental health) against {label.lower()}, each point coloured and shaped by its IMD "
        "2025 quintile.",
        f"SAMHI 2022 (v5) against {label.lower()}, one point per LSOA of {area.name}, by IMD "
        "2025 quintile (1 = most deprived 20% in England). Unadjusted: the table allows for "
        "deprivation.",
    )


def evidence_section(results: Results, area: Area, tables: HealthTables | None = None) -> Section:
    """The "Evidence" section of ``area``'s report (``tables``: default from the bundle)."""
    tables = tables if tables is not None else load_tables()
    result = ev.evidence(results, area, tables)
    blocks: list[Block] = [
        "Are green space, blue space and NO₂ linked with mental health here, once deprivation "
        "is allowed for? These are associations between small areas, not causes."
    ]
    if result["suppressed"]:
        blocks.append(Note(ev.too_few_message(result)))
    else:
        blocks += [Note(str(result["summary"])), coefficient_table(result)]
        blocks += [
            Note(f"{m['outcome_label']}: {m['suppression']}")
            for m in result["models"]
            if m["suppressed"]
        ]
        blocks.append(_scatter(results, area, tables))
    blocks.append(Subheading("Read with care"))
    blocks += [f"• {c}" for c in result["caveats"]]
    blocks.append(f"Method: {result['method']} Sources: {'; '.join(result['sources'])}.")
    return Section("evidence", "Evidence: access, air and mental health", blocks)
