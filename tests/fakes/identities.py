"""Which credit codes have a verified enterprise account, read from an account repository
at every question (the gateway's VerifiedEnterpriseDirectory keeps the answer per process)."""


class AccountsAsIdentities:
    def __init__(self, accounts):
        self.accounts = accounts
        self.changes = 0

    def has_verified_account(self, uscc):
        account = self.accounts.get_or_none(uscc)
        return account is not None and account.role == "enterprise" and account.may_sign_in

    def changed(self):
        self.changes += 1
