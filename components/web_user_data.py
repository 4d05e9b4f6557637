"""User data of the web fleet, rendered from components/templates/web_server.sh and an application bootstrap.

Every value is shell-quoted before it is placed in the script; no database password is among them
(the instances read the master secret from Secrets Manager at boot; WordPress connects with IAM tokens).
"""

import re
from dataclasses import dataclass

from .user_data import render_template, within_user_data_limit

WEB_SERVER_TEMPLATE = "web_server.sh"
"""Template of the generic web server bootstrap."""
WORDPRESS_TEMPLATE = "wordpress.sh"
"""Template of the default application bootstrap (WordPress, book chapter 2)."""
APP_BOOTSTRAP_DELIMITER = "APP_BOOTSTRAP_EOF"
"""Heredoc delimiter that embeds the application bootstrap in the user data."""
WORDPRESS_VERSION = "6.8.1"
"""WordPress release the default bootstrap installs."""
WP_CLI_VERSION = "2.11.0"
"""wp-cli release the default bootstrap downloads from GitHub."""
PHP_PACKAGE = "php8.3"
"""Amazon Linux 2023 PHP package family the default bootstrap installs."""


@dataclass(frozen=True)
class WebUserData:
    """Plain values the user data is rendered from (outputs are resolved before rendering)."""

    db_secret_arn: str
    db_host: str
    db_port: int
    db_name: str
    db_user: str
    shared_dir: str
    site_url: str
    app_port: int
    health_check_path: str
    log_group_name: str
    mount_commands: str
    app_bootstrap: str


def shell_literal(value: object) -> str:
    """`value` as one single-quoted shell word (always quoted, so shellcheck never mistakes it for a command)."""
    return "'" + str(value).replace("'", "'\"'\"'") + "'"


def check_app_bootstrap(script: str, argument: str) -> None:
    """The application bootstrap is shell text that must not end the heredoc it is embedded in."""
    if not isinstance(script, str) or not script.strip():
        raise ValueError(f"{argument}: must be the text of a shell script, got {script!r}")
    if any(line.strip() == APP_BOOTSTRAP_DELIMITER for line in script.splitlines()):
        raise ValueError(f"{argument}: must not contain a line {APP_BOOTSTRAP_DELIMITER!r}, which ends the embedded script")


def wordpress_bootstrap(
    wordpress_version: str = WORDPRESS_VERSION,
    wp_cli_version: str = WP_CLI_VERSION,
    php_package: str = PHP_PACKAGE,
    site_title: str = "AWS in Action",
    admin_user: str = "admin",
    admin_email: str = "admin@example.com",
) -> str:
    """The default application bootstrap: WordPress with wp-content on the shared file system."""
    for argument, value, pattern in (
        ("wordpress_version", wordpress_version, r"\d+\.\d+(\.\d+)?"),
        ("wp_cli_version", wp_cli_version, r"\d+\.\d+\.\d+"),
        ("php_package", php_package, r"php8\.\d"),
        ("admin_user", admin_user, r"[A-Za-z0-9_.@-]{1,60}"),
        ("admin_email", admin_email, r"[^@\s]+@[^@\s]+\.[^@\s]+"),
    ):
        if not re.fullmatch(pattern, value):
            raise ValueError(f"{argument}: {value!r} is malformed")
    values = {
        "wordpress_version": wordpress_version,
        "wp_cli_version": wp_cli_version,
        "php_package": php_package,
        "site_title": site_title,
        "admin_user": admin_user,
        "admin_email": admin_email,
    }
    return render_template(WORDPRESS_TEMPLATE, {k: shell_literal(v) for k, v in values.items()})


def render_web_user_data(values: WebUserData) -> str:
    """The complete user-data script; refuses a result EC2 would not accept."""
    check_app_bootstrap(values.app_bootstrap, "app_bootstrap")
    quoted = {
        name: shell_literal(getattr(values, name))
        for name in (
            "db_secret_arn", "db_host", "db_port", "db_name", "db_user", "shared_dir", "site_url",
            "app_port", "health_check_path", "log_group_name",
        )
    }
    script = render_template(
        WEB_SERVER_TEMPLATE,
        {**quoted, "mount_commands": values.mount_commands.rstrip("\n"), "app_bootstrap": values.app_bootstrap.rstrip("\n")},
    )
    return within_user_data_limit(script, "app_bootstrap: the user data")
