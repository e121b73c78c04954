"""Shared test data: the intake contract's example body and helpers around it."""

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


def dispatch_envelope(code, item, domain, details, enterprise=None):
    """The ``request_dispatched`` event the gateway sends a domain service."""
    from services.common.envelope import new_envelope

    work = {"code": code, "item": item, "domain": domain, "station": "321322",
            "enterprise": enterprise or {"name": JL02_BODY["enterprise"]["name"], "uscc": JL02_BODY["enterprise"]["uscc"]},
            "contact": JL02_BODY["contact"], "details": details}
    return new_envelope("gateway", "request_dispatched", work, request_code=code, route=domain)
