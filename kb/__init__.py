"""Inspection-readiness knowledge base: the domain (framework, tagging, store, search, assistant)."""

__version__ = "0.1.0"
