"""Organisation domain: units, roles, users, parties and the identifier checks they rely on.

Pure domain: imports no web framework or database library, reads no clock.
"""

from onestop.org.errors import AccountDisabled, InvalidOrgData, OrgError, UnitNotFound
from onestop.org.identifiers import (
    InvalidIdentifier,
    birth_date_from_resident_id,
    compact_identifier,
    region_code_from_credit_code,
    region_code_from_resident_id,
    validate_credit_code,
    validate_resident_id,
)
from onestop.org.masking import mask_phone, mask_resident_id, mask_text
from onestop.org.parties import Party, PartyId, PartyKind
from onestop.org.phones import validate_phone
from onestop.org.regions import RegionLevel, region_contains, region_level, validate_region_code
from onestop.org.roles import STAFF_ROLES, UNIT_ROLES, Role
from onestop.org.scope import unit_scope
from onestop.org.units import Unit, UnitId, UnitKind, UnitTree
from onestop.org.users import Actor, User, UserId

__all__ = [
    "STAFF_ROLES",
    "UNIT_ROLES",
    "AccountDisabled",
    "Actor",
    "InvalidIdentifier",
    "InvalidOrgData",
    "OrgError",
    "Party",
    "PartyId",
    "PartyKind",
    "RegionLevel",
    "Role",
    "Unit",
    "UnitId",
    "UnitKind",
    "UnitNotFound",
    "UnitTree",
    "User",
    "UserId",
    "birth_date_from_resident_id",
    "compact_identifier",
    "mask_phone",
    "mask_resident_id",
    "mask_text",
    "region_code_from_credit_code",
    "region_code_from_resident_id",
    "region_contains",
    "region_level",
    "unit_scope",
    "validate_credit_code",
    "validate_phone",
    "validate_region_code",
    "validate_resident_id",
]
