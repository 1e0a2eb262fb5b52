"""Logit demand over (domain, geography) markets and the profit derivatives the R&D game needs.

Markets are given as flat arrays with one row per seller-in-market (a firm appears at most
once in a market): ``market[r]`` the market index, ``firm[r]`` the seller, ``value[r]`` its
logit value ``v = theta * k + h`` (capability k, market sensitivity theta, shift h). Market m
also has an outside good of weight ``O_m = exp(v_0) >= 0``, so
``s_r = exp(v_r) / (sum_{r' in m} exp(v_r') + O_m)``. Every market needs a seller or
``O_m > 0``.

Profits: a firm earns ``pi_j = Lambda * sum_m mu_m S_m s_jm`` (USD m), market size S_m
(USD m of revenue a quarter), margin mu_m (share of revenue kept), horizon multiplier Lambda
(quarters, ``rnd_game.horizon_multipliers(...).gain``); ``scale_m = Lambda mu_m S_m`` below.
Capability responds to effective R&D (effort units; effort x costs ``gamma x^2 / 2`` USD m)
with ``g'_l = dk_l / dX_l`` (relative capability per effort unit,
``knowledge.marginal_capability``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.engine.arrays import row_sums, take_rows
from sim.engine.channels import Channels, everyone_alone, group_market_key, member_value


def _at(per_market: ArrayLike, market: np.ndarray) -> np.ndarray:
    """Per-market values (or a scalar) read at each row's market."""
    values = np.asarray(per_market, dtype=np.float64)
    return values[market] if values.ndim else np.full(market.shape, float(values))


def logit_value(capability: ArrayLike, theta: ArrayLike, shift: ArrayLike) -> np.ndarray:
    """Logit value ``v = theta * k + h`` of each row.

    Args:
        capability: Capability k of the row's seller (capability units).
        theta: Sensitivity of buyers to capability (per capability unit).
        shift: Everything else buyers value, h (logit units).

    Returns:
        ``v`` (logit units), broadcast.
    """
    k = np.asarray(capability, dtype=np.float64)
    return np.asarray(theta, dtype=np.float64) * k + np.asarray(shift, dtype=np.float64)


def _weights(
    value: ArrayLike, market: ArrayLike, n_markets: int, outside: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shifted exp-weights of rows and outside goods, and the per-market denominators."""
    value = np.asarray(value, dtype=np.float64)
    market = np.asarray(market, dtype=np.int64)
    outside = np.broadcast_to(np.asarray(outside, dtype=np.float64), (n_markets,))
    with np.errstate(divide="ignore"):
        log_outside = np.log(outside)  # -inf where there is no outside good
    top = log_outside.copy()
    np.maximum.at(top, market, value)  # per-market max over sellers and log O_m
    top = np.where(np.isfinite(top), top, 0.0)
    row = np.exp(value - top[market])
    out = np.exp(log_outside - top)
    return row, out, np.bincount(market, weights=row, minlength=n_markets) + out


def shares(value: ArrayLike, market: ArrayLike, n_markets: int, outside: ArrayLike) -> np.ndarray:
    """Logit market share of each row, computed stably.

    Reason: ``s_r = exp(v_r) / (sum_{r' in m} exp(v_r') + O_m)``; every exponent is shifted by
    the market's max of its values and ``log O_m`` so nothing overflows.

    Args:
        value: Logit value of each row, shape (R,).
        market: Market index of each row in ``[0, n_markets)``, shape (R,).
        n_markets: Number of markets.
        outside: Outside-good weight ``O_m >= 0`` per market, scalar or shape (n_markets,).

    Returns:
        Share of each row, shape (R,).
    """
    row, _, total = _weights(value, market, n_markets, outside)
    return row / total[np.asarray(market, dtype=np.int64)]


def outside_share(
    value: ArrayLike, market: ArrayLike, n_markets: int, outside: ArrayLike
) -> np.ndarray:
    """Share of the outside good in each market, ``O_m / (sum_{r in m} exp(v_r) + O_m)``.

    Args:
        value: Logit value of each row, shape (R,).
        market: Market index of each row, shape (R,).
        n_markets: Number of markets.
        outside: Outside-good weight per market, scalar or shape (n_markets,).

    Returns:
        Outside share per market, shape (n_markets,).
    """
    _, out, total = _weights(value, market, n_markets, outside)
    return out / total


def own_share_derivative(share: ArrayLike, theta: ArrayLike) -> np.ndarray:
    """``d s_i / d k_i = theta s_i (1 - s_i)`` (share per capability unit).

    Args:
        share: Share of the row.
        theta: Buyers' sensitivity to capability in its market.

    Returns:
        The derivative, broadcast.
    """
    s = np.asarray(share, dtype=np.float64)
    return np.asarray(theta, dtype=np.float64) * s * (1.0 - s)


def cross_share_derivative(share_j: ArrayLike, share_l: ArrayLike, theta: ArrayLike) -> np.ndarray:
    """``d s_j / d k_l = -theta s_j s_l`` for two different sellers in the same market.

    Args:
        share_j: Share of the row whose share moves.
        share_l: Share of the row whose capability moves.
        theta: Buyers' sensitivity to capability in their market.

    Returns:
        The derivative, broadcast.
    """
    s_j, s_l = np.asarray(share_j, dtype=np.float64), np.asarray(share_l, dtype=np.float64)
    return -np.asarray(theta, dtype=np.float64) * s_j * s_l


def share_jacobian_dense(share: ArrayLike, market: ArrayLike, theta: ArrayLike) -> np.ndarray:
    """Dense ``d s_r / d k_r'`` over rows (validation, O(R^2)): zero across markets.

    Args:
        share: Share of each row, shape (R,).
        market: Market index of each row, shape (R,).
        theta: Sensitivity per market, scalar or shape (n_markets,).

    Returns:
        Matrix (R, R) of ``theta_m s_r (delta_rr' - s_r')`` within markets.
    """
    s = np.asarray(share, dtype=np.float64)
    market = np.asarray(market, dtype=np.int64)
    same = market[:, None] == market[None, :]
    return np.where(same, _at(theta, market)[:, None] * s[:, None] * (np.eye(s.size) - s), 0.0)


def firm_profits(
    share: ArrayLike, market: ArrayLike, firm: ArrayLike, n_firms: int, scale: ArrayLike
) -> np.ndarray:
    """Each firm's profit ``pi_j = sum_m scale_m s_jm`` (USD m).

    Args:
        share: Share of each row, shape (R,).
        market: Market index of each row, shape (R,).
        firm: Seller of each row in ``[0, n_firms)``, shape (R,).
        n_firms: Number of firms.
        scale: ``Lambda mu_m S_m`` per market (USD m per unit of share), scalar or array.

    Returns:
        Profit per firm, shape (n_firms,).
    """
    weight = _at(scale, np.asarray(market, dtype=np.int64)) * share
    return np.bincount(np.asarray(firm, dtype=np.int64), weights=weight, minlength=n_firms)


def profit_jacobian_dense(
    share: ArrayLike,
    market: ArrayLike,
    firm: ArrayLike,
    n_firms: int,
    scale: ArrayLike,
    theta: ArrayLike,
    dk_dX: ArrayLike,
) -> np.ndarray:
    """Dense ``J[j, l] = d pi_j / d X_l`` (validation worlds, O(R^2 + n^2)).

    Reason: ``J[j, l] = sum_m Lambda mu_m S_m theta_m s_jm (delta_jl - s_lm) g'_l`` over the
    markets both j and l sell in.

    Args:
        share: Share of each row, shape (R,).
        market: Market index of each row, shape (R,).
        firm: Seller of each row, shape (R,).
        n_firms: Number of firms.
        scale: ``Lambda mu_m S_m`` per market (USD m per unit of share).
        theta: Sensitivity per market (per capability unit).
        dk_dX: ``g'_l``, capability per effort unit of effective R&D, shape (n_firms,).

    Returns:
        ``J``, shape (n_firms, n_firms) (USD m per effort unit).
    """
    market = np.asarray(market, dtype=np.int64)
    rows = share_jacobian_dense(share, market, theta) * _at(scale, market)[:, None]
    onehot = np.zeros((market.size, n_firms))
    onehot[np.arange(market.size), np.asarray(firm, dtype=np.int64)] = 1.0
    return np.asarray(onehot.T @ rows @ onehot * np.asarray(dk_dX, dtype=np.float64)[None, :])


def _cells(group: np.ndarray, D: int) -> np.ndarray:
    """Flat (group, column) cell of every entry of a (K, D) array whose rows are in ``group``."""
    return np.asarray((group[:, None] * D + np.arange(D)).ravel())


def _group_rows(cells: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the rows of ``values`` (K, D) per group id: result (n_groups, D).

    ``cells`` is ``_cells(group, D)`` of the rows' group ids, computed once per structure.
    """
    D = values.shape[1]
    return np.bincount(cells, weights=values.ravel(), minlength=n_groups * D).reshape(n_groups, D)


def _level_sums(
    key: np.ndarray, n_keys: int, d: np.ndarray, weight: np.ndarray, D: int
) -> np.ndarray:
    """Sums of ``weight`` per (group, market) key and sender domain, read back at each row."""
    G = np.bincount(key * D + d, weights=weight, minlength=n_keys * D).reshape(n_keys, D)
    return take_rows(G, key)


def marginal_value_grouped(
    share: ArrayLike,
    market: ArrayLike,
    firm: ArrayLike,
    *,
    scale: ArrayLike,
    theta: ArrayLike,
    dk_dX: ArrayLike,
    domain: ArrayLike,
    depth: ArrayLike,
    absorption: ArrayLike,
    relatedness: ArrayLike,
    channels: Channels,
    weight: ArrayLike | None = None,
    row_scale: ArrayLike | None = None,
    receiving: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """``MV_i = sum_j W_ij sum_l B_il J_jl`` for the model's structure, by group sums.

    Cost: O(R D) work, no sort (``channels.group_market_key``); no n x n matrix is formed.
    Structure: ``W_ij`` = depth w of i's alliance for partners (``rnd_game.profit_weights``);
    ``B_il = a_l R[d_i, d_l] rate(i -> l)`` off the diagonal, with the channels that deliver
    knowledge (``sim.engine.channels``, also read by ``knowledge.effective_rnd_grouped``):
    ``rate(i -> l) = p_i + e_i [l in A(i)] + f_i [l in Fed(i) - A(i)]``, ``p = rho pi``,
    e and f the sender's alliance and federation excess. Firms alone are their own groups.

    Derivation. With ``C_m = Lambda mu_m S_m theta_m``, ``y_lm = s_lm g'_l`` (0 where l does
    not sell), ``J_jl = sum_m C_m s_jm (delta_jl - s_lm) g'_l`` gives ``sum_l B_il J_jl =
    sum_m C_m s_jm (B_ij g'_j - T_im)``, ``T_im = sum_l B_il y_lm``; so ``MV_i = sum_m C_m
    (U_im - T_im V_im)`` with ``U_im = sum_j W_ij B_ij y_jm`` and ``V_im = sum_j W_ij s_jm =
    (1 - w) s_im + w S_Am``. With ``G^L[g, d, m] = sum_{l in g, d_l = d} a_l y_lm`` per level
    L (alliance A, federation F, everyone D) and ``RG^L = sum_d R[d_i, d] G^L[L(i), d, m]``:
    ``T_im = (1 - (p_i + e_i) a_i R_ii) y_im + p_i RG^D + (e_i - f_i) RG^A + f_i RG^F`` and
    ``U_im = (1 - w c_i a_i R_ii) y_im + w c_i RG^A``, ``c_i = p_i + e_i`` the partner rate
    (the ``a_i R_ii y_im`` terms remove i from its own sums; ``B_ii = 1``). Summed over m, the
    w-terms need only per-alliance totals over the alliance's rows, as levels A, F and D
    contain i's whole alliance: ``sum_m C_m S_Am RG^L = sum_d R[d_i, d] H^L[A(i), d]``,
    ``H^L[A, d] = sum_{rows r of A} C_r s_r G^L[L(r), d, m_r]``; the (1 - w)-terms are sums
    over i's own rows.

    Args:
        share: Share of each row, shape (R,).
        market: Market index of each row, shape (R,).
        firm: Seller of each row, shape (R,).
        scale: ``Lambda mu_m S_m`` per market (USD m per unit of share).
        theta: Sensitivity per market (per unit of relative capability).
        dk_dX: ``g'``, relative capability per effort unit of effective R&D, shape (n,).
        domain: Domain index of each firm, shape (n,).
        depth: Depth w of each alliance, indexed by alliance id.
        absorption: Absorptive capacity a of each firm, shape (n,).
        relatedness: Relatedness ``R[sender domain, receiver domain]``, shape (D, D).
        channels: The channel structure (``channels.build``).
        weight: Optional profit weight of each firm on its partners, shape (n,)
            (``W_ij = weight_i`` for partners j); default: its alliance's depth.
        row_scale: Optional ``scale`` per row instead of per market, shape (R,): the margin
            of the profit a row carries may differ (colluders earn ``mu + Delta mu``). C
            always multiplies the row whose profit is counted, so the group sums hold.
        receiving: Optional ``(public, internal)`` per firm, 1.0 where a marginal unit of
            inflow through that channel still counts for the receiver, 0.0 where its level
            bound binds (``sim.engine.levels``): then ``B_il = R[d_i, d_l] (p_i a_l
            u^P_l + e_i a_l u^I_l [same alliance] + f_i a_l u^I_l [federation])``, i.e. the
            public level's sums read ``a u^P`` and the alliance and federation levels ``a
            u^I`` (and i's own term in them likewise). None: every unit counts.

    Returns:
        ``MV``, shape (n,) (USD m per effort unit), equal to the dense
        ``rnd_game.marginal_value(profit_jacobian_dense(...), B, W)`` with
        ``B = channels.spillover_matrix(channels, domain, absorption, relatedness)``.
    """
    ch = channels
    s = np.asarray(share, dtype=np.float64)
    market, firm = np.asarray(market, dtype=np.int64), np.asarray(firm, dtype=np.int64)
    domain = np.asarray(domain, dtype=np.int64)
    a, R = np.asarray(absorption, dtype=np.float64), np.asarray(relatedness, dtype=np.float64)
    n, D = domain.size, R.shape[0]
    M = int(market.max()) + 1 if market.size else 1
    w = (
        member_value(np.asarray(depth, dtype=np.float64), ch.alliance, 0.0)
        if weight is None
        else np.where(ch.inside, np.asarray(weight, dtype=np.float64), 0.0)
    )
    p, e, f = ch.public, ch.alliance_excess, ch.federation_excess
    partner, own = p + e, a * R[domain, domain]  # own: a_i R_ii, i's weight in its own sums
    # rows
    d, group = domain[firm], ch.group[firm]
    C = _at(scale, market) if row_scale is None else np.asarray(row_scale, dtype=np.float64)
    C = C * _at(theta, market)
    y = s * np.asarray(dk_dX, dtype=np.float64)[firm]
    ay, Cs = a[firm] * y, C * s
    ay_public = ay_inner = ay
    self_rate = partner * own  # (p_i a_i + e_i a_i) R_ii: i's own term in its sums
    if receiving is not None:  # level bound: saturated receivers drop out of a level's sums
        open_public, open_inner = (np.asarray(v, dtype=np.float64) for v in receiving)
        ay_public, ay_inner = ay * open_public[firm], ay * open_inner[firm]
        self_rate = (p * open_public + e * open_inner) * own
    # relatedness of each firm's (row's) domain to every domain
    Rg, Rd = take_rows(R, domain), take_rows(R, d)
    alone = everyone_alone(ch)
    cells = None if alone else _cells(group, D)

    def per_firm(weights: np.ndarray) -> np.ndarray:
        return np.bincount(firm, weights=weights, minlength=n)

    def level(G: np.ndarray) -> np.ndarray:  # sum_m C_m V_im RG^L_im, G read at each row
        rows = per_firm(Cs * row_sums(Rd * G))
        if cells is None:  # w = 0: the partners' part adds a zero (``nobody_inside``)
            return (1.0 - w) * rows
        H = _group_rows(cells, Cs[:, None] * G, ch.n_groups)
        return (1.0 - w) * rows + w * row_sums(Rg * take_rows(H, ch.group))

    key_A, n_A = group_market_key(group, market, M, ch.n_groups - n)
    # sum_j W_ij C_jm s_jm: the partners' shares weighted by the margin of whose profit it is
    CS_A = np.bincount(key_A, weights=C * s)
    CV = (1.0 - w[firm]) * C * s + w[firm] * CS_A[key_A]

    def partners(weights: np.ndarray) -> np.ndarray:  # sum_d R[d_i, d] K[A(i), d]
        K = np.bincount(group * D + d, weights=weights, minlength=ch.n_groups * D)
        return row_sums(Rg * take_rows(K.reshape(-1, D), ch.group))

    if alone:
        own_weight = w * partner * own if receiving is None else w * self_rate
        everyone = level(_level_sums(market, M, d, ay_public, D))
        return nobody_inside(own_weight, self_rate, p, per_firm(C * y), per_firm(y * CV), everyone)
    if receiving is None:  # the products in this order, so the bound off gives the same bits
        gain = (1.0 - w * partner * own) * per_firm(C * y) + w * partner * partners(C * ay)
    else:
        reached = p * partners(C * ay_public) + e * partners(C * ay_inner)
        gain = (1.0 - w * self_rate) * per_firm(C * y) + w * reached
    G_A = _level_sums(key_A, n_A, d, ay_inner, D)
    loss = (1.0 - self_rate) * per_firm(y * CV) + (e - f) * level(G_A)
    loss += p * level(_level_sums(market, M, d, ay_public, D))  # everyone: one group per market
    if ch.has_federations:
        fed = ch.federation[firm]
        key_F, n_F = group_market_key(fed, market, M, ch.n_federations - n)
        loss += f * level(_level_sums(key_F, n_F, d, ay_inner, D))
    return np.asarray(gain - loss)


def nobody_inside(
    own_weight: np.ndarray,
    self_rate: np.ndarray,
    public: np.ndarray,
    own_gain: np.ndarray,
    own_loss: np.ndarray,
    everyone: np.ndarray,
) -> np.ndarray:
    """``marginal_value_grouped`` when every firm is alone, without the terms that add zeros.

    Reason: speed only (the hollowness check plans every firm alone each quarter). With no
    firm in an alliance the weight w on partners and the alliance and federation excesses
    e and f are all +0.0, so ``w * (partners' sums)``, ``(e - f) * level(G_A)``, ``f *
    level(G_F)`` and the partners' part of each level are zeros (of either sign, the sums
    being finite). A zero of either sign added to a number leaves it as it was unless the
    number is -0.0; the terms they are added to are per-firm sums (``np.bincount`` starts
    from +0.0 and never returns -0.0) times 1.0, or a product that may be -0.0 only where
    the public level's term added next is not -0.0. So leaving them out gives exactly the
    bits of the full expression, in its order of operations.

    Args:
        own_weight: w times the firm's own term in its sums (0.0), per firm.
        self_rate: The firm's own term in its sums, per firm.
        public: ``p = rho pi``, the public rate of each firm.
        own_gain: ``sum_m C_m y_im`` per firm (``per_firm(C y)``).
        own_loss: ``sum_m y_im C_m s_im`` per firm (``per_firm(y CV)``, CV = C s alone).
        everyone: The public level's ``level(...)`` per firm (its rows' part alone).

    Returns:
        ``MV`` per firm, as ``marginal_value_grouped`` returns it.
    """
    gain = (1.0 - own_weight) * own_gain
    loss = (1.0 - self_rate) * own_loss
    loss += public * everyone
    return np.asarray(gain - loss)
