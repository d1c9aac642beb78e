"""政务服务事项清单: service items and bundles (一件事) as versioned data files, loaded and checked.

Pure domain: no web framework, no database. ``loader`` reads ``data/`` (TOML), ``model`` holds the values,
``certtypes`` the certificate type codes the catalogue may name.
"""

from onestop.catalog.errors import CatalogError, UnknownTarget
from onestop.catalog.loader import default_catalog, load_catalog, parse_catalog
from onestop.catalog.model import (
    Bundle,
    Catalog,
    Fee,
    ItemKind,
    MaterialForm,
    MaterialRequirement,
    RejectRule,
    ServiceItem,
    Stage,
    Target,
    Variant,
)

__all__ = [
    "Bundle",
    "Catalog",
    "CatalogError",
    "Fee",
    "ItemKind",
    "MaterialForm",
    "MaterialRequirement",
    "RejectRule",
    "ServiceItem",
    "Stage",
    "Target",
    "UnknownTarget",
    "Variant",
    "default_catalog",
    "load_catalog",
    "parse_catalog",
]
