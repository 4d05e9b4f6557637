# The server's data volume at {{ mount_path }}: reused in this AZ, restored from the newest snapshot, or created
# (components/handlers/server_boot.py), then formatted once (XFS) and mounted by UUID.
VOLUME_ID="$(python3 "/opt/${APP}/server_boot.py" volume --tag-key {{ tag_key }} --tag-value {{ tag_value }} \
    --size {{ size_gib }} --instance "${INSTANCE_ID}" --zone "${AVAILABILITY_ZONE}" --device {{ device }})"
# Nitro instances expose EBS as NVMe; udev names the device after the volume id.
DEVICE="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${VOLUME_ID//-/}"
for attempt in $(seq 1 60); do
    [ -e "${DEVICE}" ] && break
    echo "waiting for ${DEVICE} (${attempt})"
    sleep 2
done
[ -e "${DEVICE}" ] || DEVICE={{ device }}
blkid "${DEVICE}" >/dev/null || mkfs -t xfs "${DEVICE}"
VOLUME_UUID="$(blkid -s UUID -o value "${DEVICE}")"
mkdir -p {{ mount_path }}
grep -qs "^UUID=${VOLUME_UUID} " /etc/fstab || echo "UUID=${VOLUME_UUID} {{ mount_path }} xfs defaults,nofail 0 2" >> /etc/fstab
mountpoint -q {{ mount_path }} || mount {{ mount_path }}
