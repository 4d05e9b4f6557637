#!/bin/bash
# NAT instance on Amazon Linux 2023: forward and masquerade traffic from the VPC, then report every
# minute whether it does; a CloudWatch alarm fires when the report says 0 or stops arriving.
set -euo pipefail
exec > >(tee -a /var/log/nat-setup.log) 2>&1

# Swap before dnf: on a 512 MiB t4g.nano, dnf's repository metadata alone can wake the OOM killer
# (amazon-linux-2023 issue 404), which would leave the private subnets without egress. dd, not
# fallocate: swapon refuses a file with holes on XFS, the root file system of Amazon Linux 2023.
if ! grep -q '^/swapfile ' /proc/swaps; then
    if [ ! -f /swapfile ]; then
        dd if=/dev/zero of=/swapfile bs=1M count={{ swap_mib }} status=none
        chmod 0600 /swapfile
        mkswap /swapfile
    fi
    swapon /swapfile
fi
grep -q '^/swapfile ' /etc/fstab || echo '/swapfile none swap defaults 0 0' >> /etc/fstab

# A mirror can fail once; three tries, then give up (the forwarding alarm reports it).
for attempt in 1 2 3; do
    if dnf install -y iptables-services; then
        break
    fi
    if [ "${attempt}" -eq 3 ]; then
        echo "dnf install failed three times; this instance does not forward" >&2
        exit 1
    fi
    sleep 20
done

cat > /etc/sysctl.d/90-nat.conf <<'SYSCTL'
net.ipv4.ip_forward = 1
net.ipv4.conf.all.send_redirects = 0
SYSCTL
sysctl --system

iface="$(ip route show default | awk '{print $5; exit}')"
iptables -t nat -F POSTROUTING
iptables -t nat -A POSTROUTING -o "${iface}" -s "{{ vpc_cidr }}" -j MASQUERADE
iptables -F FORWARD
iptables -A FORWARD -s "{{ vpc_cidr }}" -j ACCEPT
iptables -A FORWARD -d "{{ vpc_cidr }}" -m state --state ESTABLISHED,RELATED -j ACCEPT
iptables -P FORWARD DROP
# What `service iptables save` does, without depending on the service wrapper: iptables-services
# restores this file at every boot.
iptables-save > /etc/sysconfig/iptables
systemctl enable --now iptables

# Heartbeat: 1 while forwarding and masquerading are in place, else 0. Nothing arrives when this
# set-up died before here or the instance is down; the alarm treats missing data as broken.
cat > /usr/local/sbin/nat-heartbeat <<'HEARTBEAT'
#!/bin/bash
set -uo pipefail
imds() {
    local token
    token="$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')"
    curl -fsS -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/meta-data/$1"
}
iface="$(ip route show default | awk '{print $5; exit}')"
ready=0
if [ "$(sysctl -n net.ipv4.ip_forward)" = "1" ] \
    && iptables -t nat -C POSTROUTING -o "${iface}" -s "{{ vpc_cidr }}" -j MASQUERADE 2>/dev/null \
    && iptables -C FORWARD -s "{{ vpc_cidr }}" -j ACCEPT 2>/dev/null; then
    ready=1
fi
aws cloudwatch put-metric-data --region "$(imds placement/region)" --namespace "{{ metric_namespace }}" \
    --metric-name "{{ metric_name }}" --dimensions "InstanceId=$(imds instance-id)" --value "${ready}"
HEARTBEAT
chmod 0755 /usr/local/sbin/nat-heartbeat
cat > /etc/systemd/system/nat-heartbeat.service <<'UNIT'
[Unit]
Description=Report to CloudWatch whether this NAT instance forwards the VPC's traffic

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/nat-heartbeat
UNIT
cat > /etc/systemd/system/nat-heartbeat.timer <<'UNIT'
[Unit]
Description=NAT heartbeat every minute

[Timer]
OnBootSec=1min
OnUnitActiveSec=1min
AccuracySec=5s

[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now nat-heartbeat.timer
echo "NAT set-up finished"
