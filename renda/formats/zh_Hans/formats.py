"""zh-hans formats of the project: Django's, except that ISO dates come first for input. The first input format is
also the one a DateInput renders its value in, and <input type="date"> accepts only YYYY-MM-DD: with Django's
"%Y/%m/%d" first, a date field's initial or saved value was shown empty in the browser (and had to be typed again)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
