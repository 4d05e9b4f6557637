"""Keys, secrets and the audit trail: rotated KMS keys that stay manageable, rotated secrets, a trail nobody can forge."""

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from ._props import StackIndex, Verdicts, get, is_true, policy_config, present

KEY = "aws:kms/key:Key"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
TRAIL = "aws:cloudtrail/trail:Trail"


def validate_key_rotation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != KEY:
        return
    # AWS rotates only symmetric encryption keys; asymmetric and HMAC keys cannot rotate.
    spec = get(args.props, "customerMasterKeySpec", default="SYMMETRIC_DEFAULT")
    usage = get(args.props, "keyUsage", default="ENCRYPT_DECRYPT")
    if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT" or get(args.props, "customKeyStoreId"):
        return
    if not is_true(get(args.props, "enableKeyRotation")):
        report(
            "enableKeyRotation is not true (the provider's default is false): the same key material encrypts data "
            "for as long as the key lives. Fix: enable_key_rotation=True (AWS rotates yearly, or every rotation_period_in_days)."
        )


def validate_no_lockout_bypass(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type in (KEY, REPLICA_KEY, KEY_POLICY) and is_true(get(args.props, "bypassPolicyLockoutSafetyCheck")):
        report(
            "bypassPolicyLockoutSafetyCheck is true: AWS accepts a key policy that locks every administrator out, "
            "leaving data encrypted under a key nobody can manage. Fix: remove bypass_policy_lockout_safety_check."
        )


def validate_secret_rotation(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = StackIndex(args.resources)
    verdicts = Verdicts()

    def judge(secret: Any) -> None:
        rotations = stack.referrers(secret, (SECRET_ROTATION,), "secretId")
        if not rotations:
            report(
                "It is never rotated: a leaked value stays valid until someone notices. Fix: an "
                "aws.secretsmanager.SecretRotation with a rotation Lambda, or let the owning service manage it "
                "(RDS manage_master_user_password).",
                secret.urn,
            )

    verdicts.each(stack.of_type(SECRET), judge)
    verdicts.finish()


def validate_trail(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TRAIL:
        return
    cfg = policy_config(args, {"requireMultiRegion": True})
    if not is_true(get(args.props, "enableLogFileValidation")):
        report(
            "enableLogFileValidation is not true (default false): nobody can prove a log file was not altered or "
            "deleted after delivery. Fix: enable_log_file_validation=True."
        )
    if not present(args.props, "kmsKeyId"):
        report(
            "kmsKeyId is not set: the log files are encrypted with S3-managed keys, so anyone who can read the bucket "
            "reads the account's activity. Fix: kms_key_id=<a customer-managed key whose policy lets CloudTrail encrypt>."
        )
    if cfg["requireMultiRegion"] and not is_true(get(args.props, "isMultiRegionTrail")):
        report(
            "isMultiRegionTrail is not true (default false): activity in other regions goes unrecorded. "
            "Fix: is_multi_region_trail=True, or set requireMultiRegion false when another trail covers them."
        )


POLICIES = [
    ResourceValidationPolicy(
        name="kms-key-rotation",
        description="Symmetric KMS keys rotate their key material automatically.",
        validate=validate_key_rotation,
        remediation_steps="Set enable_key_rotation=True.",
    ),
    ResourceValidationPolicy(
        name="kms-no-lockout-bypass",
        description="No KMS key or key policy bypasses the policy lockout safety check.",
        validate=validate_no_lockout_bypass,
        remediation_steps="Remove bypass_policy_lockout_safety_check.",
    ),
    StackValidationPolicy(
        name="secrets-rotation",
        description="Every Secrets Manager secret has a rotation schedule.",
        validate=validate_secret_rotation,
        enforcement_level=EnforcementLevel.ADVISORY,
        remediation_steps="Add an aws.secretsmanager.SecretRotation, or let the service manage the secret.",
    ),
    ResourceValidationPolicy(
        name="cloudtrail-secure",
        description="CloudTrail trails validate log files, encrypt them with KMS and cover every region.",
        validate=validate_trail,
        config_schema=PolicyConfigSchema(
            properties={
                "requireMultiRegion": {
                    "type": "boolean",
                    "default": True,
                    "description": "Require is_multi_region_trail (false when an organization or other trail covers the other regions).",
                }
            }
        ),
        remediation_steps="enable_log_file_validation=True, kms_key_id, is_multi_region_trail=True.",
    ),
]
