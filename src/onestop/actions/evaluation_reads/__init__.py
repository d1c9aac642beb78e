"""What evaluation reads from the database: the measures computed from cases, the entered values, one run.

``computed`` (the registry of measures computed from cases), ``generic_measures`` (the measures over today's
generic case kinds), ``platform_measures`` (the window, hotline and ratings measures declared in
``onestop/evaluation/data/sources.json``), ``catalogues`` (the catalogue release an application was priced by),
``store`` (reading entered values), ``evaluate`` (values and scores
of every region for a period). Reads only; the writes are in ``onestop.actions.evaluation``, the pure domain
in ``onestop.evaluation``.
"""
