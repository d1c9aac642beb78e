"""What a hotline request is made of, checked: requester, category, location, text — from any channel.

``clean_request`` names every wrong field at once, in Chinese (``RequestInvalid.errors``); nothing is written
for a request that fails it. Phone and ID numbers are validated by ``onestop.org`` and returned canonical.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from onestop.choices import ChoiceSet, InvalidChoice
from onestop.hotline.kinds import Category, Channel, Urgency
from onestop.hotline.rules import HotlineError
from onestop.org.errors import OrgError
from onestop.org.identifiers import validate_resident_id
from onestop.org.phones import validate_phone
from onestop.org.regions import validate_region_code

MAX_TEXT = 4000  # GeoReport v2's description limit; a call note is never longer
MAX_TITLE = 100
MAX_ADDRESS = 200
MAX_NAME = 50
MAX_ATTACHMENTS = 10
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "是", "y"})


class RequestInvalid(HotlineError):
    """One or more fields of a request are wrong; ``errors`` maps each field to its Chinese message."""

    code = "invalid_request"

    def __init__(self, errors: Mapping[str, str]) -> None:
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, field=first_field)
        self.errors = dict(errors)


@dataclass(frozen=True)
class CleanRequest:
    channel: Channel
    category: Category
    urgency: Urgency
    text: str
    title: str
    requester_name: str
    phone: str | None
    id_number: str | None
    anonymous: bool
    address: str
    region_code: str | None
    lat: float | None = None
    lon: float | None = None
    attachments: tuple[str, ...] = ()
    email: str | None = None
    service_code: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def payload(self, limit: str) -> dict[str, object]:
        """The case payload: what every handler may see. No phone, no ID (those stay in the request row)."""
        return {
            "title": self.title,
            "category": self.category.value,
            "category_label": self.category.label,
            "urgency": self.urgency.value,
            "urgency_label": self.urgency.label,
            "channel": self.channel.value,
            "text": self.text,
            "address": self.address,
            "region_code": self.region_code,
            "applicant": "匿名" if self.anonymous else self.requester_name,
            "anonymous": self.anonymous,
            "attachments": list(self.attachments),
            "limit": limit,
        }


def _text(values: Mapping[str, object], name: str) -> str:
    raw = values.get(name)
    if raw is None:
        return ""
    return (raw if isinstance(raw, str) else str(raw)).strip()


def _flag(values: Mapping[str, object], name: str) -> bool:
    raw = values.get(name)
    if isinstance(raw, bool):
        return raw
    return _text(values, name).lower() in TRUE_WORDS


def title_of(text: str) -> str:
    """A one-line subject for lists: the first sentence, at most ``MAX_TITLE`` characters."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    for mark in "。！？!?；;":
        head, sep, _ = first.partition(mark)
        if sep and len(head) >= 6:
            first = head
            break
    return first[:MAX_TITLE]


def clean_request(
    values: Mapping[str, object], *, channel: Channel, today: date | None = None, phone_required: bool = True
) -> CleanRequest:
    """The request in ``values`` (form fields or JSON), or ``RequestInvalid`` naming every wrong field."""
    errors: dict[str, str] = {}
    text = _text(values, "text")
    if not text:
        errors["text"] = "请填写「诉求内容」"
    elif len(text) > MAX_TEXT:
        errors["text"] = f"「诉求内容」不能超过 {MAX_TEXT} 个字符（现为 {len(text)} 个）"
    category = _choice(values, "category", Category, Category.COMPLAINT, errors)
    urgency = _choice(values, "urgency", Urgency, Urgency.ORDINARY, errors)
    anonymous = _flag(values, "anonymous")
    name = _text(values, "requester_name")
    if len(name) > MAX_NAME:
        errors["requester_name"] = f"「诉求人姓名」不能超过 {MAX_NAME} 个字符"
    if not name and not anonymous:
        errors["requester_name"] = "请填写「诉求人姓名」，或勾选「匿名」"
    phone = None
    raw_phone = _text(values, "phone")
    if raw_phone:
        try:
            phone = validate_phone(raw_phone, field="phone", label="联系电话")
        except OrgError as exc:
            errors["phone"] = exc.message
    elif phone_required:
        errors["phone"] = "请填写「联系电话」，以便答复和回访"
    id_number = None
    raw_id = _text(values, "id_number")
    if raw_id:
        try:
            id_number = validate_resident_id(raw_id, field="id_number", today=today)
        except OrgError as exc:
            errors["id_number"] = exc.message
    address = _text(values, "address")
    if len(address) > MAX_ADDRESS:
        errors["address"] = f"「地址」不能超过 {MAX_ADDRESS} 个字符"
    region_code = None
    raw_region = _text(values, "region_code")
    if raw_region:
        try:
            region_code = validate_region_code(raw_region, field="region_code", label="所在行政区划代码")
        except OrgError as exc:
            errors["region_code"] = exc.message
    lat, lon = _coordinates(values, errors)
    attachments = _attachments(values.get("attachments"), errors)
    title = _text(values, "title") or title_of(text)
    if len(title) > MAX_TITLE:
        errors["title"] = f"「标题」不能超过 {MAX_TITLE} 个字符"
    if errors:
        raise RequestInvalid(errors)
    return CleanRequest(
        channel=channel,
        category=Category(str(category)),
        urgency=Urgency(str(urgency)),
        text=text,
        title=title,
        requester_name=name or "匿名",
        phone=phone,
        id_number=id_number,
        anonymous=anonymous,
        address=address,
        region_code=region_code,
        lat=lat,
        lon=lon,
        attachments=attachments,
        email=_text(values, "email") or None,
        service_code=_text(values, "service_code") or None,
    )


def _choice(
    values: Mapping[str, object], name: str, choices: type[ChoiceSet], default: ChoiceSet, errors: dict[str, str]
) -> ChoiceSet | None:
    raw = _text(values, name)
    if not raw:
        return default
    try:
        return choices.parse(raw, field=name)
    except InvalidChoice as exc:
        errors[name] = exc.message
    return None


def _coordinates(values: Mapping[str, object], errors: dict[str, str]) -> tuple[float | None, float | None]:
    raw_lat, raw_lon = _text(values, "lat"), _text(values, "long") or _text(values, "lon")
    if not raw_lat and not raw_lon:
        return None, None
    try:
        lat, lon = float(raw_lat), float(raw_lon)
    except ValueError:
        errors["lat"] = "「经纬度」须为数字，且纬度、经度须同时填写"
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["lat"] = "「经纬度」超出范围（纬度 −90～90，经度 −180～180）"
        return None, None
    return lat, lon


def _attachments(raw: object, errors: dict[str, str]) -> tuple[str, ...]:
    if raw is None or raw == "":
        return ()
    items = raw.splitlines() if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        errors["attachments"] = "「附件」须为链接列表"
        return ()
    out = tuple(str(i).strip() for i in items if str(i).strip())
    if len(out) > MAX_ATTACHMENTS:
        errors["attachments"] = f"「附件」最多 {MAX_ATTACHMENTS} 个"
        return ()
    for item in out:
        if not item.startswith(("http://", "https://")) or len(item) > 500:
            errors["attachments"] = f"「附件」须为 http(s) 链接：{item[:60]}"
            return ()
    return out
