"""`python manage.py annual_report --kind deputy --deputy ID --year YYYY --format pdf --output PATH`

The annual report as a file. Each kind is one entry in KINDS (a function taking the parsed options and returning
(bytes, description)), so the reports issue adds its kinds (county, township, suggestions …) beside these."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from deputies.models import ActivityGroup, Person
from duties import archive
from organization.models import Area


def _deputy(options) -> tuple[bytes, str]:
    if not options.get("deputy"):
        raise CommandError("--kind deputy 需要 --deputy ID")
    person = Person.objects.filter(pk=options["deputy"]).first()
    if person is None:
        raise CommandError(f"没有 ID 为 {options['deputy']} 的代表")
    data = archive.build(person, archive.Period.for_year(options["year"]), include_pending=False)
    title = f"{person.name}代表{options['year']}年度履职档案"
    return archive.render_archives_pdf([data], title=title), title


def _bundle(persons, label: str, year: int) -> tuple[bytes, str]:
    period = archive.Period.for_year(year)
    archives = [archive.build(p, period, include_pending=False) for p in persons.order_by("name_initials", "pk")]
    if not archives:
        raise CommandError(f"{label}没有代表")
    title = f"{label}{year}年度代表履职档案汇编"
    return archive.render_archives_pdf(archives, title=title), title


def _group(options) -> tuple[bytes, str]:
    group = ActivityGroup.objects.filter(pk=options.get("group") or 0).first()
    if group is None:
        raise CommandError("--kind group 需要有效的 --group ID")
    return _bundle(Person.objects.filter(memberships__group=group).distinct(), group.name, options["year"])


def _township(options) -> tuple[bytes, str]:
    area = Area.objects.filter(pk=options.get("township") or 0, level=Area.Level.TOWNSHIP).first()
    if area is None:
        raise CommandError("--kind township 需要有效的 --township ID（镇街区划）")
    return _bundle(Person.objects.filter(township=area), area.name, options["year"])


# kind → (formats it supports, builder)
KINDS = {
    "deputy": (("pdf",), _deputy),
    "group": (("pdf",), _group),
    "township": (("pdf",), _township),
}


class Command(BaseCommand):
    help = "生成年度报告文件（一人一册履职档案等）。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="报告种类")
        parser.add_argument("--year", type=int, default=timezone.localdate().year, help="年度，默认今年")
        parser.add_argument("--format", default="pdf", help="文件格式（目前为 pdf）")
        parser.add_argument("--output", required=True, help="输出文件路径")
        parser.add_argument("--deputy", type=int, help="代表 ID（--kind deputy）")
        parser.add_argument("--group", type=int, help="代表小组 ID（--kind group）")
        parser.add_argument("--township", type=int, help="镇街区划 ID（--kind township）")

    def handle(self, *args, **options):
        formats, build = KINDS[options["kind"]]
        if options["format"] not in formats:
            raise CommandError(f"{options['kind']} 报告只支持：{'、'.join(formats)}")
        content, title = build(options)
        path = Path(options["output"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"已生成“{title}”：{path}（{len(content) // 1024} KB）"))
