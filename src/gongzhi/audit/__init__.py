"""Append-only, hash-chained audit trail (design.md §5)."""
