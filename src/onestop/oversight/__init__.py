"""效能监察 (issue 6): supervision rules and orders, unit scorecards and rankings, the monthly bulletin.

Pure module code (no database, no web): ``rules`` (rules as data and the checks), ``kinds`` (the
``supervision_order`` kind), ``config`` (weights, penalties, 约谈 and bulletin thresholds as data),
``scorecard`` (scores, ranking, 末位约谈), ``overview`` (every clock by unit and colour), ``periods``,
``access`` (who sees it), ``bulletin`` (figures and their .docx/.xlsx/.pdf renderings and charts).
The reads are ``onestop.db.oversight_repo``, the actions ``onestop.actions.oversight``, the command
``onestop oversight``.
"""
