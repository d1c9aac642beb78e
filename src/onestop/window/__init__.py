"""一窗受理 · 一网通办 · 一件事一次办: applications, parallel approvals, stages, issuance (pure domain).

``kinds`` declares the case kinds, ``materials`` checks materials (complete, 一次性告知, 免提交, 容缺, 告知承诺),
``plan`` turns a catalogue target into the approvals (and stages) acceptance opens, ``access`` answers who may
see and do what. The action layer is ``onestop.actions.window``.
"""
