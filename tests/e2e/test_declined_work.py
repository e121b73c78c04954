"""A domain service may decline dispatched work with a reason; the request goes back
to its station, which may dispatch it again, and the service then takes it afresh."""

import pytest

from ..conftest import signed_in, staff_of, through_the_station
from ..support.data import RZ02_DETAILS, jl02_body
from .test_walking_skeleton import wait_for_status

pytestmark = pytest.mark.e2e

STATION = staff_of("321322")


@pytest.mark.parametrize(("item", "details", "work", "operator"), [
    ("JL02", None, "/api/v1/metrology/jobs", "metrology-1"),
    ("JC03", {"question": "能否检测水中铅含量？"}, "/api/v1/testing/jobs", "testing-1"),
    ("RZ02", RZ02_DETAILS, "/api/v1/certification/applications", "certification-1"),
    ("BZ03", {"topic": "selection", "question": "出口电热水壶应执行哪些标准？"}, "/api/v1/standards/cases",
     "standards-1"),
])
def test_declined_work_goes_back_to_the_station_and_is_taken_afresh_when_dispatched_again(
        api, item, details, work, operator):
    body = jl02_body(item=item, **({"details": details} if details else {}))
    code = api.post("/api/v1/requests", json=body).json()["code"]
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")

    declined = api.post(f"{work}/{code}/decline", json={"reason": "设备检修中"}, headers=signed_in(operator))
    assert declined.status_code == 200, declined.text
    back = wait_for_status(api, code, "accepted")
    assert (back["timeline"][-1]["event"], back["timeline"][-1]["reason"]) == ("job_declined", "设备检修中")

    seen = api.get(f"/api/v1/station/requests/{code}", headers=STATION).json()
    again = api.post(f"/api/v1/station/requests/{code}/dispatch", json={"version": seen["version"]}, headers=STATION)
    assert again.status_code == 200, again.text
    taken = wait_for_status(api, code, "in_progress")
    assert [entry["event"] for entry in taken["timeline"]][-3:] == ["job_declined", "dispatched", "job_accepted"]
    assert api.get(f"{work}/{code}", headers=signed_in(operator)).json()["status"] != "declined"


def test_only_the_domains_own_operators_decline_its_work(api):
    code = api.post("/api/v1/requests", json=jl02_body()).json()["code"]
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")
    other = api.post(f"/api/v1/metrology/jobs/{code}/decline", json={"reason": "不是我们的"},
                     headers=signed_in("testing-1"))
    assert other.status_code == 403
    blank = api.post(f"/api/v1/metrology/jobs/{code}/decline", json={"reason": " "}, headers=signed_in("metrology-1"))
    assert blank.status_code == 422 and "reason" in blank.json()["fields"]
    assert wait_for_status(api, code, "in_progress")["status"] == "in_progress"
