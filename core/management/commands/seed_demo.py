"""`python manage.py seed_demo [--force]`: build the demo county (core.demo), then each app's demo data."""

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import demo

# Apps that add their own demo data on top of the county, in this order, when they provide `<app>.demo.seed`.
APP_SEEDS = ("suggestions.demo", "stations.demo", "training.demo", "duties.demo", "engagement.demo")


class Command(BaseCommand):
    help = "建立演示数据（虚构的青川县）。可重复运行：已有的数据不会改动。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="在 DEBUG 关闭时也运行（切勿用于生产数据库）")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG 未开启，疑似生产环境，拒绝写入演示数据。确需运行请加 --force。")
        # One transaction for everything: on SQLite that is one write to disk instead of thousands, and a failed
        # app seed leaves nothing half-built (running the command again starts clean).
        with transaction.atomic():
            demo.seed(self.stdout)
            for module_name in APP_SEEDS:
                if importlib.util.find_spec(module_name.split(".")[0]) is None:
                    continue
                if importlib.util.find_spec(module_name) is None:
                    continue
                module = importlib.import_module(module_name)
                if hasattr(module, "seed"):
                    module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪。所有演示账号的密码：{demo.d.PASSWORD}"))
