"""Crawl items as JSON messages, for the queue between distributed crawlers and the ingester.

JSON rather than pickle: the ingester must never run code a message carries. Capture bodies
are zlib-compressed and base64-encoded, which keeps HTML waiting in Redis at about 30% of
its size. A capture carries what the crawler's extraction workers read it as (its Reading),
so the ingester only writes.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib

from archive.records import Capture, CrawlEvidence, CrawlItem, Reading

TYPES = {cls.__name__: cls for cls in CrawlItem.__args__}


class BadMessage(ValueError):
    """A queued message that is not a crawl item or fleet notice this version can read."""


def encode(item, **envelope) -> bytes:
    """One crawl item (or, with item None, a notice) with envelope fields such as the run token."""
    message = dict(envelope)
    if item is not None:
        fields = dataclasses.asdict(item)
        if isinstance(item, Capture):
            fields["body"] = base64.b64encode(zlib.compress(item.body, 6)).decode("ascii")
            fields["discovered"] = list(item.discovered)
            if item.reading is not None and item.reading.signature is not None:
                fields["reading"]["signature"] = base64.b64encode(item.reading.signature).decode("ascii")
        message.update(type=type(item).__name__, item=fields)
    return json.dumps(message, separators=(",", ":")).encode("utf-8")


def decode(payload: bytes) -> tuple[dict, object | None]:
    """(envelope, item) from encode()'s bytes; item is None for notices. Raises BadMessage."""
    try:
        message = json.loads(payload)
        fields = message.pop("item", None)
        if fields is None:
            return message, None
        cls = TYPES[message["type"]]
        if cls is Capture:
            fields["body"] = zlib.decompress(base64.b64decode(fields["body"]))
            fields["discovered"] = tuple(fields["discovered"])
        if fields.get("evidence"):
            fields["evidence"] = CrawlEvidence.from_dict(fields["evidence"])
        if fields.get("reading"):
            if fields["reading"].get("signature") is not None:
                fields["reading"]["signature"] = base64.b64decode(fields["reading"]["signature"])
            fields["reading"] = Reading.from_dict(fields["reading"])
        return message, cls(**fields)
    except (ValueError, KeyError, TypeError, zlib.error, AttributeError) as err:
        raise BadMessage(f"unreadable queue message ({type(err).__name__}: {err})") from None
