"""Forecasting a daily series: additive Holt-Winters with weekly seasonality (ETS(A,A,A)),
Holt's linear trend when there is less than two weeks of history, with prediction
intervals and a backtest on held-out days. Pure Python: a series is at most a few hundred
days, and a grid search over the smoothing parameters takes milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

SEASON = 7
Z_80 = 1.2815515655446004
Z_95 = 1.959963984540054
ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
BETAS = (0.0, 0.05, 0.1, 0.2, 0.3)
GAMMAS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)

HOLT_WINTERS = "holt_winters_additive_weekly"
HOLT = "holt_linear"
NAIVE = "naive_last_value"


@dataclass(frozen=True, slots=True)
class Fit:
    method: str
    alpha: float
    beta: float
    gamma: float
    level: float
    trend: float
    # The seasonal terms of the next SEASON days, the first being tomorrow's.
    season: tuple[float, ...]
    sigma: float


@dataclass(frozen=True, slots=True)
class Predicted:
    value: float
    lower_80: float
    upper_80: float
    lower_95: float
    upper_95: float


@dataclass(frozen=True, slots=True)
class BacktestResult:
    holdout: int
    mape: float | None
    mae: float


def _run(
    series: Sequence[float], alpha: float, beta: float, gamma: float, seasonal: bool
) -> tuple[float, Fit]:
    """One pass of the recursions from a classical start; the sum of squared one-step errors."""
    m = SEASON if seasonal else 1
    if seasonal:
        first = sum(series[:m]) / m
        trend = (sum(series[m : 2 * m]) / m - first) / m
        # The first week's seasonal terms, net of the trend inside that week.
        season = [series[i] - (first + (i - (m - 1) / 2) * trend) for i in range(m)]
        level = first + (m - 1) / 2 * trend
        start = m
    else:
        level, trend, season, start = series[0], series[1] - series[0], [0.0], 1
    sse = 0.0
    steps = 0
    for t in range(start, len(series)):
        s = season[t % m] if seasonal else 0.0
        error = series[t] - (level + trend + s)
        sse += error * error
        steps += 1
        previous = level
        level = alpha * (series[t] - s) + (1 - alpha) * (level + trend)
        trend = beta * (level - previous) + (1 - beta) * trend
        if seasonal:
            season[t % m] = gamma * (series[t] - level) + (1 - gamma) * s
    parameters = 3 if seasonal else 2
    sigma = math.sqrt(sse / max(steps - parameters, 1)) if steps else 0.0
    n = len(series)
    upcoming = tuple(season[(n + h) % m] for h in range(m)) if seasonal else (0.0,)
    method = HOLT_WINTERS if seasonal else HOLT
    return sse, Fit(method, alpha, beta, gamma if seasonal else 0.0, level, trend, upcoming, sigma)


def fit(series: Sequence[float]) -> Fit:
    """The parameters with the smallest one-step squared error over the series."""
    if len(series) < 2:
        last = series[-1] if series else 0.0
        return Fit(NAIVE, 1.0, 0.0, 0.0, last, 0.0, (0.0,), 0.0)
    seasonal = len(series) >= 2 * SEASON
    best: tuple[float, Fit] | None = None
    for alpha, beta, gamma in product(ALPHAS, BETAS, GAMMAS if seasonal else (0.0,)):
        candidate = _run(series, alpha, beta, gamma, seasonal)
        if best is None or candidate[0] < best[0]:
            best = candidate
    assert best is not None
    return best[1]


def predict(model: Fit, horizon: int, *, floor: float | None = 0.0) -> list[Predicted]:
    """Point forecasts and 80 % / 95 % intervals for the next `horizon` days. The h-step
    variance is sigma^2 (1 + sum over j < h of (alpha (1 + j beta) + gamma [j = 0 mod m])^2)."""
    m = len(model.season)
    out = []
    spread = 0.0
    for h in range(1, horizon + 1):
        if h > 1:
            j = h - 1
            c = model.alpha * (1 + j * model.beta) + (model.gamma if m > 1 and j % m == 0 else 0.0)
            spread += c * c
        value = model.level + h * model.trend + model.season[(h - 1) % m]
        width = model.sigma * math.sqrt(1 + spread)

        def clamp(x: float) -> float:
            return x if floor is None else max(floor, x)

        out.append(
            Predicted(
                value=clamp(value),
                lower_80=clamp(value - Z_80 * width),
                upper_80=clamp(value + Z_80 * width),
                lower_95=clamp(value - Z_95 * width),
                upper_95=clamp(value + Z_95 * width),
            )
        )
    return out


def backtest(series: Sequence[float]) -> BacktestResult | None:
    """Hold out the last two weeks (one with less history), forecast them from the days
    before, and report the mean absolute percentage error (over days with usage) and the
    mean absolute error. None when the history is too short to spare the days."""
    n = len(series)
    if n >= 2 * SEASON + 14:
        holdout = 14
    elif n >= 2 * SEASON + 7:
        holdout = 7
    else:
        return None
    train, actual = series[:-holdout], series[-holdout:]
    forecast = [point.value for point in predict(fit(train), holdout)]
    errors = [abs(a - f) for a, f in zip(actual, forecast, strict=True)]
    relative = [abs(a - f) / abs(a) for a, f in zip(actual, forecast, strict=True) if a != 0]
    return BacktestResult(
        holdout=holdout,
        mape=sum(relative) / len(relative) if relative else None,
        mae=sum(errors) / holdout,
    )
