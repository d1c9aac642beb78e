"""The service catalogue an application was filed under, for the fees its items cost (开办费用).

An application records the catalogue's version and content hash, and the codes of its items; the fees are the
catalogue's. The catalogue shipped with the platform is always known; a deployment (or a test) that filed
applications under another release makes it known with ``catalogues_known``. An application whose recorded
release is not known is priced by the current catalogue's fees for the same item codes: item codes outlive
releases, and a fee is rarely what a release changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from onestop.catalog import Catalog, default_catalog

_known: dict[str, Catalog] = {}


@contextmanager
def catalogues_known(catalogues: Iterable[Catalog]) -> Iterator[None]:
    """Makes further catalogue releases known by their content hash for the duration of a block."""
    saved = dict(_known)
    _known.update({c.content_hash: c for c in catalogues})
    try:
        yield
    finally:
        _known.clear()
        _known.update(saved)


def catalogue_for(content_hash: object) -> Catalog:
    """The release with this content hash, else the current catalogue."""
    return _known.get(str(content_hash)) or default_catalog()


def items_fee(catalogue: Catalog, codes: Iterable[str]) -> Decimal:
    """What the items cost the applicant, in yuan (an item the release does not list costs nothing known)."""
    return sum((catalogue.items[c].fee_total for c in codes if c in catalogue.items), Decimal(0))
