"""好差评: ratings of finished services, the rectification of every 差评, appeals against malicious ratings.

Pure domain (no database, no web): ``levels`` (choice sets: levels, channels, scope, status, callback results,
appeal grounds), ``tags`` (the tag vocabulary), ``rules`` (what may be rated, once per channel, limits),
``access`` (who may rate, rectify, appeal, review, read), ``kinds`` (the ``rectification`` and
``rating_appeal`` case kinds), ``stats`` (the formulas: coverage, 好评率, 回访率, 整改率). Writes are in
``onestop.actions.ratings``, reads in ``onestop.actions.ratings_reads``.
"""
