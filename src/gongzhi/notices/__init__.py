"""In-app inbox for staff and residents, and a pluggable SMS channel."""
