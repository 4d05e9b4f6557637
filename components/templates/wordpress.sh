#!/bin/bash
# Default application of the web fleet: WordPress as in the book (chapter 2), on Amazon Linux 2023.
# WordPress core lives on each instance; wp-content (uploads, themes, plugins) and the shared
# secret keys live on the shared file system, so every instance serves the same site. One
# instance installs, guarded by a lock directory on the shared file system, as the book does.
# Environment from the web server bootstrap: DB_SECRET_ARN DB_HOST DB_PORT DB_NAME DB_USER SHARED_DIR SITE_URL AWS_REGION.
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

# Trust the RDS certificate authorities system-wide: PHP's mysqlnd verifies the database's certificate
# against OpenSSL's default store (no openssl.cafile is set), which update-ca-trust rebuilds from here.
curl -fsSL -o /etc/pki/ca-trust/source/anchors/rds-global-bundle.pem https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
grep -q 'BEGIN CERTIFICATE' /etc/pki/ca-trust/source/anchors/rds-global-bundle.pem
update-ca-trust

curl -fsSL -o /usr/local/bin/wp "https://github.com/wp-cli/wp-cli/releases/download/v${WP_CLI_VERSION}/wp-cli-${WP_CLI_VERSION}.phar"
chmod 0755 /usr/local/bin/wp
wp() {
    /usr/local/bin/wp --path="${DOCROOT}" --allow-root "$@"
}

# WordPress connects as its own database user, not as the master user: IAM authenticates it with
# tokens the instance role signs (rds-db:connect), so no password of it exists anywhere, and the
# weekly rotation of the master password never interrupts the site. The master credentials are
# read once per boot, straight from Secrets Manager into PHP, to create (or repair) that user.
install -d -m 0750 -o root -g apache /etc/wordpress
{
    printf 'AWS_REGION=%q\n' "${AWS_REGION}"
    printf 'DB_HOST=%q\n' "${DB_HOST}"
    printf 'DB_PORT=%q\n' "${DB_PORT}"
    printf 'DB_USER=%q\n' "${DB_USER}"
} > /etc/wordpress/credentials.env
chmod 0600 /etc/wordpress/credentials.env
install -d -m 0700 /usr/local/lib/wordpress
cat > /usr/local/lib/wordpress/db-user.php <<'DBUSER'
<?php
// Create WordPress's database user from the master credentials (JSON on stdin), authenticated by IAM
// only, over TLS only, with every right on WordPress's own database and none elsewhere.
$secret = json_decode((string) stream_get_contents(STDIN), true);
if (!is_array($secret) || !is_string($secret['username'] ?? null) || !is_string($secret['password'] ?? null)) {
    fwrite(STDERR, "the database secret holds no username and password\n");
    exit(1);
}
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
try {
    $db = mysqli_init();
    // Verify the server certificate against the RDS CAs in the system trust store, and its name.
    $db->real_connect((string) getenv('DB_HOST'), $secret['username'], $secret['password'], '', (int) getenv('DB_PORT'), null,
        MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT);
    $user = "'" . $db->real_escape_string((string) getenv('DB_USER')) . "'@'%'";
    $database = '`' . str_replace('`', '``', (string) getenv('DB_NAME')) . '`';
    $db->query("CREATE USER IF NOT EXISTS $user IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
    $db->query("ALTER USER $user IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
    $db->query("GRANT ALL PRIVILEGES ON $database.* TO $user");
    $db->close();
} catch (mysqli_sql_exception $error) {
    // The message only: a stack trace would print the arguments, the master password among them, into the shipped log.
    fwrite(STDERR, 'database: ' . $error->getMessage() . "\n");
    exit(1);
}
DBUSER
# The master password may be mid-rotation: read the secret again and retry before giving up.
for attempt in 1 2 3 4 5; do
    if aws secretsmanager get-secret-value --region "${AWS_REGION}" --secret-id "${DB_SECRET_ARN}" --query SecretString --output text \
        | php /usr/local/lib/wordpress/db-user.php; then
        break
    fi
    if [ "${attempt}" -eq 5 ]; then
        echo "could not create the database user ${DB_USER}" >&2
        exit 1
    fi
    sleep 30
done

# IAM authentication tokens live 15 minutes, and no longer than the instance role's credentials,
# which the instance metadata renews at least 5 minutes before they expire. A new token every
# 2 minutes is always valid; WordPress reads the file (never cached by opcache) per connection.
cat > /usr/local/sbin/wordpress-db-token <<'TOKEN'
#!/bin/bash
# Write a fresh IAM authentication token for WordPress's database user; replace the file atomically.
set -euo pipefail
# shellcheck source=/dev/null
source /etc/wordpress/credentials.env
next="$(mktemp /etc/wordpress/db-token.XXXXXX)"
trap 'rm -f "${next}"' EXIT
aws rds generate-db-auth-token --region "${AWS_REGION}" --hostname "${DB_HOST}" --port "${DB_PORT}" --username "${DB_USER}" > "${next}"
# An empty or partial answer must never replace a working token.
grep -q 'X-Amz-Signature=' "${next}"
chown root:apache "${next}"
chmod 0640 "${next}"
mv -f "${next}" /etc/wordpress/db-token
TOKEN
chmod 0700 /usr/local/sbin/wordpress-db-token
/usr/local/sbin/wordpress-db-token
cat > /etc/systemd/system/wordpress-db-token.service <<'UNIT'
[Unit]
Description=Renew the IAM authentication token of WordPress's database user

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/wordpress-db-token
UNIT
cat > /etc/systemd/system/wordpress-db-token.timer <<'UNIT'
[Unit]
Description=Renew WordPress's database token every 2 minutes (tokens live 15)

[Timer]
OnBootSec=2min
OnUnitActiveSec=2min
AccuracySec=10s

[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now wordpress-db-token.timer

# A PHP string literal for any value, escaped by PHP itself.
php_literal() {
    PHP_VALUE="$1" php -r 'echo var_export(getenv("PHP_VALUE"), true);'
}
{
    echo '<?php'
    echo "define('DB_NAME', $(php_literal "${DB_NAME}"));"
    echo "define('DB_USER', $(php_literal "${DB_USER}"));"
    echo "define('DB_HOST', $(php_literal "${DB_HOST}:${DB_PORT}"));"
    echo "define('WORDPRESS_SITE_URL', $(php_literal "${SITE_URL}"));"
    echo "require $(php_literal "${SHARED_WP}/salts.php");"
} > /etc/wordpress/config.php
chown root:apache /etc/wordpress/config.php
chmod 0640 /etc/wordpress/config.php

mkdir -p "${DOCROOT}"
wp core download --version="${WP_VERSION}" --locale=en_US --force
cat > "${DOCROOT}/wp-config.php" <<'PHP'
<?php
// Written by the web fleet bootstrap: names and keys are included, the database token read per request.
require '/etc/wordpress/config.php';
define('DB_PASSWORD', trim((string) file_get_contents('/etc/wordpress/db-token')));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
// TLS, and the server certificate verified: against the RDS CAs in the system trust store, for DB_HOST.
define('MYSQL_CLIENT_FLAGS', MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_VERIFY_SERVER_CERT);
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
