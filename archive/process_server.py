"""Imported last by the crawl's process server (archive.reading.process_context), after the
modules its workers need: freezes what they allocated, so the garbage collector of each
forked worker never writes to those objects' pages and they stay shared with the server."""

import gc

gc.collect()
gc.freeze()
