"""Shared test data: example bodies of the one form, lab results, and helpers around them."""

import copy
from datetime import UTC, datetime

JL02_BODY = {
    "item": "JL02",
    "enterprise": {"name": "宿迁市测试精密机械有限公司", "uscc": "91321322MA1ABC123P", "station": "321322"},
    "contact": {"name": "张伟", "phone": "13912345678"},
    "details": {
        "instruments": [
            {
                "name": "数字压力表",
                "model": "YB-150",
                "serial_number": "SN-0001",
                "measuring_range": "0-1.6 MPa",
                "accuracy_class": "0.4级",
                "quantity": 1,
            }
        ]
    },
}

NOW = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)  # 10:30 in Suqian


def jl02_body(**changes):
    body = copy.deepcopy(JL02_BODY)
    body.update(changes)
    return body


JL01_BODY = {
    "item": "JL01",
    "enterprise": {"name": "宿迁市测试精密机械有限公司", "uscc": "91321322MA1ABC123P", "station": "321322"},
    "contact": {"name": "张伟", "phone": "13912345678"},
    "details": {
        "instruments": [
            {
                "name": "一般压力表",
                "model": "Y-100",
                "serial_number": "PG-0001",
                "measuring_range": "0-1.6 MPa",
                "accuracy_class": "1.6级",
                "quantity": 1,
                "usage": "safety",
            }
        ]
    },
}

JC01_BODY = {
    "item": "JC01",
    "enterprise": {"name": "宿迁市测试精密机械有限公司", "uscc": "91321322MA1ABC123P", "station": "321322"},
    "contact": {"name": "张伟", "phone": "13912345678"},
    "details": {
        "samples": [{"name": "大米", "specification": "5 kg/袋", "quantity": 2}],
        "test_items": "镉（以Cd计）",
        "method_standard": "GB 5009.15-2023",
        "report_use": "trade",
    },
}

JC02_BODY = {
    "item": "JC02",
    "enterprise": {"name": "宿迁市测试精密机械有限公司", "uscc": "91321322MA1ABC123P", "station": "321322"},
    "contact": {"name": "张伟", "phone": "13912345678"},
    "details": {"test_type": "pesticide", "samples": [{"name": "青菜", "origin": "沭阳县", "quantity": 1}]},
}

REFERENCE_STANDARD = {
    "operator": "王工",
    "id": "RS-P01",
    "name": "精密数字压力计",
    "model": "CPG2500",
    "serial_number": "DPC-88001",
    "measuring_range": "(0-2.5) MPa",
    "uncertainty": "0.02级",
    "calibration_certificate": "JSJL-2026-01234",
    "calibrated_by": "江苏省计量科学研究院",
    "calibration_valid_until": "2027-06-30",
    "last_good_check_on": "2026-07-01",
}

ENVIRONMENT = {"location": "本实验室压力室", "temperature_c": 20.5, "humidity_pct": 55}


def verification_results(operator="李工", conclusion="pass", serial="PG-0001", standard="RS-P01"):
    entry = {
        "serial_number": serial,
        "instrument_type": "pressure-gauges-for-general-use",
        "manufacturer": "上海仪表厂",
        "reference_standards": [standard],
        "items": [
            {"item": "外观", "result": "符合要求", "conforms": True},
            {"item": "示值误差", "result": "最大 0.012 MPa（允许 ±0.026 MPa）" if conclusion == "pass"
             else "最大 0.041 MPa（允许 ±0.026 MPa）", "conforms": conclusion == "pass"},
        ],
        "conclusion": conclusion,
    }
    if conclusion == "fail":
        entry["failure_reasons"] = "示值误差超过最大允许误差"
    return {"operator": operator, "environment": ENVIRONMENT, "instruments": [entry]}


def calibration_results(operator="李工", serial="SN-0001", standard="RS-P01", adjusted=False, **extra):
    points = [
        {"nominal": "0.400", "measured": "0.4012", "expanded_uncertainty": "0.0008", "coverage_factor": 2, "unit": "MPa"},
        {"nominal": "1.600", "measured": "1.5985", "expanded_uncertainty": "0.0012", "coverage_factor": 2, "unit": "MPa"},
    ]
    if adjusted:
        for point in points:
            point["measured_before_adjustment"] = "1.6100"
    entry = {"serial_number": serial, "method": {"code": "JJG 875-2019", "title": "数字压力计"},
             "reference_standards": [standard], "points": points, "adjusted": adjusted, **extra}
    return {"operator": operator, "environment": ENVIRONMENT, "instruments": [entry]}


RZ02_DETAILS = {
    "standard": "GB/T 19001-2016",
    "scope": "精密机械零部件的设计和生产",
    "employees": 120,
    "sites": [
        {"address": "宿迁市沭阳县经济开发区上海路18号", "employees": 100},
        {"address": "宿迁市沭阳县南关工业园2号", "employees": 20},
    ],
}

RZ01_DETAILS = {
    "product_name": "家用电热水壶",
    "product_models": "SQ-1501, SQ-1801",
    "scheme": "voluntary",
    "product_standard": "GB 4706.1-2005；GB 4706.19-2008",
    "factory_address": "宿迁市宿城区工业园8号",
}


def staff_of(station="321322"):
    from services.gateway.domain.access import STAFF, Principal

    return Principal(username=f"staff-{station}", role=STAFF, name="服务站工作人员", station=station)


def through_the_station(requests, code, now=NOW, station="321322"):
    """The station's staff accept and dispatch a submitted request (what they do in the
    console), on the gateway's handlers."""
    from services.gateway.handlers import station as gateway_station

    staff = staff_of(station)
    for step in ("accept", "dispatch"):
        gateway_station.station_step(requests, code, staff, step, requests.get(code).version, now)
    return requests.get(code)


def service_level_read_model(buckets=None, clocks=None, calendar=None, clock=lambda: NOW):
    """The read model of service levels on in-memory stores (no month rollups), and its query."""
    from services.gateway.adapters.service_levels_store import ServiceLevelRepository
    from services.gateway.bootstrap import reference_data, shipped_calendar
    from tests.fakes.metrics import InMemoryMetricsQuery
    from tests.fakes.store import InMemoryDocumentStore

    buckets, clocks = buckets or InMemoryDocumentStore(), clocks or InMemoryDocumentStore()
    catalogue, _ = reference_data()
    repository = ServiceLevelRepository(buckets, clocks, lambda item: catalogue.item(item).committed_days,
                                        calendar or shipped_calendar(), clock)
    return repository, InMemoryMetricsQuery(buckets, clocks)


def service_level_store(database):
    """The read model of service levels on a real gateway database, and its query."""
    from services.gateway import bootstrap

    gateway = bootstrap.build(database)
    return gateway.service_levels, gateway.service_level_query


def project(requests, envelope):
    """A domain service's event shown on its request, on the shipped calendar."""
    from services.gateway.bootstrap import reference_data, shipped_calendar
    from services.gateway.handlers.intake import project_domain_event

    return project_domain_event(requests, envelope, reference_data()[0], shipped_calendar())


def reader(lang="zh-CN", today=None, calendar=None):
    """A reader of the gateway's views: the language, the shipped reference data and calendar."""
    from services.common.clock import china_date
    from services.gateway.bootstrap import reference_data, shipped_calendar
    from services.gateway.web.views import Reader

    catalogue, stations = reference_data()
    return Reader(lang, catalogue, stations, calendar or shipped_calendar(), today or china_date(NOW))
