"""Pinyin initials for search as offices type it: 'zw' finds 张伟."""

from pypinyin import Style, lazy_pinyin


def initials(text: str) -> str:
    if not text:
        return ""
    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore") if p).lower()
