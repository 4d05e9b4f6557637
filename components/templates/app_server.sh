#!/bin/bash
# Python application server bootstrap on Amazon Linux 2023, rendered by components/app_fleet.py.
# Order: instance metadata (IMDSv2) -> packages -> log shipping -> the application's code
#        -> the component's commands (configure and start the service).
set -euo pipefail
exec > >(tee -a /var/log/app-bootstrap.log) 2>&1

APP={{ app_name }}
LOG_GROUP={{ log_group_name }}

# IMDSv2: every metadata read carries a short-lived session token (the launch template requires it).
imds() {
    local token
    token="$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')"
    curl -fsS -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/meta-data/$1"
}
AWS_REGION="$(imds placement/region)"
INSTANCE_ID="$(imds instance-id)"
AVAILABILITY_ZONE="$(imds placement/availability-zone)"
export AWS_REGION INSTANCE_ID AVAILABILITY_ZONE
export AWS_DEFAULT_REGION="${AWS_REGION}"
echo "bootstrapping ${APP} on ${INSTANCE_ID} in ${AVAILABILITY_ZONE}"

# The system Python (3.9) with the distribution's boto3: nothing is fetched from outside AWS's repositories.
dnf install -y python3 python3-boto3 amazon-cloudwatch-agent {{ packages }}

# Ship the bootstrap log and the application's logs to the component's log group.
install -d -m 0755 "/var/log/${APP}"
cat > /opt/aws/amazon-cloudwatch-agent/etc/app.json <<CWAGENT
{
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          {"file_path": "/var/log/app-bootstrap.log", "log_group_name": "${LOG_GROUP}", "log_stream_name": "{instance_id}/bootstrap"},
          {"file_path": "/var/log/${APP}/*.log", "log_group_name": "${LOG_GROUP}", "log_stream_name": "{instance_id}/${APP}"}
        ]
      }
    }
  }
}
CWAGENT
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
    -c file:/opt/aws/amazon-cloudwatch-agent/etc/app.json

# The application's Python modules, a gzipped tar archive (in the user data, or in S3 when larger).
install -d -m 0755 "/opt/${APP}"
{{ fetch_code }}

{{ commands }}
echo "bootstrap of ${APP} on ${INSTANCE_ID} finished"
