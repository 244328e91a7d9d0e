"""The demo tenant's files: a bucket and a Markdown handbook to preview and export."""

from __future__ import annotations

import uuid

from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.storage import service
from athanor.storage.backends.base import one_chunk
from athanor.storage.exceptions import FileNotFound
from athanor.storage.ingest import blob_key, receive
from athanor.storage.tasks import make_preview

DEMO_BUCKET = "documents"
HANDBOOK_PATH = "guides/handbook.md"
HANDBOOK = """---
title: The Athanor Handbook
author: The Athanor team
---

# Welcome

Athanor runs **AI products** for many tenants: providers, engines, workflows, levels and
token wallets in one place. This handbook is a file in the *documents* bucket: preview it,
keep versions of it, and export it to PDF, EPUB or Word.

## What you can do here

1. Connect a provider and publish an engine.
2. Chain engines into a workflow.
3. Sell access by levels paid from token wallets.

# Files

Every upload keeps its previous versions. Identical content is stored once.

| Action | Where |
| --- | --- |
| Upload | Files, then *Upload* |
| Restore a version | The file's versions |
| Share | A signed link that expires |

# Exports

Exports run on the `export` queue and show their progress live:

```
athanor export handbook.md --to epub
```

> Templates set the page size, fonts, table of contents and title page.
"""


async def seed_files(runtime: Runtime, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    async with runtime.db.session(DbScope.for_tenant(tenant_id, user_id)) as session:
        bucket = await service.ensure_bucket(session, DEMO_BUCKET)
        try:
            await service.find_file(session, bucket, HANDBOOK_PATH)
            return
        except FileNotFound:
            await session.commit()
        data = HANDBOOK.encode()
        received = await receive(runtime.files, blob_key(tenant_id), one_chunk(data), limit=len(data))
        recorded = await service.record(
            session,
            runtime.files,
            received,
            bucket=bucket,
            path=HANDBOOK_PATH,
            declared_type="text/markdown",
            user_id=user_id,
        )
        await session.commit()
    # Seeding runs in a process of its own, before any worker: the preview is made here.
    await make_preview(runtime, tenant_id, recorded.version.blob_id)
