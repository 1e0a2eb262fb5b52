"""The reviser's choice among its options: a nested logit (design version 2, docs 6.5).

Staying is one nest, every other option (going alone, founding, the candidates) the other;
``nested_pick`` samples it as random utilities with the nest's common shock
(``nest_shock``), so that the same draws serve any option values.
"""

from __future__ import annotations

import numpy as np

__all__ = ["nest_shock", "nested_pick"]


def nest_shock(similarity: float, uniforms: np.ndarray) -> np.ndarray:
    """The nest's common shock ``eta`` of a nested logit, from two uniforms per row.

    ``eta = lambda log S`` with S positive stable of index ``lambda`` (Laplace transform
    ``exp(-t^lambda)``), drawn by Kanter's (1975) method from ``U`` uniform on (0, pi) and
    ``E`` exponential; then ``eta + lambda g`` is standard Gumbel for g standard Gumbel
    (Cardell 1997), which makes ``V_j + s (eta + lambda g_j)`` the nested logit's random
    utilities. ``lambda = 1`` gives ``eta = 0``: the plain logit.

    Args:
        similarity: ``lambda`` in (0, 1].
        uniforms: (K, 2) uniforms on [0, 1).
    """
    u = np.clip(uniforms, 1e-12, 1.0 - 1e-12)
    angle, expo = np.pi * u[:, 0], -np.log1p(-u[:, 1])
    lam = similarity
    first = lam * np.log(np.sin(lam * angle)) - np.log(np.sin(angle))
    rest = (1.0 - lam) * np.log(np.sin((1.0 - lam) * angle) / expo) if lam < 1.0 else 0.0
    return np.asarray(first + rest)


def nested_pick(
    value: np.ndarray,
    scale: np.ndarray,
    similarity: float,
    gumbel: np.ndarray,
    uniforms: np.ndarray,
) -> np.ndarray:
    """The option each reviser picks: a nested logit of staying against moving somewhere.

    Reason: review finding 20 (docs/model.md section 10): in a plain logit every option
    listed draws its own noise, so the number of candidates shown set how fast alliances
    shrank. Here the options besides staying (column 1) form one nest of similarity
    ``lambda``, as random utilities: staying ``V_1 + s g_1``, any other option ``V_j + s (eta
    + lambda g_j)`` with the nest's common shock ``eta`` (``nest_shock``). This samples the
    nested logit exactly (McFadden 1978; Cardell 1997): k equal options raise the odds of
    moving by ``k^lambda``, not k, and raising one option's value can only move a reviser to
    that option (the same draws). ``lambda = 1`` is the plain logit, draw for draw.

    Args:
        value: (K, C) option values against staying (USD m), -inf where unavailable.
        scale: (K,) noise scale ``s`` (USD m).
        similarity: ``lambda`` in (0, 1].
        gumbel: (K, C) standard Gumbel draws, one per option.
        uniforms: (K, 2) uniforms on [0, 1) for the nest's shock.
    """
    eta = nest_shock(similarity, uniforms)
    noise = eta[:, None] + similarity * gumbel
    noise[:, 1] = gumbel[:, 1]  # staying is a nest of its own
    return np.asarray(np.argmax(value + scale[:, None] * noise, axis=1))
