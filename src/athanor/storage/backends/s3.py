"""Any S3-compatible store (AWS S3, MinIO, Ceph, R2...). boto3 is synchronous: its calls run
in threads, and an upload streams through S3 multipart parts, never whole in memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from athanor.settings import Settings
from athanor.storage.backends.base import CHUNK_BYTES, ObjectMissing

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

# S3 refuses parts under 5 MiB but the last.
PART_BYTES = 8 * 1024 * 1024


class S3Backend:
    name = "s3"

    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Backend:
        secret = settings.s3_secret_access_key
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
            config=Config(
                connect_timeout=5,
                read_timeout=60,
                retries={"max_attempts": 4, "mode": "standard"},
                max_pool_connections=32,
                s3={"addressing_style": "path"},
            ),
        )
        return cls(client, settings.s3_bucket, settings.s3_prefix)

    def _key(self, key: str) -> str:
        return self.prefix + key

    async def write(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[CompletedPartTypeDef] = []
        try:
            async for chunk in chunks:
                buffer += chunk
                while len(buffer) >= PART_BYTES:
                    if upload_id is None:
                        upload_id = await self._start_multipart(key)
                    parts.append(await self._part(key, upload_id, len(parts) + 1, bytes(buffer[:PART_BYTES])))
                    del buffer[:PART_BYTES]
            if upload_id is None:
                await asyncio.to_thread(
                    self.client.put_object, Bucket=self.bucket, Key=self._key(key), Body=bytes(buffer)
                )
                return
            if buffer or not parts:
                parts.append(await self._part(key, upload_id, len(parts) + 1, bytes(buffer)))
            await asyncio.to_thread(
                self.client.complete_multipart_upload,
                Bucket=self.bucket,
                Key=self._key(key),
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            if upload_id is not None:
                await asyncio.to_thread(
                    self.client.abort_multipart_upload,
                    Bucket=self.bucket,
                    Key=self._key(key),
                    UploadId=upload_id,
                )
            raise

    async def _start_multipart(self, key: str) -> str:
        started = await asyncio.to_thread(
            self.client.create_multipart_upload, Bucket=self.bucket, Key=self._key(key)
        )
        return started["UploadId"]

    async def _part(self, key: str, upload_id: str, number: int, body: bytes) -> CompletedPartTypeDef:
        sent = await asyncio.to_thread(
            self.client.upload_part,
            Bucket=self.bucket,
            Key=self._key(key),
            UploadId=upload_id,
            PartNumber=number,
            Body=body,
        )
        return {"ETag": sent["ETag"], "PartNumber": number}

    async def read(self, key: str, start: int = 0, stop: int | None = None) -> AsyncIterator[bytes]:
        if stop is not None and stop <= start:
            return
        wanted = f"bytes={start}-{'' if stop is None else stop - 1}"
        try:
            found = await asyncio.to_thread(
                self.client.get_object, Bucket=self.bucket, Key=self._key(key), Range=wanted
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in {"NoSuchKey", "404"}:
                raise ObjectMissing(key) from error
            if code == "InvalidRange":  # reading from the end of an object: nothing
                return
            raise
        body = found["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, CHUNK_BYTES):
                yield chunk
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=self._key(key))

    async def close(self) -> None:
        await asyncio.to_thread(self.client.close)
