"""The split of the resident pensions' subsidies by level of government
(``actuarial.fiscal.pension_subsidy_levels`` prepares the shares and documents the rule).

# d = draw, c = county, k = scheme, y = year index
"""

from __future__ import annotations

import numba
import numpy as np

from kernels.jit import pjit

__all__ = ["split_subsidies"]


# d = draw, c = county, k = scheme, y = year index
@pjit
def split_subsidies(
    subsidies: np.ndarray,  # [D, C, K, Y] account subsidies and basic pension
    contributors: np.ndarray,  # [D, C, K, Y]
    k: int,  # the scheme split
    per_head: np.ndarray,  # [Y] account subsidy per contributor
    central_share: np.ndarray,  # [Y] the centre's share of the basic pension
    province_share: float,  # of the local part
    city_share: float,
    out: np.ndarray,  # [4, D, C, K, Y]: central, province, city, county
) -> None:
    """Fill ``out[:, :, :, k]``: the centre pays its share of the basic pension (what the
    account subsidies leave of the total), the province and the city their shares of the
    rest and the county what remains, so that the four parts add up to the total exactly
    in the order central + province + city + county."""
    n_draws, n_counties = subsidies.shape[0], subsidies.shape[1]
    n_years = subsidies.shape[3]
    for t in numba.prange(n_draws * n_counties):
        d = t // n_counties
        c = t % n_counties
        for y in range(n_years):
            total = subsidies[d, c, k, y]
            basic_paid = total - contributors[d, c, k, y] * per_head[y]
            central = basic_paid * central_share[y]
            local = total - central
            province = local * province_share
            city = local * city_share
            out[0, d, c, k, y] = central
            out[1, d, c, k, y] = province
            out[2, d, c, k, y] = city
            out[3, d, c, k, y] = total - ((central + province) + city)
