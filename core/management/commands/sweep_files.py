"""Remove uploaded files that no record refers to (left by rolled-back uploads or deleted records)."""

import datetime as dt

from django.core.management.base import BaseCommand

from core import files


class Command(BaseCommand):
    help = "删除没有任何记录引用的上传文件（事务回滚或记录删除后遗留的文件）"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除")
        parser.add_argument("--hours", type=int, default=24, help="只删除早于多少小时的文件（默认 24）")

    def handle(self, *args, dry_run=False, hours=24, **options):
        result = files.sweep_orphans(grace=dt.timedelta(hours=max(1, hours)), dry_run=dry_run)
        for name in result.removed:
            self.stdout.write(f"{'将删除' if dry_run else '已删除'}：{name}")
        self.stdout.write(
            f"无引用文件 {len(result.removed)} 个{'（未删除）' if dry_run else ''}；"
            f"在用 {result.referenced} 个；不足 {hours} 小时暂留 {result.kept_young} 个。"
        )
