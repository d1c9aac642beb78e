"""Accounts: password hashing now; sessions, CSRF and API tokens with the web shell."""
