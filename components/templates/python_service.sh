# A Python module run as a systemd service by an unprivileged user (rendered by components/app_fleet.py).
SERVICE={{ service_name }}
id -u "${SERVICE}" >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin "${SERVICE}"
chown "${SERVICE}" "/var/log/${APP}"
cat > "/etc/${SERVICE}.env" <<'ENVIRONMENT_EOF'
{{ environment }}
ENVIRONMENT_EOF
chmod 0644 "/etc/${SERVICE}.env"
cat > "/etc/systemd/system/${SERVICE}.service" <<UNIT
[Unit]
Description=${SERVICE} (AWS in Action)
After=network-online.target
Wants=network-online.target

[Service]
User=${SERVICE}
EnvironmentFile=/etc/${SERVICE}.env
Environment=AWS_DEFAULT_REGION=${AWS_REGION}
WorkingDirectory=/opt/${APP}
ExecStart=/usr/bin/python3 /opt/${APP}/{{ module }} {{ arguments }}
Restart=always
RestartSec=5
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=/var/log/${APP}
StandardOutput=append:/var/log/${APP}/${SERVICE}.log
StandardError=inherit

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now "${SERVICE}"
