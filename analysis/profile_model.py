"""The typed profile of an area: what ``healthyplaces profile --json`` prints, as a dataclass.

:func:`analysis.profiles.profile` builds a :class:`Profile`; :meth:`Profile.to_json`
gives the CLI's JSON with every key in its documented order (keys are a contract:
added, never renamed or dropped). A :class:`Profile` is also a read-only mapping of
those keys, so presentation code reads ``prof["access_straight"]`` whether it holds
a :class:`Profile` or the parsed JSON.

Units follow the key names (and ``units``): ``*_share`` and ``pop_share_*`` are 0–1
of residents (Census 2021 on the postcode population surface); ``*_ugm3`` µg/m³
(DEFRA PCM, the year in ``air_year``); ``*_ha`` hectares; ``*_per_1000`` hectares per
1,000 residents; distances metres (EPSG:27700); ``sii``/``rii``/``concentration_index``
carry ``value``, ``ci_low`` and ``ci_high`` (95%).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

#: The year-keyed section names (their year is part of the key).
_YEAR_KEYED = ("air_change_", "air_second_source_laqm_")


@dataclass(frozen=True, kw_only=True, eq=False)
class Profile(Mapping[str, Any]):
    """Every headline indicator of one area (see the module docstring for units)."""

    place: dict[str, str | None]
    method: str
    n_lsoas: int
    population: float
    imd_score_pop_weighted: float
    lsoa_share_most_deprived_decile: float
    pop_share_imd_deciles_1_2: float
    no2_pop_weighted_ugm3: float
    pop_share_no2_above_who: float
    pop_share_no2_above_uk_limit: float
    air_coverage: dict[str, Any]
    pm25_pop_weighted_ugm3: float
    pop_share_pm25_above_who: float
    pop_share_pm25_above_uk_limit: float
    pm10_pop_weighted_ugm3: float
    pop_share_pm10_above_who: float
    pop_share_pm10_above_uk_limit: float
    accessible_green_ha: float
    accessible_green_ha_per_1000: float
    green_standard_ha_per_1000: float
    nature_reserve_ha_per_1000: float
    lnr_standard_ha_per_1000: float
    access_straight: dict[str, Any]
    access_network: dict[str, float | None]
    access_network_coverage: dict[str, Any]
    detour_ratio_median: dict[str, Any]
    rule_3_30_300_share: float
    blue_within_300m_share: float
    blue_within_1km_share: float
    blue_network_within_300m_share: float | None
    habitat_shannon: float
    habitat_shannon_1km_pop_weighted: float
    natural_share: float
    nature_reserve_share: float
    trees_per_km2: float
    double_burden_population: int
    double_burden_lsoas: int
    no2_county_median_ugm3: float
    sii: dict[str, Any]
    rii: dict[str, Any]
    concentration_index: dict[str, Any]
    sii_meets_2ha_300m: dict[str, Any]
    rii_meets_2ha_300m: dict[str, Any]
    concentration_index_meets_2ha_300m: dict[str, Any]
    erreygers_index_meets_2ha_300m: dict[str, Any]
    hpi_score_pop_weighted: float
    air_year: int
    air_years: list[int]
    air_exposure_method: str
    air_labels: dict[str, Any]
    air_uk_limit_note: str
    air_by_year: dict[str, Any]
    #: Year-keyed air sections (``air_change_2019_2023``, ``air_second_source_laqm_2018``).
    year_sections: dict[str, Any] = field(default_factory=dict)
    access_network_same_people_straight: dict[str, Any]
    access_network_detour_share: dict[str, Any]
    walk_15min: dict[str, Any]
    after_dark: dict[str, Any]
    site_definition: dict[str, Any]
    access_straight_by_definition: dict[str, Any]
    sensitivity_note: str
    open_countryside: dict[str, Any]
    edge_affected_share: dict[str, Any]
    completeness: dict[str, Any]
    notes: list[str]
    units: dict[str, str]
    data_vintage: dict[str, str]
    attribution: str

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Profile:
        """A profile from its keys; year-keyed air sections go to :attr:`year_sections`.

        Raises
        ------
        TypeError
            If a key is neither a field nor year-keyed, or a field is missing.
        """
        names = {f.name for f in fields(cls)} - {"year_sections"}
        unknown = [k for k in values if k not in names and not k.startswith(_YEAR_KEYED)]
        if unknown:
            raise TypeError(f"unknown profile keys: {', '.join(unknown)}")
        sections = {k: v for k, v in values.items() if k not in names}
        return cls(**{k: v for k, v in values.items() if k in names}, year_sections=sections)

    def to_json(self) -> dict[str, Any]:
        """The ``healthyplaces profile --json`` object: every key, in order."""
        return dict(self._json)

    @cached_property
    def _json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "year_sections":
                out.update(self.year_sections)
            else:
                out[f.name] = getattr(self, f.name)
        return out

    def __getitem__(self, key: str) -> Any:
        return self._json[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._json)

    def __len__(self) -> int:
        return len(self._json)
