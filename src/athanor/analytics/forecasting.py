"""Forecasts of a tenant's daily tokens and cost from its daily rollups, and the date its
wallets run out at the current burn rate."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.analytics import forecast
from athanor.analytics.buckets import day_of
from athanor.analytics.models import Grain, UsageRollup
from athanor.analytics.schemas import Backtest, DayValue, ForecastPoint, ForecastRead, Metric, RunwayRead
from athanor.db.types import utcnow
from athanor.wallet.models import HOLDER_KINDS, WalletAccount

HISTORY_DAYS = 180
BURN_WINDOW_DAYS = 7


def _today(now: datetime | None) -> datetime:
    return day_of(now or utcnow())


async def daily_series(session: AsyncSession, metric: Metric, *, today: datetime) -> list[DayValue]:
    """Whole days from the first with usage (within HISTORY_DAYS) to yesterday, empty days as 0."""
    measure = (
        UsageRollup.prompt_tokens + UsageRollup.completion_tokens
        if metric == Metric.TOKENS
        else UsageRollup.cost_nanos
    )
    rows = await session.execute(
        select(UsageRollup.bucket_at, func.sum(measure))
        .where(
            UsageRollup.grain == Grain.DAY,
            UsageRollup.bucket_at >= today - timedelta(days=HISTORY_DAYS),
            UsageRollup.bucket_at < today,
        )
        .group_by(UsageRollup.bucket_at)
    )
    values = {bucket.date(): float(total or 0) for bucket, total in rows}
    if not values:
        return []
    day, last = min(values), (today - timedelta(days=1)).date()
    series = []
    while day <= last:
        series.append(DayValue(day=day, value=values.get(day, 0.0)))
        day += timedelta(days=1)
    return series


async def forecast_usage(
    session: AsyncSession, *, metric: Metric, horizon: int, now: datetime | None = None
) -> ForecastRead:
    """The next `horizon` days of the tenant's tokens or cost (nano-dollars), with 80 % and
    95 % intervals and the error of the same method on the last held-out days."""
    today = _today(now)
    history = await daily_series(session, metric, today=today)
    values = [point.value for point in history]
    model = forecast.fit(values)
    predicted = forecast.predict(model, horizon)
    checked = forecast.backtest(values)
    start = today.date()
    return ForecastRead(
        metric=metric,
        horizon_days=horizon,
        method=model.method,
        history=history,
        points=[
            ForecastPoint(
                day=start + timedelta(days=offset),
                value=point.value,
                lower_80=point.lower_80,
                upper_80=point.upper_80,
                lower_95=point.lower_95,
                upper_95=point.upper_95,
            )
            for offset, point in enumerate(predicted)
        ],
        backtest=Backtest(holdout_days=checked.holdout, mape=checked.mape, mae=checked.mae)
        if checked
        else None,
    )


async def runway(session: AsyncSession, *, now: datetime | None = None) -> RunwayRead:
    """Tokens left in the tenant's pool and members' wallets (less open holds), over the
    tokens charged per day in the last whole week."""
    today = _today(now)
    available = int(
        await session.scalar(
            select(func.coalesce(func.sum(WalletAccount.balance - WalletAccount.held), 0)).where(
                WalletAccount.kind.in_(list(HOLDER_KINDS))
            )
        )
        or 0
    )
    burned = int(
        await session.scalar(
            select(func.coalesce(func.sum(UsageRollup.charged_tokens), 0)).where(
                UsageRollup.grain == Grain.DAY,
                UsageRollup.bucket_at >= today - timedelta(days=BURN_WINDOW_DAYS),
                UsageRollup.bucket_at < today,
            )
        )
        or 0
    )
    rate = burned / BURN_WINDOW_DAYS
    days_left = max(available, 0) / rate if rate > 0 else None
    runs_out: date | None = None
    if days_left is not None:
        runs_out = (today + timedelta(days=math.floor(days_left))).date()
    return RunwayRead(
        available_tokens=available,
        burn_tokens_per_day=rate,
        window_days=BURN_WINDOW_DAYS,
        days_left=days_left,
        runs_out_on=runs_out,
    )
