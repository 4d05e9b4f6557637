#!/bin/bash
# Default application of the web fleet: WordPress as in the book (chapter 2), on Amazon Linux 2023.
# WordPress core lives on each instance; wp-content (uploads, themes, plugins) and the shared
# secret keys live on the shared file system, so every instance serves the same site. One
# instance installs, guarded by a lock directory on the shared file system, as the book does.
# Environment from the web server bootstrap: DB_SECRET_ARN DB_HOST DB_PORT DB_NAME SHARED_DIR SITE_URL AWS_REGION.
set -euo pipefail

PHP={{ php_package }}
WP_VERSION={{ wordpress_version }}
WP_CLI_VERSION={{ wp_cli_version }}
SITE_TITLE={{ site_title }}
ADMIN_USER={{ admin_user }}
ADMIN_EMAIL={{ admin_email }}
DOCROOT=/var/www/html
SHARED_WP="${SHARED_DIR}/wordpress"
LOCK_DIR="${SHARED_DIR}/wordpress-install.lock"
DONE_MARKER="${SHARED_WP}/.installed"

dnf install -y "${PHP}" "${PHP}-cli" "${PHP}-fpm" "${PHP}-mysqlnd" "${PHP}-gd" "${PHP}-mbstring" "${PHP}-xml" "${PHP}-intl" "${PHP}-opcache"
# PHP files change only with a new launch template: let opcache check them rarely (the book uses 300 s).
echo 'opcache.revalidate_freq=300' > /etc/php.d/90-wordpress-opcache.ini

# Trust the RDS certificate authorities so WordPress talks TLS to the database and verifies it.
curl -fsSL -o /etc/pki/ca-trust/source/anchors/rds-global-bundle.pem https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
update-ca-trust

curl -fsSL -o /usr/local/bin/wp "https://github.com/wp-cli/wp-cli/releases/download/v${WP_CLI_VERSION}/wp-cli-${WP_CLI_VERSION}.phar"
chmod 0755 /usr/local/bin/wp
wp() {
    /usr/local/bin/wp --path="${DOCROOT}" --allow-root "$@"
}

# Database credentials: read from Secrets Manager, kept in a file only root and apache can read.
# RDS rotates the managed master password (every 7 days by default), so a timer re-reads the
# secret every 2 minutes and rewrites the file when it changed; WordPress includes it per request.
install -d -m 0750 -o root -g apache /etc/wordpress
{
    printf 'DB_SECRET_ARN=%q\n' "${DB_SECRET_ARN}"
    printf 'AWS_REGION=%q\n' "${AWS_REGION}"
    printf 'DB_NAME=%q\n' "${DB_NAME}"
    printf 'DB_ENDPOINT=%q\n' "${DB_HOST}:${DB_PORT}"
} > /etc/wordpress/credentials.env
chmod 0600 /etc/wordpress/credentials.env
cat > /usr/local/sbin/wordpress-db-credentials <<'CREDENTIALS'
#!/bin/bash
# Write /etc/wordpress/db.php from the database secret; replace it atomically, only when it changed.
set -euo pipefail
# shellcheck source=/dev/null
source /etc/wordpress/credentials.env
php_literal() {
    PHP_VALUE="$1" php -r 'echo var_export(getenv("PHP_VALUE"), true);'
}
secret="$(aws secretsmanager get-secret-value --region "${AWS_REGION}" --secret-id "${DB_SECRET_ARN}" --query SecretString --output text)"
# jq -e fails on a missing field, and an assignment stops the script (inside echo it would not).
user="$(jq -er .username <<<"${secret}")"
credential="$(jq -er .password <<<"${secret}")"
unset secret
next="$(mktemp /etc/wordpress/db.php.XXXXXX)"
{
    echo '<?php'
    echo "define('DB_NAME', $(php_literal "${DB_NAME}"));"
    echo "define('DB_USER', $(php_literal "${user}"));"
    echo "define('DB_PASSWORD', $(php_literal "${credential}"));"
    echo "define('DB_HOST', $(php_literal "${DB_ENDPOINT}"));"
} > "${next}"
unset credential
chown root:apache "${next}"
chmod 0640 "${next}"
if cmp -s "${next}" /etc/wordpress/db.php; then
    rm -f "${next}"
else
    mv -f "${next}" /etc/wordpress/db.php
fi
CREDENTIALS
chmod 0700 /usr/local/sbin/wordpress-db-credentials
/usr/local/sbin/wordpress-db-credentials
cat > /etc/systemd/system/wordpress-db-credentials.service <<'UNIT'
[Unit]
Description=Refresh the WordPress database credentials from Secrets Manager

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/wordpress-db-credentials
UNIT
cat > /etc/systemd/system/wordpress-db-credentials.timer <<'UNIT'
[Unit]
Description=Refresh the WordPress database credentials every 2 minutes (RDS rotates the password)

[Timer]
OnBootSec=2min
OnUnitActiveSec=2min

[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now wordpress-db-credentials.timer

# A PHP string literal for any value, escaped by PHP itself.
php_literal() {
    PHP_VALUE="$1" php -r 'echo var_export(getenv("PHP_VALUE"), true);'
}
{
    echo '<?php'
    echo "require '/etc/wordpress/db.php';"
    echo "define('WORDPRESS_SITE_URL', $(php_literal "${SITE_URL}"));"
    echo "require $(php_literal "${SHARED_WP}/salts.php");"
} > /etc/wordpress/config.php
chown root:apache /etc/wordpress/config.php
chmod 0640 /etc/wordpress/config.php

mkdir -p "${DOCROOT}"
wp core download --version="${WP_VERSION}" --locale=en_US --force
cat > "${DOCROOT}/wp-config.php" <<'PHP'
<?php
// Written by the web fleet bootstrap: credentials and keys are included, never stored here.
require '/etc/wordpress/config.php';
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL);
$table_prefix = 'wp_';
// TLS ends before this server: CloudFront says what the viewer used in CloudFront-Forwarded-Proto
// (it may reach the load balancer over HTTP), the load balancer in X-Forwarded-Proto. Without this,
// WordPress would redirect https logins to https forever.
$viewer_proto = $_SERVER['HTTP_CLOUDFRONT_FORWARDED_PROTO'] ?? $_SERVER['HTTP_X_FORWARDED_PROTO'] ?? '';
if ($viewer_proto === 'https') {
    $_SERVER['HTTPS'] = 'on';
}
if (WORDPRESS_SITE_URL !== '') {
    define('WP_HOME', WORDPRESS_SITE_URL);
    define('WP_SITEURL', WORDPRESS_SITE_URL);
} elseif (isset($_SERVER['HTTP_HOST'])) {
    $home = (isset($_SERVER['HTTPS']) && $_SERVER['HTTPS'] === 'on' ? 'https://' : 'http://') . $_SERVER['HTTP_HOST'];
    define('WP_HOME', $home);
    define('WP_SITEURL', $home);
}
define('DISALLOW_FILE_EDIT', true);
if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
PHP

install_once() {
    mkdir -p "${SHARED_WP}"
    if [ ! -d "${SHARED_WP}/wp-content" ]; then
        # No ownership preservation: an EFS access point may enforce its own POSIX user.
        cp -R "${DOCROOT}/wp-content" "${SHARED_WP}/wp-content"
    fi
    # The same keys on every instance, or a login breaks when the next request lands elsewhere.
    if [ ! -f "${SHARED_WP}/salts.php" ]; then
        {
            echo '<?php'
            for key in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
                echo "define('${key}', '$(openssl rand -hex 32)');"
            done
        } > "${SHARED_WP}/salts.php"
    fi
    chown -R apache:apache "${SHARED_WP}"
    chmod 0640 "${SHARED_WP}/salts.php"
    if ! wp core is-installed; then
        # The admin password is random and never stored: set your own through Session Manager
        # (wp user update <admin> --prompt=user_pass) or the lost-password mail.
        wp core install --url="${SITE_URL:-http://localhost}" --title="${SITE_TITLE}" --admin_user="${ADMIN_USER}" \
            --admin_email="${ADMIN_EMAIL}" --admin_password="$(openssl rand -base64 24)" --skip-email
    fi
    touch "${DONE_MARKER}"
}

# One installer at a time across the fleet: mkdir is atomic on the shared file system.
for _ in $(seq 1 90); do
    if [ -e "${DONE_MARKER}" ]; then
        break
    fi
    if mkdir "${LOCK_DIR}" 2>/dev/null; then
        trap 'rmdir "${LOCK_DIR}"' EXIT
        install_once
        rmdir "${LOCK_DIR}"
        trap - EXIT
        break
    fi
    # A lock older than 20 minutes belongs to an installer that died: release it so another can try.
    if [ -n "$(find "${LOCK_DIR}" -maxdepth 0 -mmin +20 2>/dev/null)" ]; then
        rmdir "${LOCK_DIR}" || true
    fi
    sleep 10
done
if [ ! -e "${DONE_MARKER}" ]; then
    echo "WordPress was not installed within 15 minutes; giving up so the group replaces this instance" >&2
    exit 1
fi

rm -rf "${DOCROOT}/wp-content"
ln -s "${SHARED_WP}/wp-content" "${DOCROOT}/wp-content"
chown -R apache:apache "${DOCROOT}"

cat > /etc/httpd/conf.d/wordpress.conf <<'HTTPD'
<Directory "/var/www/html">
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
HTTPD
systemctl enable --now php-fpm
