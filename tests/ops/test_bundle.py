"""make bundle / install-offline.sh: the bundle installs into an empty virtualenv with pip's network disabled
(--no-index), and the installed application passes its checks."""

from __future__ import annotations

import subprocess
import tarfile

import pytest

from .conftest import script_env


def test_the_bundle_installs_offline_into_an_empty_environment(tmp_path):
    dist = tmp_path / "dist"
    built = subprocess.run(
        ["bash", "scripts/bundle.sh"],
        env=script_env(DIST=dist, VERSION="test"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if (
        built.returncode != 0
        and "pip" in built.stderr
        and ("Could not find" in built.stderr or "network" in built.stderr)
    ):
        pytest.skip("no package index reachable to download the wheels: " + built.stderr[-300:])
    assert built.returncode == 0, built.stderr[-3000:]
    archive = dist / "renda-bundle-test.tar.gz"
    assert built.stdout.strip().endswith(str(archive))

    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    bundle = tmp_path / "unpacked" / "renda-bundle-test"
    assert (bundle / "app" / "manage.py").exists()
    assert (bundle / "app" / "static" / "vendor" / "htmx.min.js").exists()
    assert (bundle / "docker-compose.yml").exists()
    assert any(p.name.lower().startswith("django-5.2") for p in (bundle / "wheels").iterdir())

    target = tmp_path / "server"
    installed = subprocess.run(
        ["bash", str(bundle / "install-offline.sh")],
        env=script_env(TARGET=target, SYSTEMD="0", PIP_NO_INDEX="1", PIP_CONFIG_FILE="/dev/null"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    python = target / ".venv" / "bin" / "python"
    version = subprocess.run(
        [str(python), "-c", "import django; print(django.get_version())"], capture_output=True, text=True, timeout=60
    )
    assert version.stdout.strip().startswith("5.2")
    check = subprocess.run(
        [str(python), "manage.py", "check"],
        cwd=target,
        env=script_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr[-3000:]
    assert "System check identified" in check.stdout + check.stderr
