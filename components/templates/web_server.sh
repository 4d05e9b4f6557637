#!/bin/bash
# Web server bootstrap on Amazon Linux 2023, rendered by components/web_user_data.py.
# Order: instance metadata (IMDSv2) -> packages -> log shipping -> shared file system
#        -> application bootstrap -> /healthz -> httpd. A failure stops the script before
#        httpd starts, so the load balancer never sends traffic to a half-built server.
set -euo pipefail
exec > >(tee -a /var/log/web-bootstrap.log) 2>&1

# What the application needs to find its database and shared files. No database password is
# here: the application reads the master secret from Secrets Manager at boot, and connects as
# DB_USER with IAM authentication when the fleet is given the database's resource ID.
export DB_SECRET_ARN={{ db_secret_arn }}
export DB_HOST={{ db_host }}
export DB_PORT={{ db_port }}
export DB_NAME={{ db_name }}
export DB_USER={{ db_user }}
export SHARED_DIR={{ shared_dir }}
export SITE_URL={{ site_url }}
export APP_PORT={{ app_port }}
LOG_GROUP={{ log_group_name }}
HEALTH_CHECK_PATH={{ health_check_path }}

# IMDSv2: every metadata read carries a short-lived session token (the launch template requires it).
imds() {
    local token
    token="$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')"
    curl -fsS -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/meta-data/$1"
}
AWS_REGION="$(imds placement/region)"
INSTANCE_ID="$(imds instance-id)"
export AWS_REGION INSTANCE_ID
export AWS_DEFAULT_REGION="${AWS_REGION}"
echo "bootstrapping ${INSTANCE_ID} in ${AWS_REGION}"

dnf install -y httpd jq amazon-cloudwatch-agent

# Ship the bootstrap and web server logs to the fleet's own log group.
cat > /opt/aws/amazon-cloudwatch-agent/etc/web-fleet.json <<CWAGENT
{
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          {"file_path": "/var/log/web-bootstrap.log", "log_group_name": "${LOG_GROUP}", "log_stream_name": "{instance_id}/bootstrap"},
          {"file_path": "/var/log/httpd/access_log", "log_group_name": "${LOG_GROUP}", "log_stream_name": "{instance_id}/httpd-access"},
          {"file_path": "/var/log/httpd/error_log", "log_group_name": "${LOG_GROUP}", "log_stream_name": "{instance_id}/httpd-error"}
        ]
      }
    }
  }
}
CWAGENT
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
    -c file:/opt/aws/amazon-cloudwatch-agent/etc/web-fleet.json

# Shared file system: the lines below come from the data tier (empty without one).
mkdir -p "${SHARED_DIR}"
{{ mount_commands }}

# The application bootstrap (default: WordPress) runs with the environment exported above.
install -d -m 0700 /opt/web-fleet
cat > /opt/web-fleet/app-bootstrap.sh <<'APP_BOOTSTRAP_EOF'
{{ app_bootstrap }}
APP_BOOTSTRAP_EOF
chmod 0700 /opt/web-fleet/app-bootstrap.sh
bash /opt/web-fleet/app-bootstrap.sh

# The health check answers 200 only now that the application is in place.
if [ "${APP_PORT}" != "80" ]; then
    echo "Listen ${APP_PORT}" > /etc/httpd/conf.d/00-listen.conf
fi
install -d -m 0755 /var/www/healthz
echo ok > /var/www/healthz/index.html
cat > /etc/httpd/conf.d/00-healthz.conf <<HEALTHZ
Alias "${HEALTH_CHECK_PATH}" "/var/www/healthz/index.html"
<Directory "/var/www/healthz">
    Require all granted
</Directory>
HEALTHZ
systemctl enable httpd
systemctl restart httpd
echo "bootstrap of ${INSTANCE_ID} finished"
