"""Outcome measures on hand-built worlds: what each one sees."""

import numpy as np
import pytest

from sim.engine.outcomes import collusion_risk, domain_collusion_risk
from sim.engine.state import CONGLOMERATE, NO_ALLIANCE, FirmState, presence_mask


def world(domains, revenues, alliances):
    firms = FirmState()
    domain = np.array(domains)
    firms.append(
        kind=np.full(len(domains), CONGLOMERATE),
        region=np.zeros(len(domains), dtype=np.int8),
        domain=domain,
        presence=presence_mask(domain),
        capital=np.ones(len(domains)),
        openness=np.full(len(domains), 0.5),
        capability=np.full(len(domains), 0.5),
        alliance=np.array(alliances),
        alive=np.ones(len(domains), dtype=bool),
        revenue=np.array(revenues, dtype=float),
    )
    return firms


def test_an_alliance_dominating_one_small_domain_is_seen_by_domain_only():
    # domain 1 is small (revenue 10 of 110); alliance 0 holds 8 of it: 80 % of that domain
    firms = world([0, 0, 1, 1], [50, 50, 8, 2], [NO_ALLIANCE, NO_ALLIANCE, 0, NO_ALLIANCE])
    pooled = np.array([8 / 110])
    assert collusion_risk(pooled, 0.3) == 0.0
    assert domain_collusion_risk(firms, 1, 0.3) == pytest.approx(8 / 110)


def test_domain_risk_is_zero_below_the_threshold_and_counts_each_domain():
    firms = world([0, 0, 1, 1], [30, 70, 6, 4], [0, NO_ALLIANCE, 1, NO_ALLIANCE])
    assert domain_collusion_risk(firms, 2, 0.65) == 0.0  # 30 % and 60 % are below 65 %
    assert domain_collusion_risk(firms, 2, 0.5) == pytest.approx(6 / 110)
    assert domain_collusion_risk(firms, 2, 0.25) == pytest.approx(36 / 110)
