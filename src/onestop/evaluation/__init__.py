"""营商环境评价: the indicator tree, distance-to-frontier scoring, computed and entered indicator values.

Pure domain (no database, no web): ``tree`` (the indicator tree as data, per evaluation year), ``scoring``
(distance to frontier), ``periods``, ``regions`` (which units' cases count for which region), ``entries``
(entered values and their review), ``access`` (who may enter and review), ``compare`` (regions and periods
side by side, ranking), ``doing_business`` (the proof of the method on the World Bank's published scores),
``reports`` (.xlsx and .docx).

Database side: ``computed`` (the registry of measures computed from cases), ``generic_measures`` (the
measures over today's generic case kinds), ``store`` (reading entered values), ``evaluate`` (values and
scores of every region for a period). Writes are in ``onestop.actions.evaluation``.
"""
