"""Every event that crosses services, from its producer's domain model through every
consumer's use case: a change on either side that breaks the contract fails here."""

import pytest

from services.certification import handlers as certification
from services.certification.adapters.repository import (
    CertificationRepository,
    VerificationRepository,
)
from services.common.clock import utc_now
from services.common.contracts import DispatchedWork, StandardEnded, TerminatedWork
from services.common.contracts.schemas import BrokenContract, read
from services.common.envelope import new_envelope
from services.gateway.adapters.notices import NoticeBoard
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.handlers import intake as gateway
from services.gateway.handlers.enterprise import post_standard_notices
from services.gateway.web.schemas.intake import load_submission
from services.metrology import handlers as metrology
from services.metrology.adapters.repository import JobRepository
from services.standards import handlers as standards
from services.standards.adapters.follows import FollowRegistry
from services.standards.adapters.repository import CaseRepository, StandardRepository
from services.standards.bootstrap import seed_entries
from services.testing import handlers as testing
from services.testing.adapters.repository import TestJobRepository
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JC01_BODY, JL02_BODY, NOW, RZ02_DETAILS, through_the_station
from ..support.events import DEMO_ENTERPRISE, dispatched_work

CATALOGUE, STATIONS = reference_data()


def announced(store, event_type):
    """The last envelope of this type in a fake store's outbox, as the relay would publish it."""
    return [envelope for envelope in store.pending_envelopes() if envelope["type"] == event_type][-1]


def dispatched_by_the_gateway(item, details):
    """What the gateway announces when the station dispatches a request for ``item``."""
    requests = RequestRepository(InMemoryDocumentStore())
    body = {**JL02_BODY, "item": item, "details": details}
    request, _ = gateway.submit(requests, None, load_submission(body, CATALOGUE, STATIONS), CATALOGUE, NOW)
    through_the_station(requests, request.code)
    return announced(requests.store, DispatchedWork.TYPE)


def standard_ended_by_the_standards_service(number="GB 5009.12-2023"):
    """What the standards service announces when an operator withdraws a followed standard."""
    catalogue, follows = StandardRepository(InMemoryDocumentStore()), FollowRegistry(InMemoryDocumentStore())
    standards.seed_catalogue(catalogue, seed_entries())
    follows.follow(number, DEMO_ENTERPRISE, "321322-20261126-00001-6", NOW)
    standards.end_standard(catalogue, follows, number, "withdrawn", None, NOW)
    return announced(catalogue.store, StandardEnded.TYPE)


class TestDispatchedWork:
    CONSUMERS = {
        "metrology": ("JL02", JL02_BODY["details"],
                      lambda work: metrology.receive_dispatched_request(JobRepository(InMemoryDocumentStore()),
                                                                        work, NOW)),
        "testing": ("JC01", JC01_BODY["details"],
                    lambda work: testing.receive_dispatched_request(TestJobRepository(InMemoryDocumentStore()),
                                                                    work, NOW)),
        "standards": ("BZ03", {"topic": "selection", "question": "企业标准如何自我声明？"},
                      lambda work: standards.receive_dispatched_request(
                          CaseRepository(InMemoryDocumentStore()), StandardRepository(InMemoryDocumentStore()),
                          FollowRegistry(InMemoryDocumentStore()), work, NOW)),
        "certification": ("RZ02", RZ02_DETAILS,
                          lambda work: certification.receive_dispatched_request(
                              CertificationRepository(InMemoryDocumentStore()),
                              VerificationRepository(InMemoryDocumentStore()), work, NOW)),
    }

    @pytest.mark.parametrize("domain", sorted(CONSUMERS))
    def test_every_domain_service_opens_its_work_from_what_the_gateway_dispatches(self, domain):
        item, details, consume = self.CONSUMERS[domain]
        envelope = dispatched_by_the_gateway(item, details)
        assert envelope["route"] == domain
        work = read(DispatchedWork, envelope)
        opened = consume(work)
        assert (opened.request_code, opened.item, opened.station) == (envelope["request_code"], item, "321322")
        assert opened.enterprise == {"name": DEMO_ENTERPRISE.name, "uscc": DEMO_ENTERPRISE.uscc}
        assert opened.contact == JL02_BODY["contact"] and opened.details == details

    def test_a_dispatch_missing_what_a_job_needs_is_refused_not_half_opened(self):
        envelope = dispatched_by_the_gateway("JL02", JL02_BODY["details"])
        broken = {**envelope, "data": {key: value for key, value in envelope["data"].items() if key != "enterprise"}}
        with pytest.raises(BrokenContract):
            read(DispatchedWork, broken)

    def test_a_producer_cannot_announce_a_dispatch_that_breaks_the_contract(self):
        from services.common.domain import DomainEvent
        from services.common.envelope import envelopes_for

        with pytest.raises(BrokenContract):
            envelopes_for("gateway", "X", [DomainEvent(DispatchedWork.TYPE, {"code": "X"}, route="metrology")],
                          utc_now())

    def test_a_newer_producer_may_add_fields_an_older_consumer_ignores(self):
        work = dispatched_work("321322-20261126-00001-6", "JL02", "metrology", JL02_BODY["details"])
        envelope = new_envelope("gateway", DispatchedWork.TYPE, {**work.as_data(), "priority": "urgent"},
                                request_code=work.code, route="metrology")
        assert read(DispatchedWork, envelope) == work


class TestStandardEnded:
    def test_the_gateway_tells_each_follower(self):
        envelope = standard_ended_by_the_standards_service()
        board = NoticeBoard(InMemoryDocumentStore())
        assert post_standard_notices(board, envelope["event_id"], envelope["occurred_at"],
                                     read(StandardEnded, envelope)) == 1
        assert board.for_enterprise(DEMO_ENTERPRISE.uscc)[0]["kind"] == "standard_withdrawn"

    def test_testing_flags_an_open_job_citing_it(self):
        jobs = TestJobRepository(InMemoryDocumentStore())
        details = {**JC01_BODY["details"], "method_standard": "GB 5009.12-2023"}
        testing.receive_dispatched_request(jobs, dispatched_work("321322-20261126-00001-6", "JC01", "testing",
                                                                 details), NOW)
        ended = read(StandardEnded, standard_ended_by_the_standards_service())
        assert testing.flag_jobs_citing(jobs, ended, NOW) == 1

    def test_certification_flags_an_open_application_citing_it(self):
        certifications = CertificationRepository(InMemoryDocumentStore())
        details = {**RZ02_DETAILS, "standard": "GB/T 19001-2016"}
        certification.receive_dispatched_request(
            certifications, VerificationRepository(InMemoryDocumentStore()),
            dispatched_work("321322-20261126-00001-6", "RZ02", "certification", details), NOW)
        ended = read(StandardEnded, standard_ended_by_the_standards_service("GB/T 19001-2016"))
        assert certification.flag_standard(certifications, ended, NOW) == 1


def terminated_by_the_gateway(item, details):
    """What the gateway announces when the station ends a dispatched request for ``item``."""
    from services.gateway.handlers import station as gateway_station

    from ..support.data import staff_of

    requests = RequestRepository(InMemoryDocumentStore())
    body = {**JL02_BODY, "item": item, "details": details}
    request, _ = gateway.submit(requests, None, load_submission(body, CATALOGUE, STATIONS), CATALOGUE, NOW)
    through_the_station(requests, request.code)
    gateway_station.station_step(requests, request.code, staff_of(), "terminate", requests.get(request.code).version,
                                 NOW, reason="企业不再需要")
    return announced(requests.store, DispatchedWork.TYPE), announced(requests.store, TerminatedWork.TYPE)


class TestTerminatedWork:
    """The station ends a dispatched request: each domain service stops the work it opened."""

    SERVICES = {
        "metrology": ("JL02", JL02_BODY["details"], lambda: JobRepository(InMemoryDocumentStore()),
                      lambda repository, work: metrology.receive_dispatched_request(repository, work, NOW),
                      metrology.stop_terminated_work),
        "testing": ("JC01", JC01_BODY["details"], lambda: TestJobRepository(InMemoryDocumentStore()),
                    lambda repository, work: testing.receive_dispatched_request(repository, work, NOW),
                    testing.stop_terminated_work),
        "standards": ("BZ03", {"topic": "selection", "question": "企业标准如何自我声明？"},
                      lambda: CaseRepository(InMemoryDocumentStore()),
                      lambda repository, work: standards.receive_dispatched_request(
                          repository, StandardRepository(InMemoryDocumentStore()),
                          FollowRegistry(InMemoryDocumentStore()), work, NOW),
                      standards.stop_terminated_work),
        "certification": ("RZ02", RZ02_DETAILS, lambda: CertificationRepository(InMemoryDocumentStore()),
                          lambda repository, work: certification.receive_dispatched_request(
                              repository, VerificationRepository(InMemoryDocumentStore()), work, NOW),
                          certification.stop_terminated_work),
    }

    @pytest.mark.parametrize("domain", sorted(SERVICES))
    def test_every_domain_service_stops_the_work_once(self, domain):
        item, details, repository_of, receive, stop = self.SERVICES[domain]
        dispatched, terminated = terminated_by_the_gateway(item, details)
        assert terminated["route"] == domain
        repository = repository_of()
        receive(repository, read(DispatchedWork, dispatched))
        ended = read(TerminatedWork, terminated)
        assert stop(repository, ended, NOW) is True
        stopped = repository.get(ended.code)
        assert stopped.status == "terminated" and stopped.cancellation["reason"] == "企业不再需要"
        assert announced(repository.store, "job_cancelled")["data"]["reason"] == "企业不再需要"
        assert stop(repository, ended, NOW) is False  # delivered again: told already

    def test_a_termination_arriving_before_its_dispatch_is_delivered_again_later(self):
        from services.metrology.exceptions import JobNotFound

        dispatched, terminated = terminated_by_the_gateway("JL02", JL02_BODY["details"])
        jobs = JobRepository(InMemoryDocumentStore())
        with pytest.raises(JobNotFound):
            metrology.stop_terminated_work(jobs, read(TerminatedWork, terminated), NOW)
        metrology.receive_dispatched_request(jobs, read(DispatchedWork, dispatched), NOW)
        assert metrology.stop_terminated_work(jobs, read(TerminatedWork, terminated), NOW) is True

    def test_work_whose_documents_are_being_issued_is_not_stopped_and_says_so(self):
        dispatched, terminated = terminated_by_the_gateway("JC01", JC01_BODY["details"])
        jobs = TestJobRepository(InMemoryDocumentStore())
        testing.receive_dispatched_request(jobs, read(DispatchedWork, dispatched), NOW)
        job = jobs.get(dispatched["request_code"])
        job.status, job.report_number = "reviewed", "SQJC-2026-000001"
        jobs.save(job)
        assert testing.stop_terminated_work(jobs, read(TerminatedWork, terminated), NOW) is True
        assert jobs.get(job.request_code).status == "reviewed"
        assert announced(jobs.store, "job_not_cancelled")["data"]["status"] == "reviewed"

    def test_the_gateway_cannot_announce_a_termination_without_its_reason(self):
        from services.common.domain import DomainEvent
        from services.common.envelope import envelopes_for

        with pytest.raises(BrokenContract):
            envelopes_for("gateway", "X", [DomainEvent(TerminatedWork.TYPE, {"code": "X", "item": "JL02"},
                                                       route="metrology")], utc_now())
