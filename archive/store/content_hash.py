"""The content hash: what counts as a change of an article's content.

An article's text is encoded and hashed once: its sections are kept as spans
of its body where they can be (:mod:`archive.body_spans`), and the content
hash of such an article reads the body, not the paragraphs again
(:func:`hash_content`). Where sections are no spans, each paragraph is
encoded to JSON once, for the hash and for the ``paragraphs`` column
(:class:`EncodedSections`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from archive.body_spans import Span, spans


def _json_text(value: str | None) -> str:
    """JSON for a string or None, as ``json.dumps(value, ensure_ascii=False)`` writes it.

    ``encode_basestring`` is the json module's own (C) string encoder, the one
    ``dumps`` uses; it raises TypeError for anything but a str.
    """
    return "null" if value is None else encode_basestring(value)


class EncodedSections(NamedTuple):
    """Sections encoded once, for the content hash and the ``sections`` rows.

    Most articles' sections are spans of the body (:mod:`archive.body_spans`):
    ``spans`` holds them, and no paragraph is encoded at all. Otherwise each
    paragraph is encoded to JSON once: the content hash wants the paragraphs
    compact (``["a","b"]``), the ``paragraphs`` column as the archive's JSON
    serializer writes them (``["a", "b"]``, see
    :class:`archive.store.bulk_writer.BulkWriter`), and both are joins of the
    same encoded strings.
    """

    spans: list[Span | None] | None  # each section's span of the body (None: JSON)
    hashed: str | None = None  # JSON: the "sections" value of the hash's JSON text
    columns: list[str] | None = None  # JSON: each section's paragraphs, as json.dumps writes


def column_json(encoded: list[str]) -> str:
    """A list of JSON-encoded strings as ``json.dumps(..., ensure_ascii=False)`` writes it."""
    return "[" + ", ".join(encoded) + "]"


def _encode_sections(sections: Sequence[Mapping[str, Any]]) -> EncodedSections | None:
    """Sections (exactly "heading" and "paragraphs") encoded; None if a value is no string.

    A value that is not a string is left to ``json.dumps``, which decides how
    it is written (see :func:`hash_content`).
    """
    hashed: list[str] = []
    columns: list[str] = []
    try:
        for section in sections:
            texts = [encode_basestring(text) for text in section["paragraphs"]]
            columns.append(column_json(texts))
            hashed.append(
                '{"heading":'
                + _json_text(section["heading"])
                + ',"paragraphs":['
                + ",".join(texts)
                + "]}"
            )
    except TypeError:
        return None
    return EncodedSections(None, "[" + ",".join(hashed) + "]", columns)


def encode(body: str, sections: Sequence[Mapping[str, Any]]) -> EncodedSections | None:
    """Sections encoded for the hash and the rows: as spans of ``body`` where they are.

    None when a paragraph is not a string (see :func:`hash_content`).
    """
    found = spans(body, sections)
    return EncodedSections(found) if found is not None else _encode_sections(sections)


#: The head of the span form's hashed text, as ``json.dumps`` writes it compactly.
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def hash_content(
    title: str | None,
    body: str | None,
    sections: Sequence[Mapping[str, Any]],
    encoded: EncodedSections | None = None,
) -> str:
    """The content hash: sha1 of title, body and sections (exactly "heading" and "paragraphs").

    Two forms, chosen by the content itself, so equal contents always get
    equal hashes (revision 0007):

    - sections that are spans of the body (:func:`archive.body_spans.spans`;
      every article our spiders store): the UTF-8 of ``json.dumps([title,
      [[heading, number of paragraphs], ...]], ensure_ascii=False,
      separators=(",", ":"))``, a newline, and the body. The body and the
      counts give back every paragraph, so this names the content exactly,
      and the text is hashed once, not again as paragraphs;
    - any other: the UTF-8 of the canonical JSON ``json.dumps({"title",
      "body", "sections"}, ensure_ascii=False, sort_keys=True,
      separators=(",", ":"))``. When every value is a string (or None), the
      same text is joined here from its pieces, keys in sorted order, around
      ``encoded`` (computed when not given), whose paragraphs are encoded
      once for the hash and the ``paragraphs`` column (:class:`EncodedSections`).

    The first starts with ``[``, the second with ``{``: the two never meet.
    """
    body = body or ""
    if encoded is None:
        encoded = encode(body, sections)
    if encoded is not None and encoded.spans is not None:
        head = _compact([title, [[s["heading"], len(s["paragraphs"])] for s in sections]])
        digest = hashlib.sha1(head.encode("utf-8"))
        digest.update(b"\n")
        digest.update(body.encode("utf-8"))
        return digest.hexdigest()
    try:
        if encoded is None or encoded.hashed is None:
            raise TypeError("sections hold a value that is not a string")
        text = (
            '{"body":'
            + encode_basestring(body)
            + ',"sections":'
            + encoded.hashed
            + ',"title":'
            + _json_text(title)
            + "}"
        )
    except TypeError:  # a value that is not a string: json.dumps knows how it is written
        payload = {"title": title, "body": body, "sections": sections}
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def content_hash(title: str | None, body: str | None, sections: Sequence[Mapping[str, Any]]) -> str:
    """What counts as a change of content: sha1 of title, body and sections.

    See :func:`hash_content` for the two forms the hashed text takes.

    ``sections`` as the Article contract has them (``heading``, ``paragraphs``).
    """
    return hash_content(
        title, body, [{"heading": s["heading"], "paragraphs": s["paragraphs"]} for s in sections]
    )
