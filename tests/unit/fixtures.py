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
