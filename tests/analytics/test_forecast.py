"""Holt-Winters on synthetic series whose future is known."""

from __future__ import annotations

import random

import pytest

from athanor.analytics import forecast

PATTERN = (10.0, 0.0, -5.0, 0.0, 5.0, -10.0, 0.0)


def trend_and_season(days: int, start: int = 0) -> list[float]:
    return [100 + 2 * t + PATTERN[t % 7] for t in range(start, start + days)]


def test_a_clean_weekly_series_is_forecast_exactly() -> None:
    history = trend_and_season(42)

    model = forecast.fit(history)
    predicted = forecast.predict(model, 30)

    assert model.method == forecast.HOLT_WINTERS
    assert model.sigma == pytest.approx(0, abs=1e-9)
    assert [point.value for point in predicted] == pytest.approx(trend_and_season(30, start=42))
    assert all(point.lower_95 == pytest.approx(point.upper_95) for point in predicted)
    checked = forecast.backtest(history)
    assert checked is not None
    assert checked.holdout == 14
    assert checked.mape == pytest.approx(0, abs=1e-9)


def test_noise_widens_the_intervals_and_they_cover_the_future() -> None:
    noise = random.Random(7)
    series = [value + noise.gauss(0, 4) for value in trend_and_season(70)]
    history, future = series[:56], series[56:]

    model = forecast.fit(history)
    predicted = forecast.predict(model, 14)

    assert 2 < model.sigma < 8
    inside = sum(
        point.lower_95 <= actual <= point.upper_95 for point, actual in zip(predicted, future, strict=True)
    )
    assert inside >= 13
    # Intervals grow with the horizon.
    widths = [point.upper_95 - point.lower_95 for point in predicted]
    assert widths[-1] > widths[0]
    assert all(point.lower_80 >= point.lower_95 and point.upper_80 <= point.upper_95 for point in predicted)
    checked = forecast.backtest(series)
    assert checked is not None
    assert checked.mape is not None
    assert checked.mape < 0.05


def test_short_histories_fall_back_to_a_trend_or_the_last_value() -> None:
    linear = [5.0, 7.0, 9.0, 11.0, 13.0]
    model = forecast.fit(linear)
    assert model.method == forecast.HOLT
    assert [point.value for point in forecast.predict(model, 3)] == pytest.approx([15.0, 17.0, 19.0])
    assert forecast.backtest(linear) is None

    assert forecast.fit([4.0]).method == forecast.NAIVE
    assert [point.value for point in forecast.predict(forecast.fit([4.0]), 2)] == [4.0, 4.0]
    assert [point.value for point in forecast.predict(forecast.fit([]), 1)] == [0.0]


def test_forecasts_never_go_below_zero() -> None:
    falling = [100.0 - 10 * t for t in range(10)]
    assert all(
        point.value >= 0 and point.lower_95 >= 0 for point in forecast.predict(forecast.fit(falling), 30)
    )
