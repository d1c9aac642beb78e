"""Routing model for the 12345 hotline: which unit should handle a request.

    from onestop.hotline.routing import Example, UnitProfile, fit, Router
    router = fit(history_rows, unit_profiles)       # either may be empty, not both
    router.predict(["小区楼下烧烤店油烟扰民"])        # → [Prediction(units=(…3 names…), scores=(…))]
    router.save("router.npz"); Router.load("router.npz")

Rows come from anywhere as (text, unit, day): a CSV (``files.read_history``), a message board with replies
(``evaluate.load_replied_posts``), or later the platform's own dispatch history. No web or database import here.
"""

from onestop.hotline.routing.aliases import UnitNormalizer, merge_aliases, normalize_unit_name
from onestop.hotline.routing.files import read_history, read_units
from onestop.hotline.routing.model import (
    Example,
    Prediction,
    Router,
    RouterConfig,
    RoutingError,
    UnitProfile,
    fit,
)
from onestop.hotline.routing.replies import ReplyUnitExtractor

__all__ = [
    "Example",
    "Prediction",
    "ReplyUnitExtractor",
    "Router",
    "RouterConfig",
    "RoutingError",
    "UnitNormalizer",
    "UnitProfile",
    "fit",
    "merge_aliases",
    "normalize_unit_name",
    "read_history",
    "read_units",
]
