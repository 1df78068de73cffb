"""What each Task state does: plain functions with their collaborators passed in (no globals)."""
