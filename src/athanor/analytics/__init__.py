"""Analytics: hourly and daily rollups of executions and workflow runs, cost and margin,
breakdowns, forecasts."""
