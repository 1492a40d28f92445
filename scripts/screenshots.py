"""`make screenshots`: the main screens of the demo as PNG files in docs/screenshots/ (linked from the README).

Builds the demo county (`seed_demo`) into a throwaway SQLite file, as `make run` does, serves it with runserver on a
free loopback port, logs in through the login page as each role and photographs the pages with Debian's Chromium
driven by Playwright. SCREENSHOTS_DB=path keeps and reuses the demo database between runs.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Renda@Demo2026"  # every demo login (README, "Demo logins")
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 1000}  # a tall phone screen: the page and its fixed bottom bar in one picture


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args, capture=False) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture)
    return result.stdout if capture else ""


def demo_env(db: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="1",  # runserver serves the static files, as in `make run`
        DATABASE_URL=f"sqlite:///{db}",
        CELERY_TASK_ALWAYS_EAGER="1",
        CACHE_BACKEND="locmem",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(db.parent / "media"),
        PYTHONWARNINGS="ignore",
    )
    return env


IDS = """
from suggestions.models import Suggestion
from stations.public import public_stations
s = (Suggestion.objects.filter(state__in=["rated", "answered", "closed"]).exclude(assignments=None)
     .order_by("-state", "pk").first())
print(s.pk, public_stations().order_by("pk").first().pk)
"""


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the demo server did not answer at {url}")


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"could not log in as {username}: {page.locator('main').inner_text()[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: run `make system-deps` (Debian's chromium package).")

    tmp = Path(tempfile.mkdtemp(prefix="renda-screenshots-"))
    db = Path(os.environ["SCREENSHOTS_DB"]).resolve() if os.environ.get("SCREENSHOTS_DB") else tmp / "demo.sqlite3"
    env = demo_env(db)
    server = None
    try:
        fresh = not db.exists() or db.stat().st_size == 0
        print("Building the demo database (about a minute) …" if fresh else f"Using the demo database {db}")
        manage(env, "migrate", "--noinput", "-v0")
        if fresh:
            manage(env, "seed_demo", capture=True)
        suggestion_id, station_id = manage(env, "shell", "-v0", "-c", IDS, capture=True).split()[-2:]

        port = free_port()
        server = subprocess.Popen(
            [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/accounts/login/")

        from playwright.sync_api import sync_playwright

        shots = [
            # (file, login or None, phone?, url)
            ("staff-dashboard.png", "staff", False, "/"),
            ("suggestion-detail.png", "staff", False, f"/suggestions/{suggestion_id}/"),
            ("unit-todo.png", "unit", False, "/suggestions/todo/"),
            ("deputy-home-phone.png", "deputy", True, "/"),
            ("public-station.png", None, True, f"/public/stations/{station_id}/"),
            ("report-suggestion-stats.png", "staff", False, "/stats/suggestions/"),
        ]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            contexts = {}
            for name, who, phone, url in shots:
                key = (who, phone)
                if key not in contexts:
                    context = browser.new_context(
                        base_url=base,
                        viewport=PHONE if phone else DESKTOP,
                        device_scale_factor=2 if phone else 1,
                        is_mobile=phone,
                        has_touch=phone,
                        locale="zh-CN",
                        timezone_id="Asia/Shanghai",
                    )
                    page = context.new_page()
                    if who:
                        log_in(page, who)
                    contexts[key] = page
                page = contexts[key]
                response = page.goto(url)
                if response is None or response.status != 200:
                    raise SystemExit(f"{url} answered {response.status if response else 'nothing'}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / name))  # one screenful: the files stay small
                print(f"{out / name}  ({(out / name).stat().st_size // 1024} KB)  {url}")
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
