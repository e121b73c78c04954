"""A test report as it is printed, built from the issued :class:`~.reports.Report`.

ISO/IEC 17025 §7.8.2-7.8.3: the samples (number, description, condition on receipt),
methods, the dates of receipt, testing and issue, test conditions, results with units
and, where judged, the limit, U and the conformity, the statement of conformity with the
decision rule applied (§7.8.6), and who tested, reviewed and approved.
"""

from datetime import datetime
from typing import Any

from ...common.clock import china_date
from ...common.documents.content import DocumentContent, Party, Section, Table, lines
from .model import FAIL, NOT_ASSESSED, PASS
from .reports import RAPID_TEST_REPORT, Report

CONFORMITY = {PASS: "符合 Conforms", FAIL: "不符合 Does not conform", NOT_ASSESSED: "未判定 Not assessed"}
OUTCOMES = {"negative": "阴性 Negative", "positive": "阳性 Positive"}


def printed(report: Report) -> DocumentContent:
    signatories = report.signatories
    return DocumentContent(
        number=report.number, kind=report.kind, edition=0, request_code=report.request_code,
        issuer=Party(report.laboratory["name"], report.laboratory.get("address"), report.laboratory.get("authorization")),
        customer=Party(report.customer["name"], identifier=report.customer.get("uscc")),
        issued_on=china_date(datetime.fromisoformat(report.issued_at)).isoformat(),
        sections=(_samples(report), _work(report), _results(report), _conclusion(report)),
        statements=tuple(report.statements) + ((f"备注 Remarks：{report.remarks}",) if report.remarks else ()),
        signatories=lines(("检测人 Tested by", signatories.get("tested_by")),
                          ("审核人 Reviewed by", signatories.get("reviewed_by")),
                          ("批准人 Approved by", signatories.get("issued_by"))),
        replaces=report.replaces, replacement_reason=report.amendment_reason,
    )


def _samples(report: Report) -> Section:
    rows = tuple((sample.get("sample_number", "—"), sample.get("name", "—"), sample.get("description") or "—",
                  sample.get("condition_on_receipt") or "—", str(sample.get("quantity") or "—"))
                 for sample in report.samples)
    return Section("样品 Samples", table=Table(
        ("样品编号 No.", "名称 Name", "描述 Description", "收样状态 Condition on receipt", "数量 Quantity"), rows))


def _work(report: Report) -> Section:
    conditions = report.test_conditions or {}
    described = "，".join(part for part in (
        f"温度 {conditions['temperature_c']} ℃" if conditions.get("temperature_c") is not None else "",
        f"相对湿度 {conditions['humidity_pct']} %" if conditions.get("humidity_pct") is not None else "",
        conditions.get("note") or "") if part)
    return Section("检测信息 Work", lines(
        ("检测方法 Methods", "；".join(report.methods)),
        ("判定依据 Specification", report.specification),
        ("判定规则 Decision rule", (report.decision_rule or {}).get("text")),
        ("收样日期 Received on", report.received_on),
        ("检测日期 Tested on", report.tested_on),
        ("检测环境 Conditions", described),
    ))


def _results(report: Report) -> Section:
    if report.kind == RAPID_TEST_REPORT:
        rapid = tuple((result["sample_number"], result["item"], result["method"],
                      OUTCOMES.get(result.get("outcome", ""), result.get("outcome") or "—"),
                      CONFORMITY.get(result.get("conformity", ""), "—"))
                     for result in report.results)
        return Section("检测结果 Results", table=Table(
            ("样品 Sample", "项目 Item", "方法 Method", "结果 Outcome", "判定 Verdict"), rapid))
    rows = tuple((result["sample_number"], result["item"], result["method"],
                  f"{result.get('value', '—')} {result.get('unit') or ''}".strip(), _limit(result),
                  _uncertainty(result), CONFORMITY.get(result.get("conformity", ""), "—"))
                 for result in report.results)
    return Section("检测结果 Results", table=Table(
        ("样品 Sample", "项目 Item", "方法 Method", "结果 Result", "限值 Limit", "U (k)", "判定 Verdict"), rows))


def _conclusion(report: Report) -> Section:
    return Section("检测结论 Conclusion", lines(("结论 Verdict", CONFORMITY.get(report.conformity, report.conformity))),
                   paragraphs=(report.conformity_statement,))


def _limit(result: dict[str, Any]) -> str:
    limit = result.get("limit") or {}
    if result.get("requirement"):
        return str(result["requirement"])
    bounds = [f"≥ {limit['min']}" if limit.get("min") is not None else "",
              f"≤ {limit['max']}" if limit.get("max") is not None else ""]
    return " ".join(bound for bound in bounds if bound) or "—"


def _uncertainty(result: dict[str, Any]) -> str:
    if result.get("expanded_uncertainty") is None:
        return "—"
    factor = f" (k={result['coverage_factor']})" if result.get("coverage_factor") else ""
    return f"{result['expanded_uncertainty']}{factor}"
