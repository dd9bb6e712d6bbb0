"""Descriptions of the API generated from the live collections and the caller's class: OpenAPI
3.1 (openapi.py), JSON Schema 2020-12 per collection (record_schema.py) and TypeScript types in
pocketbase-typegen's shape (typescript.py). The api layer only binds routes to these."""

from roost.core.apidocs.audience import Audience, audience_of, may_read
from roost.core.apidocs.openapi import ApiDocs, Built, build_document
from roost.core.apidocs.record_schema import MODES, json_schema
from roost.core.apidocs.typescript import generate as typescript_types

__all__ = [
    "MODES",
    "ApiDocs",
    "Audience",
    "Built",
    "audience_of",
    "build_document",
    "json_schema",
    "may_read",
    "typescript_types",
]
