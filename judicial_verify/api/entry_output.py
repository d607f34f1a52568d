"""Entries, proofs and checkpoints as the read endpoints show them.

Hashes and entry bytes are base64 (as in C2SP notes and receipts), document
hashes hex. An entry's `metadata` is shown only to whom records.selectors
lets see it; everyone else gets null. A verification's entries also name the
absolute URLs of their receipt and report.
"""

import functools
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.utils import encoders

from judicial_verify.ledger.models import Checkpoint
from judicial_verify.ledger.read import InclusionProof
from judicial_verify.records.selectors import EntryView, ProvenEntry, Viewer, metadata_visible
from judicial_verify.tlog.strict_decoding import encode_base64
from judicial_verify.tlog.tree import leaf_hash


def leaf_hash_b64(entry: bytes) -> str:
    return encode_base64(leaf_hash(entry))


class KindLabelOut(serializers.Serializer):
    en = serializers.CharField()
    zh = serializers.CharField()


class NodeOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(allow_null=True, help_text="null if this log has no such node")
    type = serializers.CharField(allow_null=True)


class EntryOut(serializers.Serializer):
    index = serializers.IntegerField(min_value=0)
    kind = serializers.CharField()
    kind_label = KindLabelOut(allow_null=True, help_text="null for a kind this server lacks")
    sha256 = serializers.CharField(help_text="SHA-256 of the document, hex")
    node = NodeOut(help_text="who anchored it")
    time = serializers.CharField(help_text="when the log accepted it, RFC 3339 UTC")
    ref = serializers.IntegerField(allow_null=True, help_text="the entry this one refers to")
    content = serializers.CharField(
        allow_null=True,
        help_text="the document's content fingerprint (docs/pdf-text-v1.md), if anchored",
    )
    meta = serializers.CharField(help_text="commitment to the metadata, hex")
    entry = serializers.CharField(help_text="the entry's bytes (the leaf data), base64")
    leaf_hash = serializers.CharField(help_text="SHA-256(0x00 || entry bytes), base64")
    metadata = serializers.DictField(
        allow_null=True, help_text="the record's metadata, for whom may see it; else null"
    )
    metadata_salt = serializers.CharField(
        allow_null=True, help_text="with metadata: the salt to recompute `meta`, hex"
    )


class CheckpointOut(serializers.Serializer):
    origin = serializers.CharField()
    size = serializers.IntegerField(min_value=0)
    root_hash = serializers.CharField(help_text="base64")
    note = serializers.CharField(help_text="the signed checkpoint note, verbatim")
    verifier_key = serializers.CharField(help_text="the key that signed it")
    signed = serializers.DateTimeField()


class InclusionProofOut(serializers.Serializer):
    tree_size = serializers.IntegerField(min_value=0)
    hashes = serializers.ListField(
        child=serializers.CharField(), help_text="base64, the leaf's sibling first"
    )


class ProvenEntryOut(EntryOut):
    proof = InclusionProofOut()
    checkpoint = CheckpointOut(help_text="the checkpoint the proof leads to")


class LinkedEntryOut(ProvenEntryOut):
    receipt_url = serializers.URLField(
        help_text="absolute URL of the entry's receipt (C2SP tlog-proof), for offline checks"
    )
    report_url = serializers.URLField(
        help_text="absolute URL of the verification report (PDF) of the document checked "
        "against this entry"
    )


def entry_data(view: EntryView, viewer: Viewer) -> dict[str, Any]:
    """An entry's public fields, and its metadata if the viewer may see it."""
    kind, node, entry = view.kind, view.node, view.entry
    metadata = metadata_visible(view, viewer)
    return {
        "index": view.index,
        "kind": entry.kind,
        "kind_label": {"en": kind.label_en, "zh": kind.label_zh} if kind else None,
        "sha256": entry.sha256,
        "node": {
            "code": entry.node,
            "name": node.name if node else None,
            "type": node.type if node else None,
        },
        "time": entry.time,
        "ref": entry.ref,
        "content": entry.content,
        "meta": entry.meta,
        "entry": encode_base64(view.data),
        "leaf_hash": leaf_hash_b64(view.data),
        "metadata": metadata,
        "metadata_salt": bytes(view.record.salt).hex()
        if metadata is not None and view.record
        else None,
    }


def checkpoint_data(checkpoint: Checkpoint) -> dict[str, Any]:
    """A checkpoint as the answers show it."""
    return {
        # The log's key is named after its origin.
        "origin": checkpoint.key.name,
        "size": checkpoint.size,
        "root_hash": encode_base64(bytes(checkpoint.root_hash)),
        "note": bytes(checkpoint.note).decode(),
        "verifier_key": checkpoint.key.vkey,
        # As the JSON renderer writes a datetime (RFC 3339, UTC as Z), wherever it is shown.
        "signed": _datetime_json(checkpoint.signed),
    }


_datetime_json = encoders.JSONEncoder().default


def proof_data(proof: InclusionProof) -> dict[str, Any]:
    return {"tree_size": proof.checkpoint.size, "hashes": [encode_base64(h) for h in proof.hashes]}


def proven_entry_data(proven: ProvenEntry, viewer: Viewer) -> dict[str, Any]:
    """An entry with its inclusion proof and the checkpoint that proof leads to."""
    return {
        **entry_data(proven.view, viewer),
        "proof": proof_data(proven.proof),
        "checkpoint": checkpoint_data(proven.proof.checkpoint),
    }


@functools.cache
def _index_path(route: str, urlconf: str | None, script_prefix: str) -> tuple[str, str]:
    # Reversing costs about as much as the rest of a small answer: once a process, for each
    # URLconf and prefix the site is served under (what reverse reads besides the route).
    before, _, after = reverse(route, kwargs={"index": "INDEX"}).partition("INDEX")
    return before, after


def _index_url(request: Request, route: str) -> tuple[str, str]:
    """The absolute URL of `route` for an entry, as the text before and after its index."""
    before, after = _index_path(route, get_urlconf(), get_script_prefix())
    return request.build_absolute_uri(before), after


def entry_links_add(request: Request, entries: list[dict[str, Any]], *, sha256: str) -> None:
    """Gives each entry (as proven_entry_data made it) the absolute URLs of its receipt and of
    its verification report for the document `sha256` (LinkedEntryOut)."""
    if not entries:
        return
    receipt_before, receipt_after = _index_url(request, "api:entries-receipt")
    report_before, report_after = _index_url(request, "portal:report")
    for entry in entries:
        index = entry["index"]
        entry["receipt_url"] = f"{receipt_before}{index}{receipt_after}"
        entry["report_url"] = f"{report_before}{index}{report_after}?sha256={sha256}"
