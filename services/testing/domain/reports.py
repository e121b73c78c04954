"""Test reports (检验检测报告, ISO/IEC 17025 §7.8.2, §7.8.3), in plain Python.

One report per job. Issued reports never change: an amendment is a new report numbered
after the one it replaces (``common/issued.py``) and saying so (§7.8.8); a report can
also be withdrawn.

Content, by clause: §7.8.2.1 — title, laboratory, unique number, customer, methods,
samples (number, description, condition on receipt), date of receipt, dates of testing,
date of issue, the statement that results relate only to the samples as received, the
people who tested, reviewed and authorised; §7.8.3.1 — test conditions, the statement
of conformity with the specification and the decision rule applied (§7.8.6), the
measurement uncertainty where a result is judged against a limit with it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...common.clock import china_date
from ...common.domain import DomainEvent, InvalidTransition
from ...common.issued import IssuedDocumentRecord, document_number, successor_number
from .model import DECISION_RULES, FAIL, NOT_ASSESSED, PASS, RAPID, TestJob

PREFIX = "SQJC"
TEST_REPORT = "test_report"
RAPID_TEST_REPORT = "rapid_test_report"
TITLES = {TEST_REPORT: "检验检测报告", RAPID_TEST_REPORT: "快速检测结果报告"}

ONLY_THESE_SAMPLES = "本报告的结果仅对所检样品（按收到时的状态）有效。"
NO_PARTIAL_COPY = "未经本实验室书面批准，不得部分复制本报告。"
SCREENING_ONLY = "快速检测结果仅用于筛查，阳性结果应按国家标准方法进行确证检验。"


def report_number(year: int, sequence: int) -> str:
    return document_number(PREFIX, year, sequence)


@dataclass
class Report(IssuedDocumentRecord):
    amendment_reason: str | None
    samples: list[dict[str, Any]]
    methods: list[str]
    tested_on: str
    test_conditions: dict[str, Any] | None
    specification: str | None
    decision_rule: dict[str, Any] | None
    results: list[dict[str, Any]]
    conformity: str
    conformity_statement: str

    @classmethod
    def issue(cls, number: str, job: TestJob, laboratory: dict[str, Any], operator: str, now: datetime) -> "Report":
        kind = RAPID_TEST_REPORT if job.item == RAPID else TEST_REPORT
        results = job.results or {}
        rule = results["decision_rule"]
        report = cls(
            number=number, kind=kind, title=TITLES[kind], revision=0, replaces=None, amendment_reason=None,
            request_code=job.request_code, item=job.item, laboratory=laboratory,
            customer={"name": job.enterprise["name"], "uscc": job.enterprise["uscc"]},
            samples=job.samples,
            methods=sorted({result["method"] for result in results["results"]}),
            received_on=_day(min(sample["received_at"] for sample in job.samples)),
            tested_on=results["tested_on"],
            issued_at=now.isoformat(), issued_epoch=now.timestamp(),
            test_conditions=results.get("test_conditions"),
            specification=results.get("specification"),
            decision_rule={"code": rule, "text": DECISION_RULES[rule]} if rule else None,
            results=results["results"],
            conformity=results["conformity"],
            conformity_statement=conformity_statement(kind, results),
            statements=[ONLY_THESE_SAMPLES, NO_PARTIAL_COPY] + ([SCREENING_ONLY] if kind == RAPID_TEST_REPORT else []),
            signatories={"tested_by": job.recorded_by, "reviewed_by": job.reviewed_by, "issued_by": operator},
        )
        report.new_events.append(DomainEvent("report_issued", report.announcement(operator)))
        return report

    def amend(self, changes: dict[str, Any], reason: str, operator: str, now: datetime) -> "Report":
        if self.withdrawal:
            raise InvalidTransition(self.number, "withdrawn", "amended")
        customer = {**self.customer, **({"name": changes["customer_name"]} if changes.get("customer_name") else {})}
        amended = Report(**{
            **self._content(), "number": successor_number(self.number), "revision": self.revision + 1,
            "replaces": self.number, "amendment_reason": reason, "customer": customer,
            "remarks": changes.get("remarks", self.remarks),
            "issued_at": now.isoformat(), "issued_epoch": now.timestamp(),
            "signatories": {**self.signatories, "issued_by": operator},
            "statements": [*self.statements, f"本报告替代报告 {self.number}，原报告作废。更正原因：{reason}"],
        })
        amended.new_events.append(DomainEvent("report_amended", {**amended.announcement(operator), "reason": reason}))
        return amended

    withdrawn_event = "report_withdrawn"
    proposal_kind = "amendment"

    def withdrawal_announcement(self) -> dict[str, Any]:
        return {"report_number": self.number}

    def announcement(self, operator: str) -> dict[str, Any]:
        return {"report_number": self.number, "kind": self.kind, "replaces": self.replaces,
                "conformity": self.conformity, "operator": operator, "issued_at": self.issued_at}

    def public_view(self, status: str, superseded_by: str | None) -> dict[str, Any]:
        return {
            "number": self.number, "genuine": True, "status": status, "kind": self.kind, "title": self.title,
            "issuer": self.laboratory["name"], "issued_on": _day(self.issued_at), "customer": self.customer["name"],
            "samples": [{"sample_number": s["sample_number"], "name": s["name"]} for s in self.samples],
            "conclusion": self.conformity, "revision": self.revision, "replaces": self.replaces,
            "superseded_by": superseded_by,
            "withdrawn_on": _day(self.withdrawal["at"]) if self.withdrawal else None,
        }


def conformity_statement(kind: str, results: dict[str, Any]) -> str:
    rule = results["decision_rule"]
    rule_text = f"（判定规则：{DECISION_RULES[rule]}）" if rule else ""
    if kind == RAPID_TEST_REPORT:
        positive = [r["sample_number"] for r in results["results"] if r["conformity"] == FAIL]
        if not positive:
            return f"所检样品快速检测结果均为阴性{rule_text}。"
        return f"样品 {'、'.join(positive)} 快速检测结果为阳性（疑似不符合），应送实验室确证{rule_text}。"
    specification = results.get("specification") or "相关标准"
    if results["conformity"] == NOT_ASSESSED:
        return "本报告仅给出检测结果，未作符合性判定。"
    if results["conformity"] == PASS:
        return f"所检项目符合 {specification} 的要求{rule_text}。"
    failed = sorted({f"{r['sample_number']} {r['item']}" for r in results["results"] if r["conformity"] == FAIL})
    return f"{'；'.join(failed)} 不符合 {specification} 的要求{rule_text}。"


def _day(iso_moment: str) -> str:
    return china_date(datetime.fromisoformat(iso_moment)).isoformat()
