"""`python manage.py annual_report --year YYYY --kind suggestions|deputies|unit|deputy [--unit ID|--deputy ID]
--format pdf|xlsx --output PATH` (also group|township bundles of 一人一册 archives, PDF).

The annual report as a file, built synchronously by the same builder as the Celery task (reports.builders). Each kind
is one entry in KINDS (a function taking the parsed options and returning (bytes, description)). Moved here from
duties (which added deputy/group/township); the old kinds work as before."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from deputies.models import ActivityGroup, Person
from duties import archive
from organization.models import Area, Congress, HandlingUnit
from reports import builders
from reports.models import Kind


def _congress(options) -> Congress:
    if options.get("congress"):
        congress = Congress.objects.filter(pk=options["congress"]).first()
    else:
        congress = Congress.objects.filter(is_managed=True, parent__isnull=True).order_by("pk").first()
    if congress is None:
        raise CommandError("没有找到人大，请用 --congress ID 指定")
    return congress


def _build(kind: str, options, **subject) -> tuple[bytes, str]:
    try:
        built = builders.build(kind, options["year"], options["format"], **subject)
    except builders.BuildError as exc:
        raise CommandError(str(exc)) from exc
    return built.content, built.title


def _suggestions(options) -> tuple[bytes, str]:
    return _build(Kind.SUGGESTIONS, options, congress=_congress(options))


def _deputies(options) -> tuple[bytes, str]:
    return _build(Kind.DEPUTIES, options, congress=_congress(options))


def _unit(options) -> tuple[bytes, str]:
    unit = HandlingUnit.objects.select_related("congress").filter(pk=options.get("unit") or 0).first()
    if unit is None:
        raise CommandError("--kind unit 需要有效的 --unit ID（承办单位）")
    return _build(Kind.UNIT, options, congress=unit.congress, unit=unit)


def _deputy(options) -> tuple[bytes, str]:
    if not options.get("deputy"):
        raise CommandError("--kind deputy 需要 --deputy ID")
    person = Person.objects.filter(pk=options["deputy"]).first()
    if person is None:
        raise CommandError(f"没有 ID 为 {options['deputy']} 的代表")
    return _build(Kind.DEPUTY, options, congress=None, person=person)


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
    "suggestions": (("pdf", "xlsx"), _suggestions),
    "deputies": (("pdf", "xlsx"), _deputies),
    "unit": (("pdf", "xlsx"), _unit),
    "deputy": (("pdf", "xlsx"), _deputy),
    "group": (("pdf",), _group),
    "township": (("pdf",), _township),
}


class Command(BaseCommand):
    help = "生成年度报告文件（一人一册履职档案等）。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="报告种类")
        parser.add_argument("--year", type=int, default=timezone.localdate().year, help="年度，默认今年")
        parser.add_argument("--format", default="pdf", choices=["pdf", "xlsx"], help="文件格式")
        parser.add_argument("--output", required=True, help="输出文件路径")
        parser.add_argument("--deputy", type=int, help="代表 ID（--kind deputy）")
        parser.add_argument("--unit", type=int, help="承办单位 ID（--kind unit）")
        parser.add_argument("--congress", type=int, help="人大 ID（默认本平台的县级人大）")
        parser.add_argument("--group", type=int, help="代表小组 ID（--kind group）")
        parser.add_argument("--township", type=int, help="镇街区划 ID（--kind township）")

    def handle(self, *args, **options):
        formats, build = KINDS[options["kind"]]
        if options["format"] not in formats:
            raise CommandError(f"{options['kind']} 报告只支持：{'、'.join(formats)}")
        content, title = build(options)
        path = Path(options["output"])
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the destination and renamed into place: never a half-written file under the final name.
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(content)
        partial.replace(path)
        self.stdout.write(self.style.SUCCESS(f"已生成“{title}”：{path}（{len(content) // 1024} KB）"))
