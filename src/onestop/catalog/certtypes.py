"""Certificate type codes the catalogue may name (fixed by the lead in the cross-module contract).

The e-certificate module owns the types and their labels; the catalogue only names them, as the result an
item issues or as the proof that makes a material 免提交. A typo must fail when the catalogue is loaded.
"""

from __future__ import annotations

CERT_TYPES: dict[str, str] = {
    "business_license": "营业执照",
    "seal_record": "印章刻制备案证明",
    "tax_invoice_approval": "发票领用核定及税控设备发行通知",
    "social_insurance_registration": "社会保险登记证明",
    "housing_fund_registration": "住房公积金单位缴存登记证明",
    "bank_account": "基本存款账户信息",
    "real_estate_certificate": "不动产权证书",
    "mortgage_certificate": "不动产登记证明（抵押权）",
    "project_approval": "项目备案证明",
    "land_use_planning_permit": "建设用地规划许可证",
    "construction_planning_permit": "建设工程规划许可证",
    "construction_permit": "建筑工程施工许可证",
    "completion_filing": "竣工验收备案证明",
    "food_business_license": "食品经营许可证",
    "individual_business_license": "个体工商户营业执照",
}


def cert_label(code: str) -> str:
    return CERT_TYPES.get(code, code)
