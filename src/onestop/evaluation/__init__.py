"""营商环境评价: the indicator tree, distance-to-frontier scoring, computed and entered indicator values.

Pure domain (no database, no web): ``tree`` (the indicator tree as data, per evaluation year), ``scoring``
(distance to frontier), ``periods``, ``regions`` (which units' cases count for which region), ``entries``
(entered values and their review), ``access`` (who may enter and review), ``compare`` (regions and periods
side by side, ranking), ``doing_business`` (the proof of the method on the World Bank's published scores),
``reports`` (.xlsx and .docx), ``charts`` (inline SVG), ``sources`` (the platform measures' sources as data).

The database side is in the action layer: ``onestop.actions.evaluation_reads`` (the computed measures, the
entered values read back, one evaluation run) and the writes in ``onestop.actions.evaluation``.
"""
