"""Writing articles to the archive, in the order a batch goes through it.

- :mod:`archive.store.upsert`: :func:`~archive.store.upsert.store_articles`
  and its :class:`~archive.store.upsert.StoreResult`, the one entry point;
- :mod:`archive.store.batch_rows`: which stored article each item matches,
  and the item applied to it (nulls and empties never erase stored values);
- :mod:`archive.store.content_hash`: what counts as a change of content;
- :mod:`archive.store.bulk_writer`: the fast path that writes the rows
  around the ORM, behind a narrow interface;
- :mod:`archive.store.tables`: the ORM models' tables, as the writes see them.

Callers import from the modules (``store_articles`` also from ``archive``).
"""
