#!/bin/bash
# NAT instance on Amazon Linux 2023: forward and masquerade traffic from the VPC.
set -euo pipefail

dnf install -y iptables-services
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
service iptables save
systemctl enable --now iptables
