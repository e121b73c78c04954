"""Who may act as a domain operator (the laboratory's endpoints are in ``lab.py``).

Until accounts arrive (issue 6) an operator presents the shared ``OPERATOR_API_KEY``.
"""

import hmac

from ...common.config import secret
from ..errors import Unauthorized


def require_operator(request):
    presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not presented or not hmac.compare_digest(presented, secret("OPERATOR_API_KEY")):
        raise Unauthorized()

