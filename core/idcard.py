"""Mainland resident ID numbers (GB 11643-1999): format, birth date and the ISO 7064 MOD 11-2 check character."""

import datetime as dt
import re

_PATTERN = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalise(value: str) -> str:
    return (value or "").strip().upper().replace("x", "X")


def validate(value: str) -> str | None:
    """Return None when valid, else a Chinese message saying what is wrong."""
    v = normalise(value)
    if not _PATTERN.match(v):
        return "身份证号应为18位，前17位为数字，最后一位为数字或X"
    try:
        birth = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if birth > dt.date.today() or birth.year < 1900:
        return "身份证号中的出生日期无效"
    if check_character(v[:17]) != v[17]:
        return "身份证号校验位错误"
    return None


def birth_date(value: str) -> dt.date | None:
    v = normalise(value)
    if validate(v):
        return None
    return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))


def gender(value: str) -> str:
    """'男' or '女' from the 17th digit."""
    v = normalise(value)
    return "男" if int(v[16]) % 2 else "女"
