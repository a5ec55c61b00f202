"""Awaiting, in the reactor, a concurrent.futures.Future that another thread completes (an
extraction worker's reading, the archive writer's answer)."""

from __future__ import annotations

from concurrent.futures import Future

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred


def in_reactor(future: Future):
    """Something a coroutine in the reactor can await: the future's result, or its exception."""
    from twisted.internet import reactor  # the one Scrapy installed

    deferred: Deferred = Deferred()

    def done(finished: Future) -> None:
        error = finished.exception()
        if error is not None:
            reactor.callFromThread(deferred.errback, error)
        else:
            reactor.callFromThread(deferred.callback, finished.result())

    future.add_done_callback(done)
    return maybe_deferred_to_future(deferred)
