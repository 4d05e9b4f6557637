# The server's data volume at {{ mount_path }}: reused in this AZ, restored from the newest snapshot, or created
# (components/handlers/server_boot.py).
VOLUME_ID="$(python3 "/opt/${APP}/server_boot.py" volume --tag-key {{ tag_key }} --tag-value {{ tag_value }} \
    --size {{ size_gib }} --instance "${INSTANCE_ID}" --zone "${AVAILABILITY_ZONE}" --device {{ device }})"
# Nitro instances expose EBS as NVMe; udev names the device after the volume id.
DEVICE="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${VOLUME_ID//-/}"
{{ mount_commands }}
