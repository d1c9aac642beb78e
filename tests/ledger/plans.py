"""Plans of our own, in forms the seeds do not use, for the parser's generality tests."""

from __future__ import annotations

# Full-width punctuation, "X、Y牵头,Z按职责分工负责", (牵头责任单位:…), a section whose heading carries the
# bracket for its sub-items, "6月底完成" with the year from the title, (X负责,长期坚持), prose that mentions
# 牵头单位 in brackets without being an attribution.
PLAN_A = """某市2023年优化营商环境攻坚行动方案

为持续优化营商环境，制定本方案。
一、重点任务
（一）提升企业开办便利度。
1．推行企业开办“一网通办”，将企业开办时间压缩至1个工作日以内，申请材料不超过5件。（市市场监管局、市政务服务局牵头，市公安局、市税务局按职责分工负责，6月底完成）
2．深化“证照分离”改革，实现涉企经营许可事项全覆盖。（牵头责任单位：市市场监管局；配合单位：市直有关部门；完成时限：2023年10月底前）
（二）提升不动产登记效率。（牵头单位：市自然资源局；配合单位：市税务局、市住建局；完成时限：2023年9月底）
1．一般登记、抵押登记业务办理时间压缩至3个工作日。
2．推行不动产登记“全城通办”。
（三）优化纳税服务
推行“非接触式”办税，全年纳税时间压缩至100小时以内。（市税务局负责，长期坚持）
二、保障措施
各牵头单位要加强统筹（牵头单位要定期报送进展情况），确保按时完成。
"""

# Arabic items above (1) items, fields on their own lines after the item (the form a table pasted as text
# takes), a Chinese-numeral date, circled sub-items closed by one bracket, a leader and a monthly rhythm.
PLAN_B = """XX县2022年“放管服”改革工作要点
XX县人民政府办公室
2022年3月1日
1、深化行政审批制度改革
（1）全面推行告知承诺制，年底前告知承诺事项达到100项以上。
牵头单位：县司法局
配合单位：县直各部门
完成时间：2022年12月31日
（2）推进“一件事一次办”，高频事项办理环节压缩为2个。
牵头单位：县政务服务中心
配合单位：县人社局、县医保局
完成时间：二〇二二年十月底
2、提升12345热线服务水平
①热线接通率达到95%以上，办结率达到97%以上。②满意率达到92%以上。（责任单位：县12345热线中心；责任领导：李明副县长；时间节点：每月）
"""

# No title year: "3月底前" after an autumn issue date is next March; several brackets in one paragraph split
# it; a deadline written after the bracket; 牵头单位 mentioned in running prose.
PLAN_C = """关于进一步压减涉企审批时限的若干措施
某区人民政府
2021年10月8日
一、压减时限
第一，工程建设项目审批时间压缩至40个工作日以内（区住建局牵头）；社会投资低风险项目审批时间压缩至15个工作日（区自然资源局牵头，区住建局配合）。
二、强化保障
1.建立月调度机制，由区营商办牵头单位统筹推进。（牵头单位：区营商办）3月底前完成。
2.完善考核办法。（牵头单位：区委组织部，区营商办；配合单位：各街道（镇）、区直各有关单位等）
"""

# 1) items, fields separated by full-width spaces instead of semicolons, "X月前", a top-level heading closed by
# an unkeyed bracket with a date and 长期坚持 together.
PLAN_D = """某县2024年营商环境提升行动方案
一、提升政务服务
1）推行“高效办成一件事”，全年新增10个套餐。（牵头单位：县政务服务中心　配合单位：县直各部门　完成时限：2024年6月前）
2）深化“跨省通办”。（责任单位：各乡镇人民政府，县直有关部门；完成时间：2024年12月）
二、优化法治环境（县司法局牵头，县法院、县检察院配合，2024年底前完成并长期坚持）
"""
