# Mount the shared EFS file system {{ file_system_id }} at {{ mount_path }} through access point
# {{ access_point_id }}, encrypted in transit (amazon-efs-utils with tls) and signed with the instance role
# (iam), so the role's ClientMount/ClientWrite grant applies. The fstab entry remounts it
# after a reboot; _netdev waits for the network.
dnf install -y amazon-efs-utils
mkdir -p "{{ mount_path }}"
if ! grep -qs "^{{ file_system_id }}:/ {{ mount_path }} efs " /etc/fstab; then
  echo "{{ file_system_id }}:/ {{ mount_path }} efs _netdev,tls,accesspoint={{ access_point_id }},iam 0 0" >> /etc/fstab
fi
# The mount target of this AZ may still be starting when the instance boots: retry for up to 5 minutes.
for attempt in $(seq 1 30); do
  if mountpoint -q "{{ mount_path }}" || mount "{{ mount_path }}"; then
    break
  fi
  echo "EFS mount attempt ${attempt} failed; retrying in 10 seconds" >&2
  sleep 10
done
mountpoint -q "{{ mount_path }}"
