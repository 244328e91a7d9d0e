"""Per-deployment health: circuit, cooldown, latency averages, calls in flight.

Two backends behind one interface: `MemoryHealthState` inside one process (the embedded
default) and `RedisHealthState`, shared by every API server using the same Redis and
prefix. Both keep the same rules; the tests run each behaviour on both.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from athanor.core.logging import get_logger
from athanor.routing.policy import BreakerPolicy
from athanor.routing.types import Verdict

log = get_logger(__name__)

Clock = Callable[[], float]


class Circuit(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class DeploymentHealth:
    consecutive_failures: int = 0
    # 0 while the circuit is closed; otherwise the moment it half-opens (past once it has).
    open_until: float = 0.0
    cooldown_until: float = 0.0
    # Moving averages of successful calls; None until the first one is measured.
    latency_ms: float | None = None
    ttft_ms: float | None = None
    in_flight: int = 0
    # Half-open trial calls in flight.
    probes: int = 0

    def circuit(self, now: float) -> Circuit:
        if not self.open_until:
            return Circuit.CLOSED
        return Circuit.OPEN if now < self.open_until else Circuit.HALF_OPEN

    def callable(self, now: float, policy: BreakerPolicy) -> bool:
        """Whether a call may go to this deployment now."""
        if now < self.cooldown_until:
            return False
        circuit = self.circuit(now)
        return circuit is Circuit.CLOSED or (
            circuit is Circuit.HALF_OPEN and self.probes < policy.half_open_probes
        )

    @property
    def blocked_until(self) -> float:
        """When neither the circuit nor a cooldown holds the deployment back any more."""
        return max(self.open_until, self.cooldown_until)


@dataclass(frozen=True, slots=True)
class HealthSnapshot:
    # The state's clock when read, the time base of every timestamp above.
    now: float
    deployments: Mapping[str, DeploymentHealth]
    # The route's round-robin position, when asked for.
    turn: int = 0

    def of(self, deployment_id: str) -> DeploymentHealth:
        return self.deployments.get(deployment_id, _UNKNOWN)


_UNKNOWN = DeploymentHealth()


@dataclass(frozen=True, slots=True)
class Ticket:
    """One admitted call, handed back to `settle` when it ends."""

    deployment_id: str
    call_id: str
    probe: bool
    # Calls in flight to the deployment, this one included.
    in_flight: int


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    latency_ms: float | None = None
    ttft_ms: float | None = None
    cooldown_seconds: float = 0.0


class HealthState(Protocol):
    async def snapshot(self, deployment_ids: Sequence[str], *, turn_key: str | None = None) -> HealthSnapshot:
        """The health of these deployments in one read; with `turn_key`, also take the
        next round-robin turn of that route."""
        ...

    async def admit(self, deployment_id: str, policy: BreakerPolicy, *, force: bool = False) -> Ticket | None:
        """Start a call, or None when the circuit refuses it (open, or half-open with every
        probe slot taken). `force` admits regardless, for a last-resort call."""
        ...

    async def settle(self, ticket: Ticket, outcome: Outcome, policy: BreakerPolicy) -> None:
        """End an admitted call: free its slot, then update circuit, cooldown and averages.
        Settling a ticket twice changes nothing the second time."""
        ...


def _new_call_id() -> str:
    return uuid.uuid4().hex


def _ewma(average: float | None, sample: float | None, alpha: float) -> float | None:
    if sample is None:
        return average
    return sample if average is None else alpha * sample + (1 - alpha) * average


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha <= 1:
        raise ValueError("alpha must be in (0, 1]")


@dataclass(slots=True)
class _Record:
    failures: int = 0
    open_until: float = 0.0
    cooldown_until: float = 0.0
    latency_ms: float | None = None
    ttft_ms: float | None = None
    calls: set[str] = field(default_factory=set)
    probes: set[str] = field(default_factory=set)

    def health(self) -> DeploymentHealth:
        return DeploymentHealth(
            consecutive_failures=self.failures,
            open_until=self.open_until,
            cooldown_until=self.cooldown_until,
            latency_ms=self.latency_ms,
            ttft_ms=self.ttft_ms,
            in_flight=len(self.calls),
            probes=len(self.probes),
        )


class MemoryHealthState:
    """Health kept in this process: right for one server, or as each server's own view."""

    def __init__(self, *, alpha: float = 0.3, clock: Clock = time.monotonic) -> None:
        _check_alpha(alpha)
        self._alpha = alpha
        self._clock = clock
        self._records: defaultdict[str, _Record] = defaultdict(_Record)
        self._turns: Counter[str] = Counter()

    async def snapshot(self, deployment_ids: Sequence[str], *, turn_key: str | None = None) -> HealthSnapshot:
        turn = 0
        if turn_key is not None:
            self._turns[turn_key] += 1
            turn = self._turns[turn_key]
        health = {id_: self._records[id_].health() for id_ in deployment_ids if id_ in self._records}
        return HealthSnapshot(self._clock(), health, turn)

    async def admit(self, deployment_id: str, policy: BreakerPolicy, *, force: bool = False) -> Ticket | None:
        record = self._records[deployment_id]
        probe = not force and record.open_until > 0
        if probe and (self._clock() < record.open_until or len(record.probes) >= policy.half_open_probes):
            return None
        call_id = _new_call_id()
        record.calls.add(call_id)
        if probe:
            record.probes.add(call_id)
        return Ticket(deployment_id, call_id, probe, len(record.calls))

    async def settle(self, ticket: Ticket, outcome: Outcome, policy: BreakerPolicy) -> None:
        now = self._clock()
        record = self._records[ticket.deployment_id]
        record.calls.discard(ticket.call_id)
        # Membership, not ticket.probe: a probe of an earlier half-open spell ended with it.
        was_probe = ticket.call_id in record.probes
        record.probes.discard(ticket.call_id)
        if outcome.verdict is Verdict.SUCCESS:
            record.failures, record.open_until = 0, 0.0
            record.probes.clear()
        elif outcome.verdict is Verdict.FAILURE:
            record.failures += 1
            if was_probe or record.failures >= policy.failure_threshold:
                record.open_until = now + policy.open_seconds
                record.probes.clear()
        if outcome.cooldown_seconds > 0:
            record.cooldown_until = max(record.cooldown_until, now + outcome.cooldown_seconds)
        record.latency_ms = _ewma(record.latency_ms, outcome.latency_ms, self._alpha)
        record.ttft_ms = _ewma(record.ttft_ms, outcome.ttft_ms, self._alpha)


# Both scripts take KEYS = health hash, calls lease set, probes lease set. A lease is a
# call id scored by its deadline, so the calls of a server that died lapse by themselves.
_ADMIT = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local probe = 0
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
if ARGV[5] == '0' and open_until > 0 then
  if now < open_until or redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then
    return {0, 0, 0}
  end
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
  redis.call('EXPIRE', KEYS[3], ARGV[6])
  probe = 1
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[6])
return {1, probe, redis.call('ZCARD', KEYS[2])}
"""

_SETTLE = """
local now = tonumber(ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
local was_probe = redis.call('ZREM', KEYS[3], ARGV[2]) == 1
if ARGV[3] == 'success' then
  redis.call('HSET', KEYS[1], 'failures', 0, 'open_until', 0)
  redis.call('DEL', KEYS[3])
elseif ARGV[3] == 'failure' then
  local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
  if was_probe or failures >= tonumber(ARGV[8]) then
    redis.call('HSET', KEYS[1], 'open_until', tostring(now + tonumber(ARGV[9])))
    redis.call('DEL', KEYS[3])
  end
end
local cooldown = tonumber(ARGV[6])
if cooldown > 0 then
  local until_ = now + cooldown
  if until_ > tonumber(redis.call('HGET', KEYS[1], 'cooldown_until') or '0') then
    redis.call('HSET', KEYS[1], 'cooldown_until', tostring(until_))
  end
end
local alpha = tonumber(ARGV[7])
local function ewma(name, sample)
  if sample == '' then return end
  local value = tonumber(sample)
  local average = redis.call('HGET', KEYS[1], name)
  if average then value = alpha * value + (1 - alpha) * tonumber(average) end
  redis.call('HSET', KEYS[1], name, tostring(value))
end
ewma('latency_ms', ARGV[4])
ewma('ttft_ms', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[10])
return 1
"""

_FIELDS = ("failures", "open_until", "cooldown_until", "latency_ms", "ttft_ms")


class RedisHealthState:
    """Health shared by every server on the same Redis and prefix. One round trip per
    snapshot, admission and settlement (a pipeline, or a Lua script for atomicity).

    Timestamps are the servers' wall clocks (`time.time`), so they must be in step to
    within a small part of the breaker's durations (NTP does it). A call is counted in
    flight for at most `lease_seconds`, so a server that dies mid-call leaks nothing for
    longer; keys of deployments left unused expire after `ttl_seconds`.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "athanor:routing",
        alpha: float = 0.3,
        lease_seconds: float = 600.0,
        ttl_seconds: int = 86_400,
        clock: Clock = time.time,
    ) -> None:
        _check_alpha(alpha)
        if lease_seconds <= 0 or ttl_seconds < lease_seconds:
            raise ValueError("lease_seconds must be positive and no longer than ttl_seconds")
        self._redis = redis
        self._prefix = prefix
        self._alpha = alpha
        self._lease_seconds = lease_seconds
        self._ttl_seconds = ttl_seconds
        self._clock = clock
        self._admit = redis.register_script(_ADMIT)
        self._settle = redis.register_script(_SETTLE)

    def _keys(self, deployment_id: str) -> list[str]:
        # The hash tag keeps one deployment's keys in one cluster slot, as scripts require.
        base = f"{self._prefix}:{{{deployment_id}}}"
        return [f"{base}:health", f"{base}:calls", f"{base}:probes"]

    async def snapshot(self, deployment_ids: Sequence[str], *, turn_key: str | None = None) -> HealthSnapshot:
        now = self._clock()
        live = f"({now!r}"
        async with self._redis.pipeline(transaction=False) as pipe:
            for deployment_id in deployment_ids:
                health, calls, probes = self._keys(deployment_id)
                pipe.hmget(health, list(_FIELDS))
                pipe.zcount(calls, live, "+inf")
                pipe.zcount(probes, live, "+inf")
            if turn_key is not None:
                pipe.incr(f"{self._prefix}:turn:{turn_key}")
                pipe.expire(f"{self._prefix}:turn:{turn_key}", self._ttl_seconds)
            replies = await pipe.execute()
        health_map = {
            deployment_id: _parse_health(*replies[3 * index : 3 * index + 3])
            for index, deployment_id in enumerate(deployment_ids)
        }
        turn = int(replies[3 * len(deployment_ids)]) if turn_key is not None else 0
        return HealthSnapshot(now, health_map, turn)

    async def admit(self, deployment_id: str, policy: BreakerPolicy, *, force: bool = False) -> Ticket | None:
        now = self._clock()
        call_id = _new_call_id()
        admitted, probe, in_flight = await self._admit(
            keys=self._keys(deployment_id),
            args=[
                repr(now),
                call_id,
                repr(now + self._lease_seconds),
                policy.half_open_probes,
                int(force),
                self._ttl_seconds,
            ],
        )
        if not admitted:
            return None
        return Ticket(deployment_id, call_id, bool(probe), int(in_flight))

    async def settle(self, ticket: Ticket, outcome: Outcome, policy: BreakerPolicy) -> None:
        # Best effort: the call itself is over, and a lost update must not turn its answer
        # into an error. The lease frees the slot by itself.
        try:
            await self._settle(
                keys=self._keys(ticket.deployment_id),
                args=[
                    repr(self._clock()),
                    ticket.call_id,
                    outcome.verdict.value,
                    _optional(outcome.latency_ms),
                    _optional(outcome.ttft_ms),
                    repr(outcome.cooldown_seconds),
                    repr(self._alpha),
                    policy.failure_threshold,
                    repr(policy.open_seconds),
                    self._ttl_seconds,
                ],
            )
        except (RedisError, OSError) as error:
            log.warning(
                "routing.health_not_recorded",
                deployment_id=ticket.deployment_id,
                error_type=type(error).__name__,
            )


def _optional(value: float | None) -> str:
    return "" if value is None else repr(value)


def _parse_health(fields: list[bytes | str | None], in_flight: int, probes: int) -> DeploymentHealth:
    failures, open_until, cooldown_until, latency_ms, ttft_ms = fields
    return DeploymentHealth(
        consecutive_failures=int(failures or 0),
        open_until=float(open_until or 0),
        cooldown_until=float(cooldown_until or 0),
        latency_ms=None if latency_ms is None else float(latency_ms),
        ttft_ms=None if ttft_ms is None else float(ttft_ms),
        in_flight=int(in_flight),
        probes=int(probes),
    )
