"""The error every model backend raises when it cannot load: the reason and the fix."""

from __future__ import annotations


class ModelError(Exception):
    """A model that cannot be loaded, with the reason and the fix."""
