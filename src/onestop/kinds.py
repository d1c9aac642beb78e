"""Every module's case kinds, registered in one place.

A kind registers itself when its module is imported; the tick, the web app and the CLI must all know every
kind that can be in the database, so they import this module (through `onestop.actions.runtime`) rather than
each remembering a list of its own.
"""

from __future__ import annotations

from onestop.cases import generic
from onestop.hotline import kinds as hotline
from onestop.ledger import kinds as ledger
from onestop.oversight import kinds as oversight
from onestop.ratings import kinds as ratings
from onestop.window import kinds as window

MODULES = (generic, hotline, ledger, oversight, ratings, window)
