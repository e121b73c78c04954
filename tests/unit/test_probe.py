"""What the container health probe makes of the answers it gets."""

from services.common.health import health_report
from services.common.probe import domain_verdict, gateway_verdict


def test_a_domain_service_is_up_when_its_health_call_answers_ok():
    assert domain_verdict({"service": "metrology", "status": "ok", "mongodb": True}) == (True, "ok")


def test_a_domain_service_whose_store_is_down_is_not_up():
    up, reason = domain_verdict({"service": "metrology", "status": "degraded", "mongodb": False})
    assert not up and "degraded" in reason


def test_an_answer_that_is_not_a_health_report_is_not_up():
    assert domain_verdict(None)[0] is False
    assert domain_verdict("ok")[0] is False


def test_the_gateway_stays_ready_while_a_domain_service_is_down():
    body = {"status": "unavailable", "down": ["testing"],
            "checks": {"rabbitmq": True, "mongodb": True, "metrology": True, "testing": False}}
    assert gateway_verdict(503, body) == (True, "ok")


def test_the_gateway_is_not_ready_without_its_broker_or_its_store():
    body = {"status": "unavailable", "down": ["mongodb"],
            "checks": {"rabbitmq": True, "mongodb": False, "metrology": True}}
    assert gateway_verdict(503, body) == (False, "mongodb down")
    assert gateway_verdict(503, {"checks": {"mongodb": True}}) == (False, "rabbitmq down")


def test_an_answer_without_checks_means_the_gateway_is_not_ready():
    ready, reason = gateway_verdict(502, None)
    assert not ready and "502" in reason


def test_a_service_still_preparing_its_database_is_not_up_yet():
    class Database:
        """A store that answers, of a service whose start-up has not prepared it yet."""
        _prepared = False

        class client:
            class admin:
                @staticmethod
                def command(name):
                    return {"ok": 1}

    report = health_report("metrology", Database())
    assert report["status"] == "starting" and report["mongodb"] is True
    up, reason = domain_verdict(report)
    assert not up and "starting" in reason
    Database._prepared = True
    assert domain_verdict(health_report("metrology", Database()))[0]
