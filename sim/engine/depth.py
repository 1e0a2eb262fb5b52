"""Alliance depth: heterogeneity, target depth, adjustment and hollow members.

docs/model.md 6.7 ("Depth: form versus substance"). Depth ``w_A`` in [0, 1] is the share of
the members' R&D coordinated as in a joint venture. It falls with the heterogeneity of the
members and with size beyond a working group, and rises with a mandate's mission:

    H_A = (1/3) [ 2 mean|o_j - mean o_A| + (1 - sum_reg p_reg^2) + sum_d C(n_Ad, 2) / C(n_A, 2) ]
    D_A = w0 (1 - H_A) min(1, (n_wg / n_A)^eps_w),   w*_A = D_A + m_A (1 - D_A),
    w_A,t+1 = w_A,t + eta_w (w*_A - w_A,t).

Hollowness departs from the contribution/benefit index of 6.7, which measures firm size
rather than free-riding (docs/model.md section 10, review finding 3): a member is hollow if its
R&D effort inside the alliance is below ``threshold`` times the effort it would choose alone
(the same first-order condition with depth 0 and no alliance channels, solved by the caller).

Every function works on plain arrays: one alliance or a million rows, by ``np.bincount`` over
the firms' alliance column (``NO_ALLIANCE`` = -1 rows are ignored). Callers pass the alive
firms only, and the parameters below; the defaults are those of the config:

- ``depth_base`` w0 = 0.8 (``model.choice.depth_base``, assumption);
- ``size_elasticity`` eps_w = 0.5 (``model.choice.depth_size_elasticity``, assumption);
- ``working_group_size`` n_wg = 10 (``model.choice.working_group_size``, assumption);
- ``rate`` eta_w = 0.25 per quarter (``model.choice.depth_adjustment``, assumption);
- hollow ``threshold`` 0.5, a share of the effort alone (assumption).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.engine.state import NO_ALLIANCE


def _members(alliance: ArrayLike, n_alliances: int) -> tuple[np.ndarray, np.ndarray]:
    """Mask of member rows and their alliance ids (int64), checked against ``n_alliances``."""
    ids = np.asarray(alliance, dtype=np.int64)
    inside = ids != NO_ALLIANCE
    a = ids[inside]
    if a.size and (a.min() < 0 or a.max() >= n_alliances):
        raise ValueError(f"alliance ids must be -1 or in [0, {n_alliances})")
    return inside, a


def _cell_counts(a: np.ndarray, category: np.ndarray, m: int, k: int) -> np.ndarray:
    """Members of each alliance in each of ``k`` categories, shape (m, k)."""
    cells = a * k + category.astype(np.int64)
    return np.bincount(cells, minlength=m * k).reshape(m, k).astype(np.float64)


def heterogeneity(
    alliance: ArrayLike,
    openness: ArrayLike,
    region: ArrayLike,
    domain: ArrayLike,
    n_alliances: int,
    n_regions: int,
    n_domains: int,
) -> np.ndarray:
    """Heterogeneity H_A of each alliance's members, in [0, 1].

    The mean of three components in [0, 1]: openness dispersion (twice the mean absolute
    deviation from the alliance mean), regional diversity (Gini-Simpson index of the members'
    regions) and rivalry (share of member pairs with the same home domain). An alliance with
    one member has H = 0; one with no members has H = 0.

    Reason: docs/model.md 6.7, "Heterogeneity".

    Args:
        alliance: Alliance id of each firm, shape (n,) (``NO_ALLIANCE`` = -1 alone, ignored).
        openness: Openness o of each firm in [0, 1], shape (n,).
        region: Region index of each firm in [0, n_regions), shape (n,).
        domain: Home domain of each firm in [0, n_domains), shape (n,).
        n_alliances: Number of alliance ids m.
        n_regions: Number of regions.
        n_domains: Number of domains.

    Returns:
        H per alliance id, shape (m,).
    """
    inside, a = _members(alliance, n_alliances)
    o = np.asarray(openness, dtype=np.float64)[inside]
    m = n_alliances
    size = np.bincount(a, minlength=m).astype(np.float64)
    per = np.maximum(size, 1.0)
    mean_o = np.bincount(a, weights=o, minlength=m) / per
    dispersion = 2.0 * np.bincount(a, weights=np.abs(o - mean_o[a]), minlength=m) / per
    regions = _cell_counts(a, np.asarray(region)[inside], m, n_regions)
    gini_simpson = np.where(size > 0, 1.0 - ((regions / per[:, None]) ** 2).sum(axis=1), 0.0)
    domains = _cell_counts(a, np.asarray(domain)[inside], m, n_domains)
    rival_pairs = (domains * (domains - 1.0) / 2.0).sum(axis=1)
    pairs = size * (size - 1.0) / 2.0
    rivalry = np.where(pairs > 0, rival_pairs / np.maximum(pairs, 1.0), 0.0)
    return np.asarray((dispersion + gini_simpson + rivalry) / 3.0)


def target_depth(
    heterogeneity: ArrayLike,
    size: ArrayLike,
    mission: ArrayLike,
    depth_base: float,
    working_group_size: float,
    size_elasticity: float,
) -> np.ndarray:
    """Target depth w*_A: falls with heterogeneity and size, rises with the mission.

    ``D_A = w0 (1 - H_A) min(1, (n_wg / n_A)^eps_w)`` and ``w* = D_A + m_A (1 - D_A)``. A new
    alliance starts at w*.

    Reason: docs/model.md 6.7, "Target and adjustment".

    Args:
        heterogeneity: H_A in [0, 1], shape (m,) or scalar.
        size: Members n_A, shape (m,) or scalar; 0 is treated as 1.
        mission: Mission m_A in [0, 1] (0 without a mandate), shape (m,) or scalar.
        depth_base: w0, the depth of a homogeneous working group (share).
        working_group_size: n_wg, the size beyond which depth falls (firms).
        size_elasticity: eps_w, the elasticity of depth to size beyond n_wg.

    Returns:
        w* per alliance, broadcast shape of the inputs.
    """
    h = np.asarray(heterogeneity, dtype=np.float64)
    n = np.maximum(np.asarray(size, dtype=np.float64), 1.0)
    scale = np.minimum(1.0, (working_group_size / n) ** size_elasticity)
    base = depth_base * (1.0 - h) * scale
    return np.asarray(base + np.asarray(mission, dtype=np.float64) * (1.0 - base))


def adjust_depth(current: ArrayLike, target: ArrayLike, rate: float) -> np.ndarray:
    """One quarter's move of depth toward its target: ``w + eta_w (w* - w)``, in [0, 1].

    Reason: docs/model.md 6.7, "Target and adjustment".

    Args:
        current: Depth w_A,t, shape (m,) or scalar.
        target: Target w*_A, shape (m,) or scalar.
        rate: eta_w, the share of the gap closed per quarter, in [0, 1].

    Returns:
        Depth w_A,t+1, broadcast shape of the inputs.
    """
    w = np.asarray(current, dtype=np.float64)
    moved = w + rate * (np.asarray(target, dtype=np.float64) - w)
    return np.asarray(np.clip(moved, 0.0, 1.0))


def hollow_members(effort: ArrayLike, effort_alone: ArrayLike, threshold: float) -> np.ndarray:
    """Whether each member is hollow: effort inside below ``threshold`` x its effort alone.

    Replaces the contribution/benefit test of 6.7 (module docstring). A member whose effort
    alone is 0 is not hollow.

    Reason: docs/model.md 6.7, "Hollow alliance index", as amended by section 10, finding 3.

    Args:
        effort: R&D effort of each member inside its alliance, shape (n,).
        effort_alone: The effort it would choose alone (depth 0, no alliance channels), (n,).
        threshold: h, the share of the effort alone below which a member is hollow.

    Returns:
        Boolean array, shape (n,).
    """
    x = np.asarray(effort, dtype=np.float64)
    alone = np.asarray(effort_alone, dtype=np.float64)
    return np.asarray((alone > 0.0) & (x < threshold * alone))


def hollow_share(
    hollow: ArrayLike, alliance: ArrayLike, n_alliances: int
) -> tuple[np.ndarray, float]:
    """Share of hollow members per alliance and over all formed alliances (2+ members).

    Reason: docs/model.md 6.7, "Hollow alliance index" (the ``hollow_alliance_index`` output).

    Args:
        hollow: Whether each firm is hollow, shape (n,).
        alliance: Alliance id of each firm, shape (n,) (``NO_ALLIANCE`` = -1 rows ignored).
        n_alliances: Number of alliance ids m.

    Returns:
        The share per alliance id, shape (m,) (0 for alliances with fewer than 2 members),
        and the share of all members of formed alliances (0 if there are none).
    """
    inside, a = _members(alliance, n_alliances)
    flags = np.asarray(hollow, dtype=np.float64)[inside]
    size = np.bincount(a, minlength=n_alliances).astype(np.float64)
    count = np.bincount(a, weights=flags, minlength=n_alliances)
    formed = size >= 2
    per_alliance = np.where(formed, count / np.maximum(size, 1.0), 0.0)
    members = float(size[formed].sum())
    overall = float(count[formed].sum()) / members if members > 0 else 0.0
    return np.asarray(per_alliance), overall
