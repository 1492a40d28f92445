"""python manage.py import_deputies FILE.xlsx [--dry-run] [--congress ID]"""

from django.core.management.base import BaseCommand, CommandError

from deputies import importing
from organization.models import Congress


class Command(BaseCommand):
    help = "从 Excel 导入代表名册（先检查每一行，有任何错误则不写入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="用导入模板填写的 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--congress", type=int, help="导入到哪个人大（ID）；只有一个最高层级的本平台人大时可省略")

    def handle(self, *args, **options):
        congress = self._congress(options["congress"])
        try:
            with open(options["file"], "rb") as fh:
                result = importing.run(
                    fh, congress=congress, actor=None, dry_run=options["dry_run"], filename=options["file"]
                )
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{options['file']}") from exc
        except importing.ImportRejected as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"文件有{len(result.errors)}处错误，未写入任何数据。")
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"检查通过：共{result.rows}行，未写入（--dry-run）。"))
        else:
            self.stdout.write(self.style.SUCCESS(f"导入完成到{congress}。{result.summary}。"))

    def _congress(self, pk):
        if pk is not None:
            congress = Congress.objects.filter(pk=pk, is_managed=True).first()
            if congress is None:
                raise CommandError(f"没有 ID 为 {pk} 的本平台人大。")
            return congress
        tops = list(Congress.objects.filter(is_managed=True).exclude(parent__is_managed=True))
        if len(tops) != 1:
            names = "、".join(f"{c.pk}={c}" for c in tops) or "无"
            raise CommandError(f"请用 --congress 指定导入到哪个人大（可选：{names}）。")
        return tops[0]
