"""The web face: JSON API under /api/v1, server-rendered HTML pages, later Open311."""
