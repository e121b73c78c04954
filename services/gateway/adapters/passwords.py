"""Password hashes (argon2id, argon2-cffi's defaults): only their hashes are stored."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Passwords:
    def __init__(self) -> None:
        self._hasher = PasswordHasher()
        # Verifying against a fixed hash when the username is unknown keeps a wrong
        # username as slow as a wrong password, so timing does not reveal which exist.
        self._dummy = self._hasher.hash("not a password anyone has")

    def hash(self, password: str) -> str:
        hashed: str = self._hasher.hash(password)
        return hashed

    def match(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(password_hash, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def spend_time_on(self, password: str) -> bool:
        """As long as checking a real account's password; always False."""
        self.match(self._dummy, password)
        return False


PASSWORDS = Passwords()  # one hasher for the process: its parameters are fixed
