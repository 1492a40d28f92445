"""Load the office's holiday table from a CSV file: date,is_workday,name (a header row is optional).

    2027-01-01,0,元旦
    2027-02-06,1,春节调休上班

is_workday: 1/0, true/false, 是/否, 上班/放假. Every row is checked before anything is saved; an existing date is
updated. Encoding UTF-8 (with or without BOM) or GBK (as saved by Excel).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import audit
from core.models import Holiday

TRUE = {"1", "true", "yes", "y", "是", "上班", "班", "调休上班", "工作日"}
FALSE = {"0", "false", "no", "n", "否", "放假", "休", "假", "休息日", "节假日"}


def parse_rows(text: str) -> list[tuple[dt.date, bool, str]]:
    rows, errors = [], []
    for lineno, raw in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        if lineno == 1 and cells[0].lower() in {"date", "日期"}:
            continue
        if len(cells) < 2:
            errors.append(f"第{lineno}行：应有“日期,是否上班,名称”三列")
            continue
        try:
            day = dt.date.fromisoformat(cells[0].replace("/", "-"))
        except ValueError:
            errors.append(f"第{lineno}行：日期“{cells[0]}”无法识别，应为 YYYY-MM-DD")
            continue
        flag = cells[1].lower()
        if flag in TRUE:
            is_workday = True
        elif flag in FALSE:
            is_workday = False
        else:
            errors.append(f"第{lineno}行：是否上班“{cells[1]}”无法识别，应为 1（调休上班）或 0（放假）")
            continue
        name = cells[2] if len(cells) > 2 else ""
        if len(name) > 30:
            errors.append(f"第{lineno}行：名称不能超过30个字")
            continue
        rows.append((day, is_workday, name))
    seen: dict[dt.date, int] = {}
    for index, (day, _, _) in enumerate(rows):
        if day in seen:
            errors.append(f"日期 {day} 重复出现")
        seen[day] = index
    if errors:
        raise CommandError("导入失败，未保存任何记录：\n" + "\n".join(errors))
    if not rows:
        raise CommandError("文件中没有节假日记录")
    return rows


def read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError("文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV")


class Command(BaseCommand):
    help = "导入节假日安排（CSV：date,is_workday,name）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 文件路径")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        rows = parse_rows(read_text(path))
        with transaction.atomic():
            existing = {h.date: h for h in Holiday.objects.filter(date__in=[r[0] for r in rows])}
            new, changed = [], []
            for day, is_workday, name in rows:
                holiday = existing.get(day)
                if holiday is None:
                    new.append(Holiday(date=day, is_workday=is_workday, name=name))
                elif (holiday.is_workday, holiday.name) != (is_workday, name):
                    holiday.is_workday, holiday.name = is_workday, name
                    changed.append(holiday)
            Holiday.objects.bulk_create(new)
            Holiday.objects.bulk_update(changed, ["is_workday", "name"])
            years = "、".join(str(y) for y in sorted({r[0].year for r in rows}))
            audit.record(
                actor=None,
                action="import",
                note=f"导入节假日安排 {path.name}：新增{len(new)}条，修改{len(changed)}条（{years}年）",
            )
        self.stdout.write(f"导入完成：新增 {len(new)} 条，修改 {len(changed)} 条，年份 {years}")
