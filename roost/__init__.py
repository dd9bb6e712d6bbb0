"""Roost: a self-hosted backend server that speaks PocketBase's Web API."""

__version__ = "0.1.0"

__all__ = ["__version__"]
