"""BG/NBD (purchases and probability alive) and Gamma-Gamma (spend) models.

The published log-likelihoods (Fader, Hardie & Lee 2005: "Counting your customers the easy
way" and "RFM and CLV") are implemented with scipy because the reference library,
``lifetimes``, is archived and its successors pull in heavy probabilistic stacks. Parameters
are fitted on the log scale so the optimiser cannot leave the positive domain. The models are
unit-agnostic: kefu feeds days, the CDNOW check feeds weeks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

FloatArray = NDArray[np.float64]
#: |log parameter| limit: e^18 ~ 6.6e7, far beyond any meaningful fit
LOG_BOUND = 18.0


class ModelFitError(RuntimeError):
    """The data cannot support a fit (too few customers or repeat buyers)."""


def _arr(value: ArrayLike) -> FloatArray:
    return np.asarray(value, dtype=np.float64)


def _minimise(neg_ll: Callable[[FloatArray], float], n_params: int) -> FloatArray:
    """Minimise over log-parameters (clipped so degenerate data cannot run off to infinity).

    BFGS from all-ones converges on CDNOW in ~100 evaluations; Nelder-Mead is the fallback
    when the gradient estimate breaks down.
    """

    def bounded(log_params: FloatArray) -> float:
        value = neg_ll(np.clip(log_params, -LOG_BOUND, LOG_BOUND))
        return value if np.isfinite(value) else 1e300

    start = np.zeros(n_params)
    best = optimize.minimize(bounded, start, method="BFGS")
    # "precision loss" stops are at the optimum to float precision; only a non-finite or
    # barely-moved result needs the slower simplex search
    if not (np.isfinite(best.fun) and best.fun < 1e300 and best.nit > 1):
        fallback = optimize.minimize(
            bounded, start, method="Nelder-Mead", options={"maxiter": 4000}
        )
        if fallback.fun < best.fun:
            best = fallback
    if not (np.all(np.isfinite(best.x)) and best.fun < 1e300):
        raise ModelFitError("optimiser diverged")
    return np.clip(np.asarray(best.x, dtype=np.float64), -LOG_BOUND, LOG_BOUND)


@dataclass(frozen=True)
class BetaGeoModel:
    """Fitted BG/NBD: purchase rate ~ Gamma(r, alpha), dropout p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    n_customers: int = 0

    @classmethod
    def fit(cls, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike) -> BetaGeoModel:
        """Maximum-likelihood fit on repeat-purchase count ``x``, ``t_x`` and age ``T``."""
        x, t_x, big_t = _arr(frequency), _arr(recency), _arr(age)
        if len(x) < 10 or np.count_nonzero(x > 0) < 3:
            raise ModelFitError("BG/NBD needs at least 10 customers and 3 repeat buyers")
        scale = float(np.mean(big_t)) or 1.0
        # customers with identical histories share one likelihood term
        rows, weight = np.unique(np.column_stack([x, t_x, big_t]), axis=0, return_counts=True)
        ux, ut_x, ubig_t = rows[:, 0], rows[:, 1], rows[:, 2]
        n = float(len(x))

        def neg_ll(log_params: FloatArray) -> float:
            r, alpha, a, b = np.exp(log_params)
            ll = _bgnbd_log_lik(r, alpha * scale, a, b, ux, ut_x, ubig_t)
            return -float(np.dot(weight, ll)) / n

        r, alpha_scaled, a, b = np.exp(_minimise(neg_ll, 4))
        return cls(float(r), float(alpha_scaled * scale), float(a), float(b), len(x))

    def _dropout_odds(self, x: FloatArray, t_x: FloatArray, big_t: FloatArray) -> FloatArray:
        """a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x) for repeat buyers, 0 otherwise."""
        odds = np.zeros_like(x)
        rep = x > 0
        log_odds = (
            np.log(self.a)
            - np.log(self.b + x[rep] - 1)
            + (self.r + x[rep]) * (np.log(self.alpha + big_t[rep]) - np.log(self.alpha + t_x[rep]))
        )
        odds[rep] = np.exp(np.minimum(log_odds, 700.0))
        return odds

    def probability_alive(
        self, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
    ) -> FloatArray:
        """P(customer still active | history); 1 for one-time buyers by the model's assumption."""
        x, t_x, big_t = _arr(frequency), _arr(recency), _arr(age)
        return 1.0 / (1.0 + self._dropout_odds(x, t_x, big_t))

    def expected_purchases(
        self, horizon: float, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
    ) -> FloatArray:
        """Expected repeat purchases in the next ``horizon`` time units given history."""
        x, t_x, big_t = _arr(frequency), _arr(recency), _arr(age)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = horizon / (alpha + big_t + horizon)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        ratio = np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + horizon)))
        numer = (a + b + x - 1) / (a - 1) * (1 - ratio * hyp)
        return np.asarray(numer / (1.0 + self._dropout_odds(x, t_x, big_t)), dtype=np.float64)

    def expected_purchases_new(self, horizon: ArrayLike) -> FloatArray:
        """Expected repeat purchases by a new customer within ``horizon`` (for checks)."""
        t = _arr(horizon)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return np.asarray(
            (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp), dtype=np.float64
        )


def _bgnbd_log_lik(
    r: float, alpha: float, a: float, b: float, x: FloatArray, t_x: FloatArray, big_t: FloatArray
) -> FloatArray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6)."""
    ln_a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    ln_a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    ln_a3 = -(r + x) * np.log(alpha + big_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        ln_a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return np.asarray(ln_a1 + ln_a2 + np.logaddexp(ln_a3, ln_a4), dtype=np.float64)


@dataclass(frozen=True)
class GammaGammaModel:
    """Fitted Gamma-Gamma spend model: spend per transaction ~ Gamma(p, nu), nu ~ Gamma(q, v)."""

    p: float
    q: float
    v: float
    n_customers: int = 0

    @classmethod
    def fit(cls, frequency: ArrayLike, mean_value: ArrayLike) -> GammaGammaModel:
        """Fit on repeat buyers only: ``frequency`` > 0 and their mean repeat-order value."""
        x, m = _arr(frequency), _arr(mean_value)
        keep = (x > 0) & (m > 0)
        x, m = x[keep], m[keep]
        if len(x) < 5:
            raise ModelFitError("Gamma-Gamma needs at least 5 repeat buyers with positive spend")
        scale = float(np.mean(m))

        n = float(len(x))

        def neg_ll(log_params: FloatArray) -> float:
            p, q, v = np.exp(log_params)
            return -float(np.sum(_gamma_gamma_log_lik(p, q, v * scale, x, m))) / n

        p, q, v_scaled = np.exp(_minimise(neg_ll, 3))
        return cls(float(p), float(q), float(v_scaled * scale), len(x))

    def expected_mean_value(self, frequency: ArrayLike, mean_value: ArrayLike) -> FloatArray:
        """Posterior mean spend per order: a customer's own mean shrunk towards the population."""
        x, m = _arr(frequency), _arr(mean_value)
        if self.q <= 1:
            # the population mean is infinite for q <= 1; fall back to what the customer spent
            return np.asarray(m, dtype=np.float64)
        population = self.p * self.v / (self.q - 1)
        weight = self.p * x / (self.p * x + self.q - 1)
        return np.asarray((1 - weight) * population + weight * m, dtype=np.float64)


def _gamma_gamma_log_lik(p: float, q: float, v: float, x: FloatArray, m: FloatArray) -> FloatArray:
    """Per-customer Gamma-Gamma log-likelihood of the observed mean spend (Fader et al. 2005)."""
    px = p * x
    return np.asarray(
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + x * m),
        dtype=np.float64,
    )
