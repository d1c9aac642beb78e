"""The service catalogue as values: items (政务服务事项), their materials, and bundles (一件事).

Everything here is immutable and already checked by the loader, so code holding a ``Catalog`` never re-checks
a limit or a department code. A bundle's materials are "one set": the union of its items' requirements, each
material asked once (see ``Catalog.materials_for``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from onestop.catalog.certtypes import cert_label
from onestop.catalog.errors import UnknownTarget
from onestop.choices import ChoiceSet
from onestop.worktime import Limit


class ItemKind(ChoiceSet, verbose_name="办件类型"):
    IMMEDIATE = "immediate", "即办件", "green"
    COMMITTED = "committed", "承诺件", "blue"


class MaterialForm(ChoiceSet, verbose_name="材料形式"):
    ORIGINAL = "original", "原件", "indigo"
    COPY = "copy", "复印件", "gray"


class RejectRule(ChoiceSet, verbose_name="驳回规则"):
    # Any department's refusal ends the whole bundle: the other approvals are stopped.
    STOP_ALL = "stop_all", "任一事项不予许可即终止全部", "red"
    # Only a refusal of a key item (e.g. 设立登记 in 企业开办) stops the others; other refusals leave them be.
    KEY_ITEMS = "key_items", "关键事项不予许可即终止全部", "orange"
    CONTINUE = "continue", "各事项独立办结", "gray"


@dataclass(frozen=True)
class MaterialRequirement:
    """One material an item asks for, as that item asks for it."""

    code: str
    name: str
    form: MaterialForm
    copies: int = 1
    deferrable: bool = False  # may be handed in later under 容缺受理 (a non-key material)
    by_commitment: bool = False  # a signed 告知承诺 replaces it, where the item allows 告知承诺
    replaced_by: str | None = None  # a certificate type that proves it: 免提交 when the applicant holds one
    note: str = ""

    @property
    def replaced_by_label(self) -> str:
        return cert_label(self.replaced_by) if self.replaced_by else ""


@dataclass(frozen=True)
class Fee:
    name: str
    amount: Decimal  # yuan; 0 for 免费
    basis: str = ""


@dataclass(frozen=True)
class ServiceItem:
    code: str
    name: str
    department: str  # unit code of the department that decides it
    kind: ItemKind
    statutory_limit: Limit  # 法定时限
    committed_limit: Limit  # 承诺时限: what the clock runs on
    materials: tuple[MaterialRequirement, ...]
    legal_basis: str
    fees: tuple[Fee, ...] = ()
    notify_commit: bool = False  # 告知承诺制 applies
    result_cert: str | None = None  # the certificate type issued on approval
    result_name: str = ""  # what the applicant receives, e.g. 营业执照
    establishes_enterprise: bool = False  # approval registers a new enterprise (its credit code is assigned)
    statutory_text: str = ""  # the law's own words where its limit is not in working days
    online: bool = True  # may be applied for online (一网通办)

    def material(self, code: str) -> MaterialRequirement | None:
        return next((m for m in self.materials if m.code == code), None)

    @property
    def fee_total(self) -> Decimal:
        return sum((f.amount for f in self.fees), Decimal(0))


@dataclass(frozen=True)
class Variant:
    """Another way of running a bundle: a shorter limit (企业开办 0.5 个工作日), possibly fewer items."""

    code: str
    name: str
    limit: Limit
    items: tuple[str, ...] | None = None  # None: all the bundle's items


@dataclass(frozen=True)
class Stage:
    """One stage of a staged bundle (工程建设项目): led by one department, on its own limit, in order."""

    code: str
    name: str
    lead: str  # unit code
    limit: Limit
    items: tuple[str, ...]


@dataclass(frozen=True)
class Bundle:
    code: str
    name: str
    description: str
    items: tuple[str, ...]
    limit: Limit
    on_reject: RejectRule
    key_items: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    stages: tuple[Stage, ...] = ()  # empty: every item in parallel

    def variant(self, code: str | None) -> Variant | None:
        if code is None or code == "":
            return None
        found = next((v for v in self.variants if v.code == code), None)
        if found is None:
            names = "、".join(f"{v.name}（{v.code}）" for v in self.variants) or "无"
            raise UnknownTarget(f"「{self.name}」没有办理方式「{code}」，可选：{names}", field="variant")
        return found


@dataclass(frozen=True)
class Target:
    """What an application is for: one item, or a bundle (with its variant); the items it covers, in order."""

    code: str
    name: str
    items: tuple[ServiceItem, ...]
    limit: Limit
    bundle: Bundle | None = None
    variant: Variant | None = None

    @property
    def is_bundle(self) -> bool:
        return self.bundle is not None

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.department for item in self.items))


@dataclass(frozen=True)
class Catalog:
    version: int
    content_hash: str
    title: str
    items: Mapping[str, ServiceItem]
    bundles: Mapping[str, Bundle]
    material_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"第 {self.version} 版（{self.content_hash[:12]}）"

    def item(self, code: str) -> ServiceItem:
        found = self.items.get(code.strip())
        if found is None:
            raise UnknownTarget(f"事项编码「{code}」不在事项清单中", field="item")
        return found

    def bundle(self, code: str) -> Bundle:
        found = self.bundles.get(code.strip())
        if found is None:
            raise UnknownTarget(f"「一件事」编码「{code}」不存在", field="bundle")
        return found

    def target(self, code: str, variant: str | None = None) -> Target:
        """The item or bundle under ``code`` (with ``variant`` for a bundle), or ``UnknownTarget``."""
        key = code.strip()
        if key in self.bundles:
            bundle = self.bundles[key]
            chosen = bundle.variant(variant)
            codes = chosen.items if chosen is not None and chosen.items is not None else bundle.items
            limit = chosen.limit if chosen is not None else bundle.limit
            name = bundle.name if chosen is None else f"{bundle.name}（{chosen.name}）"
            return Target(key, name, tuple(self.items[c] for c in codes), limit, bundle, chosen)
        if key in self.items:
            if variant:
                raise UnknownTarget(f"单个事项「{self.items[key].name}」没有办理方式可选", field="variant")
            item = self.items[key]
            return Target(key, item.name, (item,), item.committed_limit)
        raise UnknownTarget(f"事项编码「{code}」不在事项清单中", field="item")

    def materials_for(self, target: Target) -> tuple[MaterialRequirement, ...]:
        """One set of materials for the whole target: each material once, the strictest requirement wins.

        An original is asked for if any item needs one; a material may be deferred (容缺) or replaced by a
        commitment only if every item asking for it allows that. A material that another item of the same
        target produces (企业开办 asks the bank for the 营业执照 that 设立登记 issues) is not asked for at all:
        the bundle hands it over internally.
        """
        merged: dict[str, MaterialRequirement] = {}
        produced = {item.result_cert for item in target.items if item.result_cert} if target.is_bundle else set()
        for item in target.items:
            for m in item.materials:
                if m.replaced_by is not None and m.replaced_by in produced and m.replaced_by != item.result_cert:
                    continue
                by_commitment = m.by_commitment and item.notify_commit
                seen = merged.get(m.code)
                if seen is None:
                    merged[m.code] = MaterialRequirement(
                        m.code, m.name, m.form, m.copies, m.deferrable, by_commitment, m.replaced_by, m.note
                    )
                    continue
                form = MaterialForm.ORIGINAL if MaterialForm.ORIGINAL in (seen.form, m.form) else MaterialForm.COPY
                merged[m.code] = MaterialRequirement(
                    m.code,
                    seen.name,
                    form,
                    max(seen.copies, m.copies),
                    seen.deferrable and m.deferrable,
                    seen.by_commitment and by_commitment,
                    seen.replaced_by or m.replaced_by,
                    seen.note or m.note,
                )
        return tuple(merged.values())
