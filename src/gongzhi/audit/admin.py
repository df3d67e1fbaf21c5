"""The audit trail is not in the admin: only auditors read it, on the audit page."""
