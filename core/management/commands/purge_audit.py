"""Remove audit entries older than AUDIT_RETENTION_DAYS (default 3 years, never below 183 days).

The only way rows leave core_auditentry: the append-only trigger lets this transaction delete rows older than the
cutoff it announces with SET LOCAL, and nothing newer. The purge itself is written to the audit log.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from core import audit
from core.models import AuditEntry

MIN_DAYS = 183


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS）的审计记录"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, dry_run=False, **options):
        days = max(MIN_DAYS, int(settings.AUDIT_RETENTION_DAYS))
        cutoff = timezone.now() - dt.timedelta(days=days)
        old = AuditEntry.objects.filter(at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"将删除 {old.count()} 条 {cutoff:%Y-%m-%d} 之前的审计记录（保存 {days} 天）。")
            return
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('renda.audit_purge_before', %s, true)", [cutoff.isoformat()])
            deleted, _ = old.delete()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('renda.audit_purge_before', '', true)")
            audit.record(
                actor=None,
                action=AuditEntry.Action.SECURITY,
                note=f"按保存期限删除审计记录 {deleted} 条（{cutoff:%Y-%m-%d} 之前，保存 {days} 天）",
            )
        self.stdout.write(f"已删除 {deleted} 条审计记录。")
