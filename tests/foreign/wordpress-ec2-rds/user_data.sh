#!/bin/bash
set -euo pipefail
dnf install -y httpd php8.3 php8.3-mysqlnd
cd /var/www/html
curl -sSL https://wordpress.org/latest.tar.gz | tar xz --strip-components=1
cp wp-config-sample.php wp-config.php
sed -i "s/database_name_here/${DB_NAME}/; s/username_here/${DB_USER}/; s/password_here/${DB_PASSWORD}/; s/localhost/${DB_HOST}/" wp-config.php
chown -R apache:apache /var/www/html
systemctl enable --now httpd
