"""Accounts: Argon2 passwords, server-side sessions with CSRF tokens, API tokens, login throttling, audit.

Every secret handed to a client (session id, API token, verification code) is random and stored only as its
SHA-256, so a copy of the database does not let anyone log in or look a case up.
"""
