"""The installed check (`pip install "awsinaction-components[policies]"`) runs on this project in its own interpreter."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import policies

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHECK = Path(sys.executable).parent / "awsinaction-check"


def test_this_projects_policies_folder_is_its_own() -> None:
    assert policies.OWNER == "shop-platform"
    assert Path(policies.__file__).resolve().parent == PROJECT_DIR / "policies"


def test_the_check_is_installed_under_its_own_name() -> None:
    import awsinaction_policies

    location = Path(awsinaction_policies.__file__).resolve()
    assert location.is_relative_to(Path(sysconfig.get_paths()["purelib"]).resolve()), location
    assert (location.parent / "least_privilege" / "PulumiPolicy.yaml").is_file()


def test_console_script_checks_this_project_with_its_pack_config() -> None:
    done = subprocess.run([str(CHECK), "--stack", "dev", "--project", str(PROJECT_DIR)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "pack config: policies/config/dev.json" in done.stdout
    assert "PASS: 0 mandatory violation(s)" in done.stdout


def test_python_m_entry_point_reports_bad_usage_in_one_line() -> None:
    done = subprocess.run([sys.executable, "-m", "awsinaction_policies", "check"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--stack" in done.stderr
