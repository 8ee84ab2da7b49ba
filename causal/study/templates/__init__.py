"""Text templates written by ``causal init`` (package data)."""
