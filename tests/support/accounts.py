"""Accounts for end-to-end tests, made as an administrator makes them: with the command
line (``python -m services.gateway.cli.accounts``) against the running stack's database."""

import subprocess
import sys
import uuid

from services.common.devstack import ROOT
from services.gateway.domain.uscc import check_character


def accounts_command(stack, *args, password=None):
    """Run ``services.gateway.cli.accounts`` with ``args`` (a password on stdin if given)."""
    done = subprocess.run([sys.executable, "-m", "services.gateway.cli.accounts", *args],
                          input=f"{password}\n" if password is not None else "", text=True, capture_output=True,
                          cwd=ROOT, env=stack.service_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def new_staff(stack, station="321322", password="a-long-password-1"):
    """A station account of a test's own: (username, password)."""
    username = f"staff-{uuid.uuid4().hex[:8]}"
    accounts_command(stack, "create", "--username", username, "--role", "staff", "--station", station,
                     "--name", "测试工作人员", password=password)
    return username, password


def new_uscc(division="321322"):
    """A valid credit code nobody has used: 91 (an enterprise), the division, 9 random characters."""
    first17 = f"91{division}MA" + uuid.uuid4().hex[:7].upper().translate(str.maketrans("IOSVZ", "12345"))
    return first17 + check_character(first17)


def new_enterprise(stack, name="宿迁市测试企业有限公司", password="enterprise-password-1"):
    """An enterprise account made with the command line (verified, as such accounts are):
    (credit code, password)."""
    uscc = new_uscc()
    accounts_command(stack, "create", "--username", uscc, "--role", "enterprise", "--name", name, password=password)
    return uscc, password
