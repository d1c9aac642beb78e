"""The action layer: every write in onestop goes through a function here.

One action = one database transaction with an optimistic version check; events are appended in the same
transaction; side effects (notifications, certificates) run only after the commit, from `Runtime.after_commit`.
Views and CLI commands stay thin and call these functions.
"""
