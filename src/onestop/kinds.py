"""Every module's case kinds, registered in one place.

A kind registers itself when its module is imported; the tick, the web app and the CLI must all know every
kind that can be in the database, so they import this module (through `onestop.actions.runtime`) rather than
each remembering a list of its own.
"""

from __future__ import annotations

from onestop.cases import generic
from onestop.ledger import kinds as ledger

MODULES = (generic, ledger)
