"""Air indicator labels, as the app's legend and indicator picker show them."""

from __future__ import annotations

from analysis import air_years
from layers import catalogue


def test_air_labels_name_year_and_method_without_command_line_text() -> None:
    for column, meta in air_years.INDICATORS.items():
        assert "--" not in meta["label"], (column, meta["label"])
        assert meta["units"] == "µg/m³"
    newest = str(catalogue.NEWEST_PCM_YEAR)
    assert newest in air_years.INDICATORS["no2_ugm3"]["label"]
    assert air_years.INDICATORS["no2_ugm3"]["label"].endswith("population-weighted over postcodes")
