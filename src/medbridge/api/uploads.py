"""Reading uploaded files without letting a huge one fill memory."""

from __future__ import annotations

from fastapi import HTTPException, UploadFile

CHUNK = 1 << 16


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes, or 413 as soon as it grows past the limit."""
    chunks, size = [], 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"文件超过{limit // (1024 * 1024)}MB上限 / file larger than the "
                                     f"{limit // (1024 * 1024)} MB limit")
        chunks.append(chunk)
    return b"".join(chunks)
