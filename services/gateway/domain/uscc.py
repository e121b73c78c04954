"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character set (digits and capitals without I, O, S, V, Z);
the last is a check character over the first 17 with weights 3^i mod 31.
"""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


class InvalidCreditCode(ValueError):
    """``reason`` is one of: length, charset, check."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(text: str) -> str:
    """The code in canonical form (upper case, no spaces); raises :class:`InvalidCreditCode`."""
    code = "".join(text.split()).upper()
    if len(code) != LENGTH:
        raise InvalidCreditCode("length")
    if any(char not in CHARSET for char in code):
        raise InvalidCreditCode("charset")
    if check_character(code[:17]) != code[17]:
        raise InvalidCreditCode("check")
    return code
