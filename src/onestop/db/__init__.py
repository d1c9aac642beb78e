"""Persistence: SQLAlchemy Core tables, engine set-up, migrations and repositories.

The domain (`onestop.worktime`, `onestop.cases`, `onestop.org`) never imports this package; the action layer
(`onestop.actions`) maps domain objects to rows through the repositories here.
"""
