"""Settings for the benchmark server: the project's settings plus a minimal baseline view (bench.urls).

Only used by bench/run.py, which sets BENCH=1; importing it otherwise fails, so the baseline view is never served by
a normal deployment."""

import os

from renda.settings import *  # noqa: F403

if os.environ.get("BENCH") != "1":
    raise RuntimeError("bench.settings is only for bench/run.py (BENCH=1)")

ROOT_URLCONF = "bench.urls"
# Collected by bench/run.py (the manifest storage needs it with DEBUG off).
STATIC_ROOT = BASE_DIR / "var" / "bench-static"  # noqa: F405
# Plain (not manifest) static storage: a front-end asset being rebuilt must not turn the pages under test into 500s.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}  # noqa: F405
