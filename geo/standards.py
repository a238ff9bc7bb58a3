"""Published standards the analysis measures against, and their column names.

* Natural England, *Green Infrastructure Framework* (2023), Green Infrastructure
  Standards: accessible greenspace of 0.5 ha within 200 m, 2 ha within 300 m,
  10 ha within 1 km, 20 ha within 2 km, 100 ha within 5 km and 500 ha within
  10 km (the ANGSt size/distance tiers).
* Fields in Trust, *Guidance for Outdoor Sport and Play* (2015): 3 ha of
  accessible green space per 1,000 people is the local-plan benchmark used here.
* ANGSt: 1 ha of local nature reserve per 1,000 people.
* Konijnendijk (2021), the 3-30-300 rule: a green space of at least 1 ha within 300 m.
* WHO (2021) *Global air quality guidelines*: annual-mean guideline levels;
  the Air Quality Standards Regulations 2010 give the UK limit values.

Everything here is a constant or a pure value type: this module is the ground
floor and imports nothing from the project.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Square metres per hectare.
M2_PER_HA = 10_000.0


@dataclass(frozen=True)
class AccessTier:
    """One size/distance standard: a site of ``min_ha`` hectares within ``distance_m`` metres.

    The properties give the column names that every floor uses for the tier,
    so that no module rebuilds them by hand.
    """

    name: str
    min_ha: float
    distance_m: float

    @property
    def label(self) -> str:
        """Human label, e.g. ``"2 ha site within 300 m"``."""
        size = f"{self.min_ha:g} ha"
        dist = (
            f"{self.distance_m / 1000:g} km"
            if self.distance_m >= 1000
            else f"{self.distance_m:g} m"
        )
        return f"{size} site within {dist}"

    @property
    def dist_col(self) -> str:
        """Straight-line distance to the nearest qualifying site, m."""
        return f"dist_{self.name}_m"

    @property
    def meets_col(self) -> str:
        """Whether the straight-line distance is within the standard (bool)."""
        return f"meets_{self.name}"

    @property
    def net_dist_col(self) -> str:
        """Walking distance to the nearest qualifying site's access point, m."""
        return f"net_dist_{self.name}"

    @property
    def net_meets_col(self) -> str:
        """Whether the walking distance is within the standard (nullable bool)."""
        return f"net_meets_{self.name}"

    @property
    def net_available_col(self) -> str:
        """Whether a walking result exists (the tier radius lies in the complete network)."""
        return f"net_available_{self.name}"

    @property
    def detour_col(self) -> str:
        """Walking ÷ straight-line distance."""
        return f"detour_{self.name}"


#: Natural England GI Framework size/distance tiers (see the module docstring).
ACCESS_TIERS: tuple[AccessTier, ...] = (
    AccessTier("0.5ha_200m", 0.5, 200.0),
    AccessTier("2ha_300m", 2.0, 300.0),
    AccessTier("10ha_1km", 10.0, 1_000.0),
    AccessTier("20ha_2km", 20.0, 2_000.0),
    AccessTier("100ha_5km", 100.0, 5_000.0),
    AccessTier("500ha_10km", 500.0, 10_000.0),
)
#: The tier used for SII/RII and the double burden (Natural England / 3-30-300).
HEADLINE_TIER = "2ha_300m"


@dataclass(frozen=True)
class SiteDefinition:
    """Which green sites a tier counts (issue 8; Natural England's definitions).

    ``flag`` is the boolean column of the site layer ``layer`` (by default
    ``greenspace_sites``, :mod:`geo.green_sites`) that says whether a site
    counts; ``suffix`` names the per-definition columns (``meets_2ha_300m_natural``).
    """

    name: str
    flag: str
    label: str
    meaning: str
    layer: str = "greenspace_sites"
    column_suffix: str | None = None
    #: Site kinds counted: parks only, unless the user includes open access land.
    kinds: tuple[str, ...] = ("park",)

    @property
    def suffix(self) -> str:
        """Column suffix, e.g. ``natural``, ``all_accessible`` or ``comparable``."""
        return self.column_suffix or self.flag


#: The three site definitions, default first. Open access land (moor, heath, large
#: natural areas) is in none of them: it is "access to open countryside", apart.
SITE_DEFINITIONS: dict[str, SiteDefinition] = {
    d.name: d
    for d in (
        SiteDefinition(
            "all-accessible",
            "all_accessible",
            "All publicly accessible green space",
            "every site whose access status is public, from tags, names and type",
        ),
        # Natural England, Nature Nearby (2010) / GI Framework (2023): Accessible Natural
        # Greenspace Standard, "places where human control and activities are not intensive
        # so that a feeling of naturalness is allowed to predominate".
        SiteDefinition(
            "natural",
            "natural",
            "Natural and semi-natural green space (ANGSt)",
            "public sites that hold a nature reserve or are mostly natural habitat",
        ),
        SiteDefinition(
            "formal",
            "formal",
            "Formal green space",
            "public parks and gardens, commons, village greens, recreation grounds, play space",
        ),
        # Issue 8, "comparable mode": only the green-space types mapped county-wide at one
        # OSM vintage (geo.completeness), so districts compare like with like. The sites
        # are rebuilt from those types alone (layer greenspace_sites_comparable).
        SiteDefinition(
            "comparable",
            "all_accessible",
            "Comparable between districts",
            "every public site, rebuilt from only the green-space types mapped county-wide "
            "at one OpenStreetMap vintage (without natural=wood and landuse=grass)",
            layer="greenspace_sites_comparable",
            column_suffix="comparable",
        ),
        # Issue 8, item 2: open access land is kept out of the park tiers "unless the user
        # includes it"; this definition does, for those who count moorland as green space.
        SiteDefinition(
            "with-open-land",
            "all_accessible",
            "All accessible, with open access land",
            "every public site, open access land (moor, heath, large natural areas) included "
            "in the park tiers",
            column_suffix="with_open_land",
            kinds=("park", "open_access_land"),
        ),
    )
}
#: The documented default (README, "Which green space counts").
DEFAULT_SITE_DEFINITION = "all-accessible"
#: Distances to open access land reported as "access to open countryside", m.
OPEN_LAND_DISTANCES_M: tuple[float, ...] = (1_000.0, 5_000.0)
#: Fields in Trust / local-plan standard: accessible green space, ha per 1,000 people.
GREEN_HA_PER_1000_STANDARD = 3.0
#: ANGSt: local nature reserve, ha per 1,000 people.
LNR_HA_PER_1000_STANDARD = 1.0
#: The 300 m part of 3-30-300: a green space of at least 1 ha within 300 m (Konijnendijk 2021).
RULE_300 = AccessTier("rule_3_30_300", 1.0, 300.0)

#: Blue-space distances, m (any size of feature).
BLUE_DISTANCES_M: tuple[float, ...] = (300.0, 1_000.0)
#: Blue-space distances treated as tiers (any size of feature).
BLUE_TIERS: tuple[AccessTier, ...] = tuple(
    AccessTier(f"blue_{int(d)}m", 0.0, d) for d in BLUE_DISTANCES_M
)

#: Network nodes within this distance of a site boundary are its access points (GHSCI), m.
ACCESS_NODE_DISTANCE_M = 30.0

#: Radius of the habitat-diversity neighbourhood around each origin, m.
HABITAT_RADIUS_M = 1_000.0

# --- Air quality (annual means, µg/m³) -----------------------------------------
#: WHO 2021 annual-mean air quality guideline levels, µg/m³.
WHO_2021_GUIDELINES: dict[str, float] = {"no2": 10.0, "pm25": 5.0, "pm10": 15.0}
#: UK annual-mean limit values (Air Quality Standards Regulations 2010), µg/m³.
UK_LIMITS: dict[str, float] = {"no2": 40.0, "pm25": 20.0, "pm10": 40.0}
#: Display names of the pollutants.
POLLUTANT_LABELS: dict[str, str] = {"no2": "NO₂", "pm25": "PM2.5", "pm10": "PM10"}

#: WHO 2021 interim targets for annual means, µg/m³, from the least to the most stringent
#: (IT-1 first). Source: World Health Organization (2021) *WHO global air quality
#: guidelines: particulate matter (PM2.5 and PM10), ozone, nitrogen dioxide, sulfur dioxide
#: and carbon monoxide*, Geneva, ISBN 978-92-4-003422-8, Executive summary, Table 0.1
#: ("Recommended AQG levels and interim targets"): PM2.5 35/25/15/10, PM10 70/50/30/20,
#: NO2 40/30/20 (the AQG levels, 5, 15 and 10, are :data:`WHO_2021_GUIDELINES`).
WHO_2021_INTERIM_TARGETS: dict[str, tuple[float, ...]] = {
    "pm25": (35.0, 25.0, 15.0, 10.0),
    "pm10": (70.0, 50.0, 30.0, 20.0),
    "no2": (40.0, 30.0, 20.0),
}
#: Every WHO 2021 annual-mean level of each pollutant, µg/m³, in order of stringency:
#: ``{"IT-1": 35.0, …, "AQG": 5.0}`` for PM2.5.
WHO_2021_LEVELS: dict[str, dict[str, float]] = {
    pol: {
        **{f"IT-{i}": level for i, level in enumerate(targets, start=1)},
        "AQG": WHO_2021_GUIDELINES[pol],
    }
    for pol, targets in WHO_2021_INTERIM_TARGETS.items()
}
