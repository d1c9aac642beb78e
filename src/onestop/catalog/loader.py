"""Loading the catalogue from its TOML files, with errors that name the file and the field.

Layout of a catalogue directory (``data/`` is the demo county's):

* ``catalog.toml`` — ``version`` (a number the editors raise with each release) and ``title``;
* ``materials.toml`` — the dictionary of materials: ``[material.<code>]`` with ``name`` and, where a
  certificate proves it, ``replaced_by`` (a certificate type code);
* ``items/*.toml`` — ``[[item]]`` tables, one file per department, each with ``[[item.material]]`` rows;
* ``bundles.toml`` — ``[[bundle]]`` tables with ``[[bundle.variant]]`` and ``[[bundle.stage]]`` rows.

The content hash is SHA-256 over the parsed content (canonical JSON), so reformatting a file or editing a
comment does not change the catalogue's identity, while any change of meaning does. The version number is the
editors' name for a release; ``actions.window`` refuses a catalogue whose content changed under an unchanged
number, so an application's recorded version always means one content.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from onestop.catalog.certtypes import CERT_TYPES
from onestop.catalog.errors import CatalogError
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
    Variant,
)
from onestop.choices import InvalidChoice
from onestop.worktime import Limit

DATA = Path(__file__).parent / "data"
ITEM_CODE = re.compile(r"^[A-Z]{2,6}\d{3}$")
SLUG = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
UNIT_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
KIND_WORDS = {"即办件": "immediate", "承诺件": "committed"}
FORM_WORDS = {"原件": "original", "复印件": "copy"}

T = TypeVar("T")


class _Where:
    """A position in the files, for messages: 文件 items/scj.toml 第 2 个事项（SCJ001）的「committed_limit」."""

    def __init__(self, file: str, place: str = "") -> None:
        self.file = file
        self.place = place

    def at(self, place: str) -> _Where:
        return _Where(self.file, f"{self.place}{place}")

    def fail(self, key: str, problem: str) -> CatalogError:
        place = f"{self.place}的" if self.place else ""
        return CatalogError(f"事项清单文件 {self.file}：{place}「{key}」{problem}", field=f"{self.file}:{key}")


def _get(table: Mapping[str, Any], key: str, where: _Where, kind: type[T], *, default: T | None = None) -> T:
    value = table.get(key, default)
    if value is None:
        raise where.fail(key, "缺失")
    if kind is int and isinstance(value, bool):
        raise where.fail(key, "应为整数")
    if not isinstance(value, kind):
        names = {str: "文字", int: "整数", bool: "true 或 false", list: "列表", dict: "表"}
        raise where.fail(key, f"应为{names.get(kind, kind.__name__)}，现为 {value!r}")
    if isinstance(value, str) and kind is str and not value.strip() and default is None:
        raise where.fail(key, "不能为空")
    return value


def _only(table: Mapping[str, Any], allowed: set[str], where: _Where) -> None:
    # A misspelt key (comitted_limit) would otherwise be silently ignored and the default used.
    for key in table:
        if key not in allowed:
            raise where.fail(key, f"不是可用的字段（可用：{'、'.join(sorted(allowed))}）")


def _limit(table: Mapping[str, Any], key: str, where: _Where) -> Limit:
    text = _get(table, key, where, str)
    try:
        return Limit.parse(text)
    except ValueError:
        raise where.fail(key, f"「{text}」不是有效的期限（例如 20d、0.5d、0d、2h）") from None


def _choice(parse: Callable[[str], T], table: Mapping[str, Any], key: str, where: _Where, words: dict[str, str]) -> T:
    text = _get(table, key, where, str).strip()
    try:
        return parse(words.get(text, text))
    except InvalidChoice as exc:
        raise where.fail(key, f"取值无效：{exc.message}") from None


def _cert(table: Mapping[str, Any], key: str, where: _Where) -> str | None:
    value = table.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in CERT_TYPES:
        raise where.fail(key, f"「{value}」不是已知的电子证照类型（可用：{'、'.join(CERT_TYPES)}）")
    return value


def _shorter_or_equal(a: Limit, b: Limit) -> bool:
    return a.unit != b.unit or a.amount <= b.amount


# -- files ---------------------------------------------------------------------------------------------------


def _parse_toml(name: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"事项清单文件 {name} 不是有效的 TOML：{exc}", field=name) from None


def read_files(directory: Path) -> dict[str, str]:
    """The catalogue's files as {relative path: text}."""
    if not (directory / "catalog.toml").is_file():
        raise CatalogError(f"目录 {directory} 中没有 catalog.toml", field="catalog.toml")
    files = {}
    for path in sorted(directory.rglob("*.toml")):
        files[path.relative_to(directory).as_posix()] = path.read_text(encoding="utf-8")
    return files


def content_hash(parsed: Mapping[str, Any]) -> str:
    text = json.dumps(parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_catalog(files: Mapping[str, str]) -> Catalog:
    """A checked catalogue from its files' texts ({"catalog.toml": …, "items/scj.toml": …, …})."""
    parsed = {name: _parse_toml(name, text) for name, text in sorted(files.items())}
    if "catalog.toml" not in parsed:
        raise CatalogError("缺少 catalog.toml（版本号与标题）", field="catalog.toml")
    meta_where = _Where("catalog.toml")
    meta = parsed["catalog.toml"]
    _only(meta, {"version", "title"}, meta_where)
    version = _get(meta, "version", meta_where, int)
    if version < 1:
        raise meta_where.fail("version", "应为正整数")
    title = _get(meta, "title", meta_where, str)
    materials = _materials(parsed.get("materials.toml", {}))
    items: dict[str, ServiceItem] = {}
    for name, content in parsed.items():
        if name.startswith("items/"):
            for item in _items(name, content, materials):
                if item.code in items:
                    raise _Where(name).fail("code", f"「{item.code}」与另一文件中的事项重复")
                items[item.code] = item
    bundles = _bundles(parsed.get("bundles.toml", {}), items)
    return Catalog(
        version=version,
        content_hash=content_hash(parsed),
        title=title,
        items=items,
        bundles=bundles,
        material_names={code: name for code, (name, _) in materials.items()},
    )


def load_catalog(directory: Path | None = None) -> Catalog:
    return parse_catalog(read_files(directory or DATA))


@functools.cache
def default_catalog() -> Catalog:
    """The deployment's catalogue, parsed once per process (the files ship with the code)."""
    return load_catalog()


# -- sections ------------------------------------------------------------------------------------------------


def _materials(content: Mapping[str, Any]) -> dict[str, tuple[str, str | None]]:
    where = _Where("materials.toml")
    _only(content, {"material"}, where)
    table = content.get("material", {})
    if not isinstance(table, dict):
        raise where.fail("material", "应为表")
    out: dict[str, tuple[str, str | None]] = {}
    for code, spec in table.items():
        here = where.at(f"材料「{code}」")
        if not SLUG.match(code):
            raise here.fail("code", "应为小写字母、数字和下划线")
        if not isinstance(spec, dict):
            raise here.fail("name", "应为表")
        _only(spec, {"name", "replaced_by"}, here)
        out[code] = (_get(spec, "name", here, str).strip(), _cert(spec, "replaced_by", here))
    return out


ITEM_KEYS = {
    "code",
    "name",
    "department",
    "kind",
    "statutory_limit",
    "committed_limit",
    "statutory_text",
    "legal_basis",
    "notify_commit",
    "result",
    "result_name",
    "establishes_enterprise",
    "online",
    "material",
    "fee",
}


def _items(file: str, content: Mapping[str, Any], materials: Mapping[str, tuple[str, str | None]]) -> list[ServiceItem]:
    where = _Where(file)
    _only(content, {"item"}, where)
    rows = _get(content, "item", where, list)
    out = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise where.fail("item", "应为表")
        label = row.get("code") if isinstance(row.get("code"), str) else "?"
        here = where.at(f"第 {index} 个事项（{label}）")
        out.append(_item(row, here, materials))
    return out


def _item(row: Mapping[str, Any], here: _Where, materials: Mapping[str, tuple[str, str | None]]) -> ServiceItem:
    _only(row, ITEM_KEYS, here)
    code = _get(row, "code", here, str)
    if not ITEM_CODE.match(code):
        raise here.fail("code", f"「{code}」格式不正确（2–6 个大写字母加 3 位数字，如 SCJ001）")
    department = _get(row, "department", here, str)
    if not UNIT_CODE.match(department):
        raise here.fail("department", f"「{department}」不是单位代码")
    kind = _choice(ItemKind.parse, row, "kind", here, KIND_WORDS)
    statutory = _limit(row, "statutory_limit", here)
    committed = _limit(row, "committed_limit", here)
    if not _shorter_or_equal(committed, statutory):
        raise here.fail("committed_limit", f"承诺时限 {committed} 不能长于法定时限 {statutory}")
    if kind is ItemKind.IMMEDIATE and committed.amount != 0:
        raise here.fail("committed_limit", f"即办件的承诺时限应为 0d（当场办结），现为 {committed}")
    if kind is ItemKind.COMMITTED and committed.amount == 0:
        raise here.fail("committed_limit", "承诺件的承诺时限不能为 0（0d 表示即办件）")
    notify_commit = _get(row, "notify_commit", here, bool, default=False)
    requirements = []
    for m_index, m_row in enumerate(_get(row, "material", here, list), start=1):
        m_where = here.at(f"第 {m_index} 项材料")
        if not isinstance(m_row, dict):
            raise m_where.fail("material", "应为表")
        requirements.append(_requirement(m_row, m_where, materials, notify_commit))
    codes = [r.code for r in requirements]
    if len(codes) != len(set(codes)):
        raise here.fail("material", "同一材料列了两次")
    fees = []
    for f_index, f_row in enumerate(_get(row, "fee", here, list, default=[]), start=1):
        f_where = here.at(f"第 {f_index} 项收费")
        if not isinstance(f_row, dict):
            raise f_where.fail("fee", "应为表")
        fees.append(_fee(f_row, f_where))
    result = _cert(row, "result", here)
    return ServiceItem(
        code=code,
        name=_get(row, "name", here, str).strip(),
        department=department,
        kind=kind,
        statutory_limit=statutory,
        committed_limit=committed,
        materials=tuple(requirements),
        legal_basis=_get(row, "legal_basis", here, str).strip(),
        fees=tuple(fees),
        notify_commit=notify_commit,
        result_cert=result,
        result_name=_get(row, "result_name", here, str, default="").strip() or (CERT_TYPES.get(result or "", "")),
        establishes_enterprise=_get(row, "establishes_enterprise", here, bool, default=False),
        statutory_text=_get(row, "statutory_text", here, str, default="").strip(),
        online=_get(row, "online", here, bool, default=True),
    )


def _requirement(
    row: Mapping[str, Any], where: _Where, materials: Mapping[str, tuple[str, str | None]], notify_commit: bool
) -> MaterialRequirement:
    _only(row, {"code", "form", "copies", "deferrable", "by_commitment", "note"}, where)
    code = _get(row, "code", where, str)
    if code not in materials:
        raise where.fail("code", f"「{code}」不在材料字典 materials.toml 中")
    name, replaced_by = materials[code]
    copies = _get(row, "copies", where, int, default=1)
    if not 1 <= copies <= 20:
        raise where.fail("copies", "份数应在 1–20 之间")
    by_commitment = _get(row, "by_commitment", where, bool, default=False)
    if by_commitment and not notify_commit:
        raise where.fail("by_commitment", "该事项未实行告知承诺制（notify_commit = false），材料不能以承诺代替")
    return MaterialRequirement(
        code=code,
        name=name,
        form=_choice(MaterialForm.parse, row, "form", where, FORM_WORDS),
        copies=copies,
        deferrable=_get(row, "deferrable", where, bool, default=False),
        by_commitment=by_commitment,
        replaced_by=replaced_by,
        note=_get(row, "note", where, str, default="").strip(),
    )


def _fee(row: Mapping[str, Any], where: _Where) -> Fee:
    _only(row, {"name", "amount", "basis"}, where)
    raw = row.get("amount")
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise where.fail("amount", "应为金额（元）")
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        raise where.fail("amount", f"「{raw}」不是金额") from None
    if amount < 0 or not amount.is_finite():
        raise where.fail("amount", "金额不能为负数")
    return Fee(_get(row, "name", where, str).strip(), amount, _get(row, "basis", where, str, default="").strip())


BUNDLE_KEYS = {"code", "name", "description", "items", "limit", "on_reject", "key_items", "variant", "stage"}


def _bundles(content: Mapping[str, Any], items: Mapping[str, ServiceItem]) -> dict[str, Bundle]:
    where = _Where("bundles.toml")
    _only(content, {"bundle"}, where)
    out: dict[str, Bundle] = {}
    for index, row in enumerate(_get(content, "bundle", where, list, default=[]), start=1):
        if not isinstance(row, dict):
            raise where.fail("bundle", "应为表")
        label = row.get("code") if isinstance(row.get("code"), str) else "?"
        bundle = _bundle(row, where.at(f"第 {index} 个一件事（{label}）"), items)
        if bundle.code in out or bundle.code in items:
            raise where.fail("code", f"「{bundle.code}」重复")
        out[bundle.code] = bundle
    return out


def _codes(
    row: Mapping[str, Any], key: str, where: _Where, known: Mapping[str, object] | tuple[str, ...]
) -> tuple[str, ...]:
    codes = _get(row, key, where, list)
    for code in codes:
        if not isinstance(code, str) or code not in known:
            raise where.fail(key, f"「{code}」不是已知的事项编码")
    if len(codes) != len(set(codes)):
        raise where.fail(key, "同一事项列了两次")
    return tuple(codes)


def _bundle(row: Mapping[str, Any], here: _Where, items: Mapping[str, ServiceItem]) -> Bundle:
    _only(row, BUNDLE_KEYS, here)
    code = _get(row, "code", here, str)
    if not SLUG.match(code):
        raise here.fail("code", f"「{code}」应为小写字母、数字和下划线")
    codes = _codes(row, "items", here, items)
    if len(codes) < 2:
        raise here.fail("items", "一件事至少包含两个事项")
    rule = _choice(RejectRule.parse, row, "on_reject", here, {})
    key_items = _codes(row, "key_items", here, codes) if "key_items" in row else ()
    if (rule is RejectRule.KEY_ITEMS) != bool(key_items):
        raise here.fail("key_items", "驳回规则为 key_items 时须列出关键事项，其他规则不列")
    stages = tuple(
        _stage(s, here.at(f"第 {i} 阶段"), items, codes)
        for i, s in enumerate(_get(row, "stage", here, list, default=[]), 1)
    )
    if stages:
        staged = [c for s in stages for c in s.items]
        if sorted(staged) != sorted(codes):
            raise here.fail("stage", "各阶段的事项合起来应恰为本一件事的全部事项，且每项只属于一个阶段")
        if "limit" in row:
            raise here.fail("limit", "分阶段办理的一件事，总时限为各阶段时限之和，不另写")
        limit = stages[0].limit
        for stage in stages[1:]:
            limit = limit + stage.limit
    else:
        limit = _limit(row, "limit", here)
    variants: list[Variant] = []
    for v_index, v_row in enumerate(_get(row, "variant", here, list, default=[]), start=1):
        v_where = here.at(f"第 {v_index} 种办理方式")
        if not isinstance(v_row, dict):
            raise v_where.fail("variant", "应为表")
        _only(v_row, {"code", "name", "limit", "items"}, v_where)
        v_code = _get(v_row, "code", v_where, str)
        if not SLUG.match(v_code) or any(v.code == v_code for v in variants):
            raise v_where.fail("code", f"「{v_code}」格式不正确或重复")
        v_items = _codes(v_row, "items", v_where, codes) if "items" in v_row else None
        if stages and v_items is not None:
            raise v_where.fail("items", "分阶段办理的一件事不能删减事项")
        variants.append(
            Variant(v_code, _get(v_row, "name", v_where, str).strip(), _limit(v_row, "limit", v_where), v_items)
        )
    return Bundle(
        code=code,
        name=_get(row, "name", here, str).strip(),
        description=_get(row, "description", here, str, default="").strip(),
        items=codes,
        limit=limit,
        on_reject=rule,
        key_items=key_items,
        variants=tuple(variants),
        stages=stages,
    )


def _stage(row: object, where: _Where, items: Mapping[str, ServiceItem], bundle_items: tuple[str, ...]) -> Stage:
    if not isinstance(row, dict):
        raise where.fail("stage", "应为表")
    _only(row, {"code", "name", "lead", "limit", "items"}, where)
    code = _get(row, "code", where, str)
    if not SLUG.match(code):
        raise where.fail("code", f"「{code}」应为小写字母、数字和下划线")
    codes = _codes(row, "items", where, bundle_items)
    lead = _get(row, "lead", where, str)
    if lead not in {items[c].department for c in codes}:
        raise where.fail("lead", f"牵头部门「{lead}」应为本阶段某一事项的办理部门")
    return Stage(code, _get(row, "name", where, str).strip(), lead, _limit(row, "limit", where), codes)
