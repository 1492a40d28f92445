"""Re-encrypt every ID number with the first key of FIELD_ENCRYPTION_KEYS (key rotation, docs/security.md).

1. Put the new key first: FIELD_ENCRYPTION_KEYS=<new>,<old>; restart; 2. run this command; 3. remove <old>.
Rows are rewritten in batches, each in its own transaction; running it twice changes nothing that matters.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import TOTPDevice
from core import crypto
from deputies.models import Person

BATCH = 500


class Command(BaseCommand):
    help = "用 FIELD_ENCRYPTION_KEYS 的第一个密钥重新加密全部身份证号"

    def handle(self, *args, **options):
        people = self._rotate(Person, "id_number_encrypted")
        secrets = self._rotate(TOTPDevice, "secret_encrypted")
        self.stdout.write(f"已用新密钥重新加密 {people} 个身份证号、{secrets} 个双因素认证密钥。")

    def _rotate(self, model, field: str) -> int:
        done = last = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update()
                    .filter(pk__gt=last)
                    .exclude(**{field: ""})
                    .order_by("pk")
                    .only("pk", field)[:BATCH]
                )
                if not rows:
                    return done
                for row in rows:
                    setattr(row, field, crypto.rotate(getattr(row, field)))
                model.objects.bulk_update(rows, [field])
                done += len(rows)
                last = rows[-1].pk
