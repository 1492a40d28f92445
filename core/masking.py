"""Masking of personal data for roles that do not need it (个人信息保护法: least privilege)."""

import re


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234."""
    if not phone:
        return ""
    digits = re.sub(r"\s", "", phone)
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "****"


def mask_id_number(id_number: str) -> str:
    """An 18-character ID number keeps its first 6 and last 2 characters: 110105**********1X."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 8) + id_number[-2:]


_COUNTY_END = re.compile(r"[县区旗市]")
_BELOW_COUNTY = re.compile(r"乡|镇|街道|村|社区|路|街|号|弄|巷|组")


def mask_address(address: str) -> str:
    """Keep the address down to the district/county: 某省某市某县城关镇幸福路3号 → 某省某市某县****."""
    if not address:
        return ""
    below = _BELOW_COUNTY.search(address)
    head = address[: below.start()] if below else address
    ends = [m.end() for m in _COUNTY_END.finditer(head)]
    if ends:
        return address[: ends[-1]] + "****"
    return address[:3] + "****"


def mask_text(value: str) -> str:
    """For sensitive categorical values (宗教, 政治面貌) that a role may not see at all."""
    return "***" if value else ""
