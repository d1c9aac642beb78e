"""Checking an application's materials against its items: complete, or one 一次性告知 listing every problem.

Each required material ends in exactly one status:

* ``exempt`` (免提交) — the applicant holds a valid e-certificate of the type that proves it; the line says
  which certificate, so the intake screen can show why nothing was asked for;
* ``provided`` — handed in, in the form the item asks (an original where an original is required);
* ``wrong`` — handed in, but as a copy where an original is required, or with a defect the clerk noted;
* ``deferred`` (容缺) — not handed in, the item allows it to follow, and the applicant commits to bring it;
* ``committed`` (告知承诺) — replaced by the applicant's signed commitment, where the item allows that;
* ``missing`` — none of the above.

The check is complete when nothing is missing or wrong; otherwise ``problems`` is the 一次性告知 list, all of it
at once (行政许可法 §32).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from onestop.catalog.certtypes import cert_label
from onestop.catalog.model import MaterialForm, MaterialRequirement
from onestop.choices import ChoiceSet
from onestop.errors import DomainError


class Status(ChoiceSet, verbose_name="材料状态"):
    EXEMPT = "exempt", "免提交", "teal"
    PROVIDED = "provided", "已提交", "green"
    WRONG = "wrong", "不符合要求", "red"
    DEFERRED = "deferred", "容缺后补", "orange"
    COMMITTED = "committed", "告知承诺代替", "purple"
    MISSING = "missing", "未提交", "red"


class Given(ChoiceSet, verbose_name="提交形式"):
    ORIGINAL = "original", "原件", "indigo"
    COPY = "copy", "复印件", "gray"
    ELECTRONIC = "electronic", "电子材料", "cyan"


class MaterialNotListed(DomainError):
    """A material (or a deferral) names a code the item's list does not have."""

    code = "material_not_listed"
    status = 422


@dataclass(frozen=True)
class Provided:
    code: str
    form: Given
    defect: str = ""  # what the clerk found wrong with it (签字缺失、已过期…); empty when it is fine


@dataclass(frozen=True)
class CertRef:
    """An e-certificate the applicant holds, as far as the check needs it."""

    cert_type: str
    number: str
    label: str = ""
    valid_until: date | None = None

    def describe(self) -> str:
        until = f"，有效期至 {self.valid_until.isoformat()}" if self.valid_until else "，长期有效"
        return f"申请人持有有效电子证照「{self.label or cert_label(self.cert_type)}」（编号 {self.number}{until}）"


@dataclass(frozen=True)
class Line:
    requirement: MaterialRequirement
    status: Status
    reason: str
    given: Given | None = None
    certificate: CertRef | None = None
    defect: str = ""  # the clerk's finding, kept so a later check still knows it

    @property
    def code(self) -> str:
        return self.requirement.code

    @property
    def name(self) -> str:
        return self.requirement.name


@dataclass(frozen=True)
class MaterialCheck:
    lines: tuple[Line, ...]

    def of(self, *statuses: Status) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.status in statuses)

    @property
    def problems(self) -> tuple[Line, ...]:
        """The 一次性告知 list: every missing or wrong material."""
        return self.of(Status.MISSING, Status.WRONG)

    @property
    def complete(self) -> bool:
        return not self.problems

    def notice_items(self) -> list[str]:
        """The notice's lines as the applicant reads them."""
        return [f"{line.name}：{line.reason}" for line in self.problems]

    def to_json(self) -> list[dict[str, object]]:
        return [
            {
                "code": line.code,
                "name": line.name,
                "status": line.status.value,
                "reason": line.reason,
                "given": None if line.given is None else line.given.value,
                "certificate": None if line.certificate is None else line.certificate.number,
            }
            for line in self.lines
        ]


def check_provided_codes(
    requirements: Sequence[MaterialRequirement], codes: Iterable[str], *, target_name: str, field: str = "materials"
) -> None:
    """Refuses a code not in the list: the clerk typed or picked something this application does not ask for."""
    known = {r.code for r in requirements}
    for code in codes:
        if code not in known:
            raise MaterialNotListed(f"材料「{code}」不在「{target_name}」的材料清单中", field=field)


def check_materials(
    requirements: Sequence[MaterialRequirement],
    provided: Mapping[str, Provided],
    certificates: Mapping[str, CertRef],
    *,
    deferred: Collection[str] = (),
    commitment: bool = False,
) -> MaterialCheck:
    """Each requirement's status (see the module docstring); ``deferred`` are the materials the applicant asks
    to bring later (容缺), ``commitment`` whether they sign the 告知承诺书."""
    lines = []
    for req in requirements:
        lines.append(_line(req, provided.get(req.code), certificates, req.code in deferred, commitment))
    return MaterialCheck(tuple(lines))


def _line(
    req: MaterialRequirement,
    given: Provided | None,
    certificates: Mapping[str, CertRef],
    deferred: bool,
    commitment: bool,
) -> Line:
    cert = certificates.get(req.replaced_by) if req.replaced_by else None
    if cert is not None:
        return Line(req, Status.EXEMPT, f"{cert.describe()}，免提交", certificate=cert)
    if given is not None:
        if given.defect.strip():
            return Line(req, Status.WRONG, given.defect.strip(), given.form, defect=given.defect.strip())
        if req.form is MaterialForm.ORIGINAL and given.form is not Given.ORIGINAL:
            return Line(req, Status.WRONG, f"须提交原件，收到的是{given.form.label}", given.form)
        return Line(req, Status.PROVIDED, f"已收{given.form.label}", given.form)
    if deferred:
        if req.deferrable:
            return Line(req, Status.DEFERRED, "容缺受理，申请人承诺限期补交")
        return Line(req, Status.MISSING, "未提交（该材料为关键材料，不适用容缺受理）")
    if commitment and req.by_commitment:
        return Line(req, Status.COMMITTED, "申请人书面承诺符合要求，以告知承诺书代替")
    copies = f"{req.copies} 份" if req.copies > 1 else ""
    return Line(req, Status.MISSING, f"未提交（须{req.form.label}{copies}）")
