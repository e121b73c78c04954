"""The work of the domain services' operators and the documents they issue, through the
gateway (DESIGN §1): each command goes to the service that does the work, over RPC, with
the signed-in operator named in it; that service's own schema and rules judge it.

The gateway adds what it alone keeps (a request's due date beside a job), checks that a
document asked for under a request code belongs to that request, and sends a public
verification to the service whose number prefix it carries.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..adapters.domain_services import DomainServiceCalls
from ..adapters.repository import RequestGroupRepository, RequestRepository
from ..domain.access import Principal, may_operate, require
from ..domain.calendar import WorkingCalendar
from ..domain.catalogue import Catalogue
from ..domain.model import DISPATCHED, IN_PROGRESS, ServiceRequest
from ..domain.request_code import parse_code
from ..exceptions import DocumentNotFound
from .files import FileStore, answer_with_files
from .intake import due_date_of, track_request
from .station import QueueRow, matching_requests

# URL step → the domain service's RPC method, per laboratory.
JOB_STEPS = {
    "metrology": {"start": "start_job", "results": "record_results", "review": "review_results",
                  "issue": "issue_documents", "decline": "decline_job"},
    "testing": {"samples": "receive_samples", "start": "start_job", "results": "record_results",
                "review": "review_results", "issue": "issue_report", "decline": "decline_job"},
}
# Number prefix (before the first "-") → the service whose ``verify`` RPC answers for it.
VERIFYING_SERVICES = {
    "SQJL": "metrology",  # verification and calibration certificates, notices of failure (检定/校准证书)
    "SQBK": "metrology",  # measurement-standard certificates (计量标准考核证书, JL03)
    "SQJC": "testing",  # test reports and rapid-test reports (检验检测报告)
    "SQRZ": "certification",  # certification certificates: valid, suspended, withdrawn, expired (认证证书)
}
# The RPC that reads one job of each domain, by request code.
JOB_READS = {"metrology": "get_job", "testing": "get_job", "certification": "get_certification",
             "standards": "get_case"}


# A domain's open work: dispatched to it and not yet finished.
OPEN_JOBS = (DISPATCHED, IN_PROGRESS)
JOB_LIST_PAGE = 100


class UnknownStep(LookupError):
    """A step a domain's jobs do not have."""


@dataclass(frozen=True)
class JobList:
    domain: str
    rows: list[QueueRow]
    total: int
    counts: dict[str, int]  # the domain's requests in every status
    offset: int
    limit: int


def job_list(requests: RequestRepository, catalogue: Catalogue, calendar: WorkingCalendar, principal: Principal,
             domain: str, filters: dict[str, Any], today: date) -> JobList:
    """A page of a domain's work for its operators (managers and admins read any
    domain's): the requests dispatched to it from every station, oldest first, each with
    its due date, whether it is due soon or overdue and whether a standard it cites was
    superseded since; by default those still open."""
    require(may_operate(principal, domain, read_only=True))
    limit, offset = filters.get("limit") or JOB_LIST_PAGE, filters.get("offset") or 0
    rows, total = matching_requests(
        requests, None, catalogue, calendar, today, status=filters.get("status"), item=filters.get("item"),
        domain=domain, due=filters.get("due"), limit=limit, offset=offset, open_statuses=OPEN_JOBS,
        flagged=bool(filters.get("flagged")))
    return JobList(domain, rows, total, requests.count_by_status(None, domain), offset, limit)


def request_for_operator(requests: RequestRepository, principal: Principal, code_text: str) -> ServiceRequest:
    """The request behind a job, as the operators of its domain (and managers) see it."""
    found: ServiceRequest = requests.get(str(parse_code(code_text)))
    require(may_operate(principal, found.domain, read_only=True))
    return found


def signed(body: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """A command signed with the operator's own name: who recorded and who reviewed
    results comes from their sign-in, never from what a client claims."""
    return {**body, "operator": principal.name}


def command(services: DomainServiceCalls, service: str, method: str, *args: Any) -> Any:
    """One command or read for a domain service, answered as it answers."""
    return services.call(service, method, *args)


def answer_in_writing(services: DomainServiceCalls, files: FileStore, requests: RequestRepository, domain: str,
                      code: str, command: dict[str, Any], now: datetime) -> Any:
    """A written answer (BZ01/BZ03/BZ04, JL04, JC03) by an operator of ``domain``: the
    uploads it names (``command["attachments"]``, by id) go to the request ``code`` it
    answers and the answer, with what is known of each file, to the domain service."""
    return answer_with_files(files, requests, code, command, now,
                             lambda answer: services.call(domain, "answer_question", code, answer))


def job(services: DomainServiceCalls, requests: RequestRepository, catalogue: Catalogue,
        calendar: WorkingCalendar, domain: str, code_text: str, today: date) -> Any:
    """A domain service's job (application, case) with the request's due date beside it."""
    code = str(parse_code(code_text)) if domain in ("certification", "standards") else code_text
    found = services.call(domain, JOB_READS[domain], code)
    due = due_date_of(requests, catalogue, calendar, code, today)
    return {**found, **due} if due is not None and isinstance(found, dict) else found


def job_step(services: DomainServiceCalls, domain: str, code: str, step: str, body: dict[str, Any]) -> Any:
    """A laboratory job's step (start, results, review, issue, …) as its service takes it."""
    method = JOB_STEPS[domain].get(step)
    if method is None:
        raise UnknownStep(step)
    return services.call(domain, method, code, body)


def own_document(services: DomainServiceCalls, requests: RequestRepository, groups: RequestGroupRepository,
                 code: str, phone: str | None, principal: Principal | None, number: str) -> Any:
    """The enterprise's own certificate or report, in full: for whoever may track the
    request (its contact phone, or a sign-in that may see it), and only a document issued
    for that request."""
    found, _ = track_request(requests, groups, code, phone, principal)
    service = "testing" if getattr(found, "domain", None) == "testing" else "metrology"
    method = "get_report" if service == "testing" else "get_certificate"
    document = services.call(service, method, number, not_found=DocumentNotFound)
    if document["request_code"] != found.code:
        raise DocumentNotFound(number)
    return document


def verifying_service(number: str) -> str | None:
    return VERIFYING_SERVICES.get(number.partition("-")[0])


def verify(services: DomainServiceCalls, number: str) -> dict[str, Any]:
    """Is this certificate or report genuine and in force? Anyone may ask; the service that
    issued it answers, with nothing private. A number that is not ours is DocumentNotFound."""
    normalized = "".join(number.split()).upper()
    service = verifying_service(normalized)
    if service is None:
        raise DocumentNotFound(number)
    answer: dict[str, Any] = services.call(service, "verify", normalized, not_found=DocumentNotFound)
    if answer.get("status") == SUPERSEDED and answer.get("superseded_by"):
        answer["latest_version"] = latest_version(services, service, answer["superseded_by"])
    return answer


SUPERSEDED = "superseded"
MAX_VERSIONS = 50  # a chain of corrections longer than this is not followed to its end


def latest_version(services: DomainServiceCalls, service: str, successor: str) -> dict[str, Any]:
    """The version a superseded document's chain of corrections ends in, and its status:
    the one to rely on, unless it was itself withdrawn (then none is in force)."""
    found: dict[str, Any] = {}
    number: str | None = successor
    for _ in range(MAX_VERSIONS):
        found = services.call(service, "verify", number, not_found=DocumentNotFound)
        number = found.get("superseded_by") if found.get("status") == SUPERSEDED else None
        if not number:
            break
    return {"number": found["number"], "status": found["status"], "withdrawn_on": found.get("withdrawn_on")}
