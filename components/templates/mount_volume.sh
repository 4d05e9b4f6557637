# Wait for the EBS volume ${DEVICE} (attached at boot or just after), format it once (XFS) and mount it at
# {{ mount_path }} by UUID, also after reboots.
for attempt in $(seq 1 90); do
    [ -e "${DEVICE}" ] && break
    echo "waiting for ${DEVICE} (${attempt})"
    sleep 2
done
[ -e "${DEVICE}" ] || DEVICE={{ fallback_device }}
blkid "${DEVICE}" >/dev/null || mkfs -t xfs "${DEVICE}"
VOLUME_UUID="$(blkid -s UUID -o value "${DEVICE}")"
mkdir -p {{ mount_path }}
grep -qs "^UUID=${VOLUME_UUID} " /etc/fstab || echo "UUID=${VOLUME_UUID} {{ mount_path }} xfs defaults,nofail 0 2" >> /etc/fstab
mountpoint -q {{ mount_path }} || mount {{ mount_path }}
