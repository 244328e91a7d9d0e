"""Expired tokens leave a wallet in one sweep, whatever order their lots were granted in."""

from __future__ import annotations

from datetime import timedelta

from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.wallet import service as wallet
from athanor.wallet.models import AccountKind
from tests.builders import make_member


async def test_one_sweep_empties_every_expired_lot(runtime: Runtime) -> None:
    """Found by the ledger state machine: lots granted later-expiry first. Sweeping the
    first lot drew its tokens from the soonest-expiring one, so a second lot kept tokens
    past its expiry, and the next sweep reused the first lot's key and failed."""
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    now = utcnow()
    scope = DbScope.for_tenant(owner.tenant_id)
    async with runtime.db.session(scope) as session, session.begin():
        for key, amount, hours in (("late", 5, 2), ("soon", 3, 1)):
            expires = now + timedelta(hours=hours)
            await wallet.grant(
                session, user_id=owner.user_id, amount=amount, idempotency_key=key, expires_at=expires
            )
    later = now + timedelta(hours=3)
    for _sweep in range(2):
        async with runtime.db.session(scope) as session, session.begin():
            await wallet.expire_lots(session, now=later)
    async with runtime.db.session(scope) as session:
        holder = await wallet.account(session, AccountKind.USER, owner.user_id)
        expired = await wallet.account(session, AccountKind.EXPIRED)
        assert (holder.balance, expired.balance) == (0, 8)
