"""The platform's services and the package they share (``services.common``)."""

import warnings

# eventlet imports dnspython, whose DNSSEC module touches cryptography's DSA class and so
# warns at every start of every process; the platform never uses DSA. Left in, the warning
# is the first thing a probe prints (orchestrators show it as the reason) and buries the
# line a supervisor's log tail should show.
warnings.filterwarnings("ignore", message="DSA is", module=r"dns\.")
