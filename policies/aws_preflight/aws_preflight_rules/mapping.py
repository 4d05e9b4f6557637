"""Where each Pulumi property lands in CloudFormation, so cfn-lint can judge the value.

One entry per Pulumi type token. Paths are dotted: Pulumi paths in camelCase as the engine passes them,
CloudFormation paths as the registry schemas spell them; `[]` stands for every element of a list (the
same element on both sides), `[0]` on the CloudFormation side for a fixed element. Only properties whose
values AWS constrains are mapped: references to other resources (IDs, ARNs), tags (checked by the limits
table) and documents are left out, so mocked or unknown IDs never reach cfn-lint.

A type whose properties carry nothing cfn-lint checks has an entry without a CloudFormation type and says
why; a test fails when a type our components create has no entry at all.
"""

from dataclasses import dataclass, field
from typing import Mapping, Optional


@dataclass(frozen=True)
class TypeMapping:
    """How one Pulumi resource type's values land in one CloudFormation resource type."""

    cfn_type: str
    """CloudFormation type, e.g. AWS::EC2::SecurityGroup; "" when nothing is checked."""
    properties: Mapping[str, str] = field(default_factory=dict)
    """Pulumi path -> CloudFormation path."""
    computed_twins: Mapping[str, str] = field(default_factory=dict)
    """Pulumi path -> output holding the value AWS resolved; when both are equal the value is AWS's own and skipped."""
    sensitive: frozenset[str] = frozenset()
    """Pulumi paths whose values a message never repeats (they may hold secrets)."""
    reason: str = ""
    """Why nothing is checked (entries without a CloudFormation type)."""


def unchecked(reason: str) -> TypeMapping:
    """An explicit entry for a type with nothing cfn-lint could check."""
    return TypeMapping("", {}, reason=reason)


_SECURITY_GROUP_RULE = {
    "fromPort": "FromPort",
    "toPort": "ToPort",
}
_LISTENER_ACTION = {
    "type": "Type",
    "order": "Order",
    "redirect.statusCode": "RedirectConfig.StatusCode",
    "redirect.protocol": "RedirectConfig.Protocol",
    "redirect.host": "RedirectConfig.Host",
    "redirect.path": "RedirectConfig.Path",
    "redirect.query": "RedirectConfig.Query",
    "fixedResponse.statusCode": "FixedResponseConfig.StatusCode",
    "fixedResponse.contentType": "FixedResponseConfig.ContentType",
    "fixedResponse.messageBody": "FixedResponseConfig.MessageBody",
}


def _prefixed(pulumi_prefix: str, cfn_prefix: str, paths: Mapping[str, str]) -> dict[str, str]:
    return {f"{pulumi_prefix}.{p}": f"{cfn_prefix}.{c}" for p, c in paths.items()}


_LOAD_BALANCER = TypeMapping(
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    {"loadBalancerType": "Type", "ipAddressType": "IpAddressType"},
)
_TARGET_GROUP = TypeMapping(
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    {
        "port": "Port",
        "protocol": "Protocol",
        "targetType": "TargetType",
        "ipAddressType": "IpAddressType",
        "healthCheck.path": "HealthCheckPath",
        "healthCheck.protocol": "HealthCheckProtocol",
        "healthCheck.interval": "HealthCheckIntervalSeconds",
        "healthCheck.timeout": "HealthCheckTimeoutSeconds",
        "healthCheck.healthyThreshold": "HealthyThresholdCount",
        "healthCheck.unhealthyThreshold": "UnhealthyThresholdCount",
    },
)
_LISTENER = TypeMapping(
    "AWS::ElasticLoadBalancingV2::Listener",
    {"port": "Port", "protocol": "Protocol", **_prefixed("defaultActions[]", "DefaultActions[]", _LISTENER_ACTION)},
)
_LISTENER_RULE = TypeMapping(
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    {
        "priority": "Priority",
        **_prefixed("actions[]", "Actions[]", _LISTENER_ACTION),
        "conditions[].pathPattern.values": "Conditions[].PathPatternConfig.Values",
    },
)
_SECURITY_GROUP_INGRESS = TypeMapping("AWS::EC2::SecurityGroupIngress", _SECURITY_GROUP_RULE)
_RDS_NAMES = {"identifier": "DBInstanceIdentifier", "username": "MasterUsername"}

MAPPINGS: dict[str, TypeMapping] = {
    # Certificates, DNS, CDN
    "aws:acm/certificate:Certificate": TypeMapping(
        "AWS::CertificateManager::Certificate",
        {"options.certificateTransparencyLoggingPreference": "CertificateTransparencyLoggingPreference"},
    ),
    "aws:acm/certificateValidation:CertificateValidation": unchecked("no CloudFormation counterpart; it only waits for validation"),
    "aws:route53/record:Record": TypeMapping(
        "AWS::Route53::RecordSet", {"name": "Name", "setIdentifier": "SetIdentifier", "failoverRoutingPolicies[0].type": "Failover"}
    ),
    "aws:route53/zone:Zone": TypeMapping("AWS::Route53::HostedZone", {"name": "Name", "comment": "HostedZoneConfig.Comment"}),
    "aws:route53/healthCheck:HealthCheck": TypeMapping(
        "AWS::Route53::HealthCheck",
        {
            "type": "HealthCheckConfig.Type",
            "failureThreshold": "HealthCheckConfig.FailureThreshold",
            "requestInterval": "HealthCheckConfig.RequestInterval",
            "port": "HealthCheckConfig.Port",
            "resourcePath": "HealthCheckConfig.ResourcePath",
            "fqdn": "HealthCheckConfig.FullyQualifiedDomainName",
            "searchString": "HealthCheckConfig.SearchString",
            "regions": "HealthCheckConfig.Regions",
        },
    ),
    "aws:cloudfront/distribution:Distribution": TypeMapping(
        "AWS::CloudFront::Distribution",
        {
            "aliases": "DistributionConfig.Aliases",
            "comment": "DistributionConfig.Comment",
            "httpVersion": "DistributionConfig.HttpVersion",
            "priceClass": "DistributionConfig.PriceClass",
            "defaultRootObject": "DistributionConfig.DefaultRootObject",
            "defaultCacheBehavior.viewerProtocolPolicy": "DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy",
            "orderedCacheBehaviors[].viewerProtocolPolicy": "DistributionConfig.CacheBehaviors[].ViewerProtocolPolicy",
            "orderedCacheBehaviors[].pathPattern": "DistributionConfig.CacheBehaviors[].PathPattern",
            "origins[].originId": "DistributionConfig.Origins[].Id",
            "origins[].connectionAttempts": "DistributionConfig.Origins[].ConnectionAttempts",
            "origins[].connectionTimeout": "DistributionConfig.Origins[].ConnectionTimeout",
            "origins[].customOriginConfig.originProtocolPolicy": "DistributionConfig.Origins[].CustomOriginConfig.OriginProtocolPolicy",
            "origins[].customOriginConfig.originSslProtocols": "DistributionConfig.Origins[].CustomOriginConfig.OriginSSLProtocols",
            "origins[].customOriginConfig.httpPort": "DistributionConfig.Origins[].CustomOriginConfig.HTTPPort",
            "origins[].customOriginConfig.httpsPort": "DistributionConfig.Origins[].CustomOriginConfig.HTTPSPort",
            "origins[].customOriginConfig.originReadTimeout": "DistributionConfig.Origins[].CustomOriginConfig.OriginReadTimeout",
            "origins[].customOriginConfig.originKeepaliveTimeout": (
                "DistributionConfig.Origins[].CustomOriginConfig.OriginKeepaliveTimeout"
            ),
            "customErrorResponses[].errorCode": "DistributionConfig.CustomErrorResponses[].ErrorCode",
            "customErrorResponses[].responseCode": "DistributionConfig.CustomErrorResponses[].ResponseCode",
            "viewerCertificate.minimumProtocolVersion": "DistributionConfig.ViewerCertificate.MinimumProtocolVersion",
            "viewerCertificate.sslSupportMethod": "DistributionConfig.ViewerCertificate.SslSupportMethod",
            "restrictions.geoRestriction.restrictionType": "DistributionConfig.Restrictions.GeoRestriction.RestrictionType",
            "restrictions.geoRestriction.locations": "DistributionConfig.Restrictions.GeoRestriction.Locations",
        },
    ),
    "aws:cloudfront/originAccessControl:OriginAccessControl": TypeMapping(
        "AWS::CloudFront::OriginAccessControl",
        {
            "name": "OriginAccessControlConfig.Name",
            "description": "OriginAccessControlConfig.Description",
            "originAccessControlOriginType": "OriginAccessControlConfig.OriginAccessControlOriginType",
            "signingBehavior": "OriginAccessControlConfig.SigningBehavior",
            "signingProtocol": "OriginAccessControlConfig.SigningProtocol",
        },
    ),
    "aws:cloudfront/cachePolicy:CachePolicy": TypeMapping(
        "AWS::CloudFront::CachePolicy",
        {
            "name": "CachePolicyConfig.Name",
            "comment": "CachePolicyConfig.Comment",
            "defaultTtl": "CachePolicyConfig.DefaultTTL",
            "maxTtl": "CachePolicyConfig.MaxTTL",
            "minTtl": "CachePolicyConfig.MinTTL",
            "parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.cookieBehavior": (
                "CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig.CookieBehavior"
            ),
            "parametersInCacheKeyAndForwardedToOrigin.headersConfig.headerBehavior": (
                "CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig.HeaderBehavior"
            ),
            "parametersInCacheKeyAndForwardedToOrigin.queryStringsConfig.queryStringBehavior": (
                "CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig.QueryStringBehavior"
            ),
        },
    ),
    # Compute
    "aws:ec2/instance:Instance": TypeMapping(
        "AWS::EC2::Instance",
        {
            "instanceType": "InstanceType",
            "tenancy": "Tenancy",
            "instanceInitiatedShutdownBehavior": "InstanceInitiatedShutdownBehavior",
            "metadataOptions.httpEndpoint": "MetadataOptions.HttpEndpoint",
            "metadataOptions.httpTokens": "MetadataOptions.HttpTokens",
            "metadataOptions.httpPutResponseHopLimit": "MetadataOptions.HttpPutResponseHopLimit",
            "metadataOptions.instanceMetadataTags": "MetadataOptions.InstanceMetadataTags",
            "creditSpecification.cpuCredits": "CreditSpecification.CPUCredits",
            "ebsBlockDevices[].volumeType": "BlockDeviceMappings[].Ebs.VolumeType",
            "ebsBlockDevices[].volumeSize": "BlockDeviceMappings[].Ebs.VolumeSize",
            "ebsBlockDevices[].iops": "BlockDeviceMappings[].Ebs.Iops",
        },
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": TypeMapping(
        "AWS::EC2::LaunchTemplate",
        {
            "name": "LaunchTemplateName",
            "description": "VersionDescription",
            "instanceType": "LaunchTemplateData.InstanceType",
            "instanceInitiatedShutdownBehavior": "LaunchTemplateData.InstanceInitiatedShutdownBehavior",
            "metadataOptions.httpEndpoint": "LaunchTemplateData.MetadataOptions.HttpEndpoint",
            "metadataOptions.httpTokens": "LaunchTemplateData.MetadataOptions.HttpTokens",
            "metadataOptions.httpPutResponseHopLimit": "LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit",
            "metadataOptions.httpProtocolIpv6": "LaunchTemplateData.MetadataOptions.HttpProtocolIpv6",
            "metadataOptions.instanceMetadataTags": "LaunchTemplateData.MetadataOptions.InstanceMetadataTags",
            "creditSpecification.cpuCredits": "LaunchTemplateData.CreditSpecification.CpuCredits",
            "instanceMarketOptions.marketType": "LaunchTemplateData.InstanceMarketOptions.MarketType",
            "instanceMarketOptions.spotOptions.instanceInterruptionBehavior": (
                "LaunchTemplateData.InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior"
            ),
            "instanceMarketOptions.spotOptions.spotInstanceType": "LaunchTemplateData.InstanceMarketOptions.SpotOptions.SpotInstanceType",
            "blockDeviceMappings[].ebs.volumeType": "LaunchTemplateData.BlockDeviceMappings[].Ebs.VolumeType",
            "blockDeviceMappings[].ebs.volumeSize": "LaunchTemplateData.BlockDeviceMappings[].Ebs.VolumeSize",
            "blockDeviceMappings[].ebs.iops": "LaunchTemplateData.BlockDeviceMappings[].Ebs.Iops",
            "blockDeviceMappings[].ebs.throughput": "LaunchTemplateData.BlockDeviceMappings[].Ebs.Throughput",
            "tagSpecifications[].resourceType": "LaunchTemplateData.TagSpecifications[].ResourceType",
        },
    ),
    "aws:ec2/eipAssociation:EipAssociation": unchecked("only references: the address, the instance or network interface"),
    "aws:ec2/volumeAttachment:VolumeAttachment": TypeMapping("AWS::EC2::VolumeAttachment", {"deviceName": "Device"}),
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": TypeMapping("AWS::DLM::LifecyclePolicy", {"description": "Description", "state": "State"}),
    "aws:s3/bucketObjectv2:BucketObjectv2": unchecked("S3 objects have no CloudFormation resource; keys and sizes are S3's own limits"),
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": unchecked("a JSON document of source queues (on AWS::SQS::Queue in CloudFormation)"),
    "aws:ec2/keyPair:KeyPair": unchecked("a name and a public key, which CloudFormation does not constrain"),
    "aws:ebs/volume:Volume": TypeMapping(
        "AWS::EC2::Volume", {"type": "VolumeType", "size": "Size", "iops": "Iops", "throughput": "Throughput"}
    ),
    "aws:autoscaling/group:Group": TypeMapping(
        "AWS::AutoScaling::AutoScalingGroup",
        {
            "name": "AutoScalingGroupName",
            "minSize": "MinSize",
            "maxSize": "MaxSize",
            "desiredCapacity": "DesiredCapacity",
            "healthCheckType": "HealthCheckType",
            "terminationPolicies": "TerminationPolicies",
            "instanceMaintenancePolicy.minHealthyPercentage": "InstanceMaintenancePolicy.MinHealthyPercentage",
            "instanceMaintenancePolicy.maxHealthyPercentage": "InstanceMaintenancePolicy.MaxHealthyPercentage",
            "mixedInstancesPolicy.launchTemplate.overrides[].instanceType": "MixedInstancesPolicy.LaunchTemplate.Overrides[].InstanceType",
            "mixedInstancesPolicy.launchTemplate.overrides[].weightedCapacity": (
                "MixedInstancesPolicy.LaunchTemplate.Overrides[].WeightedCapacity"
            ),
        },
    ),
    "aws:autoscaling/policy:Policy": TypeMapping(
        "AWS::AutoScaling::ScalingPolicy",
        {
            "policyType": "PolicyType",
            "adjustmentType": "AdjustmentType",
            "metricAggregationType": "MetricAggregationType",
            "targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType": (
                "TargetTrackingConfiguration.PredefinedMetricSpecification.PredefinedMetricType"
            ),
        },
    ),
    "aws:autoscaling/schedule:Schedule": TypeMapping(
        "AWS::AutoScaling::ScheduledAction",
        {"scheduledActionName": "ScheduledActionName", "recurrence": "Recurrence", "timeZone": "TimeZone"},
    ),
    "aws:appautoscaling/target:Target": TypeMapping(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        {
            "serviceNamespace": "ServiceNamespace",
            "scalableDimension": "ScalableDimension",
            "minCapacity": "MinCapacity",
            "maxCapacity": "MaxCapacity",
        },
    ),
    "aws:appautoscaling/policy:Policy": TypeMapping(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "name": "PolicyName",
            "policyType": "PolicyType",
            "serviceNamespace": "ServiceNamespace",
            "scalableDimension": "ScalableDimension",
            "targetTrackingScalingPolicyConfiguration.targetValue": "TargetTrackingScalingPolicyConfiguration.TargetValue",
            "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType": (
                "TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType"
            ),
        },
    ),
    "aws:autoscaling/notification:Notification": unchecked("CloudFormation does not constrain notification types; the rest are references"),
    "aws:autoscaling/lifecycleHook:LifecycleHook": TypeMapping(
        "AWS::AutoScaling::LifecycleHook",
        {
            "name": "LifecycleHookName",
            "lifecycleTransition": "LifecycleTransition",
            "defaultResult": "DefaultResult",
            "heartbeatTimeout": "HeartbeatTimeout",
            "notificationMetadata": "NotificationMetadata",
        },
    ),
    "aws:lambda/function:Function": TypeMapping(
        "AWS::Lambda::Function",
        {
            "name": "FunctionName",
            "runtime": "Runtime",
            "handler": "Handler",
            "description": "Description",
            "memorySize": "MemorySize",
            "timeout": "Timeout",
            "architectures": "Architectures",
            "packageType": "PackageType",
            "reservedConcurrentExecutions": "ReservedConcurrentExecutions",
            "ephemeralStorage.size": "EphemeralStorage.Size",
            "tracingConfig.mode": "TracingConfig.Mode",
            "loggingConfig.logFormat": "LoggingConfig.LogFormat",
            "loggingConfig.applicationLogLevel": "LoggingConfig.ApplicationLogLevel",
            "loggingConfig.systemLogLevel": "LoggingConfig.SystemLogLevel",
            "environment.variables": "Environment.Variables",
        },
        sensitive=frozenset({"environment.variables"}),
    ),
    "aws:lambda/alias:Alias": TypeMapping(
        "AWS::Lambda::Alias", {"name": "Name", "description": "Description", "functionVersion": "FunctionVersion"}
    ),
    "aws:lambda/functionUrl:FunctionUrl": TypeMapping(
        "AWS::Lambda::Url",
        {
            "authorizationType": "AuthType",
            "invokeMode": "InvokeMode",
            "qualifier": "Qualifier",
            "cors.allowMethods": "Cors.AllowMethods",
            "cors.maxAge": "Cors.MaxAge",
        },
    ),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": TypeMapping(
        "AWS::Lambda::EventInvokeConfig",
        {"maximumEventAgeInSeconds": "MaximumEventAgeInSeconds", "maximumRetryAttempts": "MaximumRetryAttempts", "qualifier": "Qualifier"},
    ),
    "aws:lambda/permission:Permission": TypeMapping(
        "AWS::Lambda::Permission",
        {"action": "Action", "principal": "Principal", "sourceAccount": "SourceAccount", "functionUrlAuthType": "FunctionUrlAuthType"},
    ),
    "aws:lambda/eventSourceMapping:EventSourceMapping": TypeMapping(
        "AWS::Lambda::EventSourceMapping",
        {
            "batchSize": "BatchSize",
            "startingPosition": "StartingPosition",
            "maximumBatchingWindowInSeconds": "MaximumBatchingWindowInSeconds",
            "maximumRetryAttempts": "MaximumRetryAttempts",
            "maximumRecordAgeInSeconds": "MaximumRecordAgeInSeconds",
            "parallelizationFactor": "ParallelizationFactor",
            "functionResponseTypes": "FunctionResponseTypes",
            "scalingConfig.maximumConcurrency": "ScalingConfig.MaximumConcurrency",
        },
    ),
    "aws:ecs/cluster:Cluster": TypeMapping("AWS::ECS::Cluster", {"name": "ClusterName"}),
    "aws:ecs/service:Service": TypeMapping(
        "AWS::ECS::Service",
        {
            "name": "ServiceName",
            "launchType": "LaunchType",
            "schedulingStrategy": "SchedulingStrategy",
            "propagateTags": "PropagateTags",
            "deploymentController.type": "DeploymentController.Type",
            "networkConfiguration.assignPublicIp": "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
        },
    ),
    "aws:ecs/taskDefinition:TaskDefinition": TypeMapping(
        "AWS::ECS::TaskDefinition",
        {
            "family": "Family",
            "networkMode": "NetworkMode",
            "ipcMode": "IpcMode",
            "pidMode": "PidMode",
            "requiresCompatibilities": "RequiresCompatibilities",
            "cpu": "Cpu",
            "memory": "Memory",
            "runtimePlatform.cpuArchitecture": "RuntimePlatform.CpuArchitecture",
            "runtimePlatform.operatingSystemFamily": "RuntimePlatform.OperatingSystemFamily",
        },
    ),
    "aws:ecr/repository:Repository": TypeMapping(
        "AWS::ECR::Repository",
        {
            "name": "RepositoryName",
            "imageTagMutability": "ImageTagMutability",
            "encryptionConfigurations[0].encryptionType": "EncryptionConfiguration.EncryptionType",
        },
    ),
    "aws:eks/cluster:Cluster": TypeMapping(
        "AWS::EKS::Cluster",
        {
            "name": "Name",
            "version": "Version",
            "kubernetesNetworkConfig.ipFamily": "KubernetesNetworkConfig.IpFamily",
            "accessConfig.authenticationMode": "AccessConfig.AuthenticationMode",
            "upgradePolicy.supportType": "UpgradePolicy.SupportType",
        },
    ),
    "aws:eks/nodeGroup:NodeGroup": TypeMapping(
        "AWS::EKS::Nodegroup",
        {
            "amiType": "AmiType",
            "capacityType": "CapacityType",
            "scalingConfig.minSize": "ScalingConfig.MinSize",
            "scalingConfig.maxSize": "ScalingConfig.MaxSize",
            "scalingConfig.desiredSize": "ScalingConfig.DesiredSize",
            "updateConfig.maxUnavailable": "UpdateConfig.MaxUnavailable",
            "updateConfig.maxUnavailablePercentage": "UpdateConfig.MaxUnavailablePercentage",
            "taints[].effect": "Taints[].Effect",
            "taints[].key": "Taints[].Key",
            "taints[].value": "Taints[].Value",
        },
    ),
    # Network
    "aws:ec2/vpc:Vpc": TypeMapping("AWS::EC2::VPC", {"instanceTenancy": "InstanceTenancy"}),
    "aws:ec2/subnet:Subnet": unchecked("CIDRs and zones are validated by the provider; the rest are references"),
    "aws:ec2/internetGateway:InternetGateway": unchecked("only a reference to the VPC"),
    "aws:ec2/eip:Eip": TypeMapping("AWS::EC2::EIP", {"domain": "Domain"}),
    "aws:ec2/natGateway:NatGateway": TypeMapping("AWS::EC2::NatGateway", {"connectivityType": "ConnectivityType"}),
    "aws:ec2/routeTable:RouteTable": unchecked("only references and CIDRs"),
    "aws:ec2/route:Route": unchecked("only references and CIDRs"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": unchecked("only references"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": TypeMapping(
        "AWS::EC2::VPCEndpoint", {"vpcEndpointType": "VpcEndpointType", "ipAddressType": "IpAddressType"}
    ),
    "aws:ec2/flowLog:FlowLog": TypeMapping(
        "AWS::EC2::FlowLog",
        {"trafficType": "TrafficType", "logDestinationType": "LogDestinationType", "maxAggregationInterval": "MaxAggregationInterval"},
    ),
    "aws:ec2/securityGroup:SecurityGroup": TypeMapping(
        "AWS::EC2::SecurityGroup",
        {
            "name": "GroupName",
            "description": "GroupDescription",
            **_prefixed("ingress[]", "SecurityGroupIngress[]", _SECURITY_GROUP_RULE),
            **_prefixed("egress[]", "SecurityGroupEgress[]", _SECURITY_GROUP_RULE),
        },
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": TypeMapping(
        "AWS::EC2::SecurityGroup",
        {
            **_prefixed("ingress[]", "SecurityGroupIngress[]", _SECURITY_GROUP_RULE),
            **_prefixed("egress[]", "SecurityGroupEgress[]", _SECURITY_GROUP_RULE),
        },
    ),
    "aws:ec2/securityGroupRule:SecurityGroupRule": _SECURITY_GROUP_INGRESS,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _SECURITY_GROUP_INGRESS,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": TypeMapping("AWS::EC2::SecurityGroupEgress", _SECURITY_GROUP_RULE),
    "aws:lb/loadBalancer:LoadBalancer": _LOAD_BALANCER,
    "aws:alb/loadBalancer:LoadBalancer": _LOAD_BALANCER,
    "aws:lb/targetGroup:TargetGroup": _TARGET_GROUP,
    "aws:alb/targetGroup:TargetGroup": _TARGET_GROUP,
    "aws:lb/listener:Listener": _LISTENER,
    "aws:alb/listener:Listener": _LISTENER,
    "aws:lb/listenerRule:ListenerRule": _LISTENER_RULE,
    "aws:alb/listenerRule:ListenerRule": _LISTENER_RULE,
    # Data
    "aws:rds/instance:Instance": TypeMapping(
        "AWS::RDS::DBInstance",
        {
            **_RDS_NAMES,
            "engine": "Engine",
            "engineVersion": "EngineVersion",
            "instanceClass": "DBInstanceClass",
            "storageType": "StorageType",
            "backupRetentionPeriod": "BackupRetentionPeriod",
            "backupWindow": "PreferredBackupWindow",
            "maintenanceWindow": "PreferredMaintenanceWindow",
            "monitoringInterval": "MonitoringInterval",
            "performanceInsightsRetentionPeriod": "PerformanceInsightsRetentionPeriod",
            "networkType": "NetworkType",
            "enabledCloudwatchLogsExports": "EnableCloudwatchLogsExports",
        },
        computed_twins={"engineVersion": "engineVersionActual"},
    ),
    "aws:rds/clusterInstance:ClusterInstance": TypeMapping(
        "AWS::RDS::DBInstance",
        {"identifier": "DBInstanceIdentifier", "engine": "Engine", "instanceClass": "DBInstanceClass", "promotionTier": "PromotionTier"},
    ),
    "aws:rds/cluster:Cluster": TypeMapping(
        "AWS::RDS::DBCluster",
        {
            "clusterIdentifier": "DBClusterIdentifier",
            "engine": "Engine",
            "engineVersion": "EngineVersion",
            "engineMode": "EngineMode",
            "masterUsername": "MasterUsername",
            "backupRetentionPeriod": "BackupRetentionPeriod",
            "dbClusterInstanceClass": "DBClusterInstanceClass",
            "storageType": "StorageType",
            "enabledCloudwatchLogsExports": "EnableCloudwatchLogsExports",
        },
        computed_twins={"engineVersion": "engineVersionActual"},
    ),
    "aws:rds/parameterGroup:ParameterGroup": TypeMapping(
        "AWS::RDS::DBParameterGroup", {"name": "DBParameterGroupName", "family": "Family", "description": "Description"}
    ),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": TypeMapping(
        "AWS::RDS::DBClusterParameterGroup", {"name": "DBClusterParameterGroupName", "family": "Family", "description": "Description"}
    ),
    "aws:rds/subnetGroup:SubnetGroup": TypeMapping(
        "AWS::RDS::DBSubnetGroup", {"name": "DBSubnetGroupName", "description": "DBSubnetGroupDescription"}
    ),
    "aws:efs/fileSystem:FileSystem": TypeMapping(
        "AWS::EFS::FileSystem",
        {
            "performanceMode": "PerformanceMode",
            "throughputMode": "ThroughputMode",
            "provisionedThroughputInMibps": "ProvisionedThroughputInMibps",
            "availabilityZoneName": "AvailabilityZoneName",
            "lifecyclePolicies[].transitionToIa": "LifecyclePolicies[].TransitionToIA",
            "lifecyclePolicies[].transitionToArchive": "LifecyclePolicies[].TransitionToArchive",
            "lifecyclePolicies[].transitionToPrimaryStorageClass": "LifecyclePolicies[].TransitionToPrimaryStorageClass",
        },
    ),
    "aws:efs/backupPolicy:BackupPolicy": TypeMapping("AWS::EFS::FileSystem", {"backupPolicy.status": "BackupPolicy.Status"}),
    "aws:efs/accessPoint:AccessPoint": TypeMapping(
        "AWS::EFS::AccessPoint",
        {
            "rootDirectory.path": "RootDirectory.Path",
            "rootDirectory.creationInfo.permissions": "RootDirectory.CreationInfo.Permissions",
            "rootDirectory.creationInfo.ownerUid": "RootDirectory.CreationInfo.OwnerUid",
            "rootDirectory.creationInfo.ownerGid": "RootDirectory.CreationInfo.OwnerGid",
            "posixUser.uid": "PosixUser.Uid",
            "posixUser.gid": "PosixUser.Gid",
        },
    ),
    "aws:efs/mountTarget:MountTarget": TypeMapping("AWS::EFS::MountTarget", {"ipAddress": "IpAddress"}),
    "aws:efs/fileSystemPolicy:FileSystemPolicy": unchecked("a policy document; its size is in the limits table"),
    "aws:elasticache/cluster:Cluster": TypeMapping(
        "AWS::ElastiCache::CacheCluster",
        {
            "clusterId": "ClusterName",
            "engine": "Engine",
            "engineVersion": "EngineVersion",
            "nodeType": "CacheNodeType",
            "numCacheNodes": "NumCacheNodes",
            "azMode": "AZMode",
            "port": "Port",
            "snapshotRetentionLimit": "SnapshotRetentionLimit",
        },
        computed_twins={"engineVersion": "engineVersionActual"},
    ),
    "aws:elasticache/replicationGroup:ReplicationGroup": TypeMapping(
        "AWS::ElastiCache::ReplicationGroup",
        {
            "replicationGroupId": "ReplicationGroupId",
            "description": "ReplicationGroupDescription",
            "engine": "Engine",
            "nodeType": "CacheNodeType",
            "numCacheClusters": "NumCacheClusters",
            "replicasPerNodeGroup": "ReplicasPerNodeGroup",
            "port": "Port",
        },
    ),
    "aws:elasticache/subnetGroup:SubnetGroup": TypeMapping(
        "AWS::ElastiCache::SubnetGroup", {"name": "CacheSubnetGroupName", "description": "Description"}
    ),
    "aws:dynamodb/table:Table": TypeMapping(
        "AWS::DynamoDB::Table",
        {
            "name": "TableName",
            "billingMode": "BillingMode",
            "tableClass": "TableClass",
            "streamViewType": "StreamSpecification.StreamViewType",
            "attributes[].name": "AttributeDefinitions[].AttributeName",
            "attributes[].type": "AttributeDefinitions[].AttributeType",
            "readCapacity": "ProvisionedThroughput.ReadCapacityUnits",
            "writeCapacity": "ProvisionedThroughput.WriteCapacityUnits",
        },
    ),
    "aws:s3/bucket:Bucket": TypeMapping("AWS::S3::Bucket", {"bucket": "BucketName"}),
    "aws:s3/bucketVersioning:BucketVersioning": TypeMapping(
        "AWS::S3::Bucket", {"versioningConfiguration.status": "VersioningConfiguration.Status"}
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": TypeMapping(
        "AWS::S3::Bucket", {"rule.objectOwnership": "OwnershipControls.Rules[0].ObjectOwnership"}
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": TypeMapping(
        "AWS::S3::Bucket",
        {
            "rules[].applyServerSideEncryptionByDefault.sseAlgorithm": (
                "BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.SSEAlgorithm"
            ),
        },
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": TypeMapping(
        "AWS::S3::Bucket",
        {
            "rules[].id": "LifecycleConfiguration.Rules[].Id",
            "rules[].status": "LifecycleConfiguration.Rules[].Status",
            "rules[].transitions[].storageClass": "LifecycleConfiguration.Rules[].Transitions[].StorageClass",
            "rules[].transitions[].days": "LifecycleConfiguration.Rules[].Transitions[].TransitionInDays",
            "rules[].noncurrentVersionTransitions[].storageClass": (
                "LifecycleConfiguration.Rules[].NoncurrentVersionTransitions[].StorageClass"
            ),
            "rules[].noncurrentVersionTransitions[].noncurrentDays": (
                "LifecycleConfiguration.Rules[].NoncurrentVersionTransitions[].TransitionInDays"
            ),
            "rules[].expiration.days": "LifecycleConfiguration.Rules[].ExpirationInDays",
            "rules[].abortIncompleteMultipartUpload.daysAfterInitiation": (
                "LifecycleConfiguration.Rules[].AbortIncompleteMultipartUpload.DaysAfterInitiation"
            ),
        },
    ),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": TypeMapping(
        "AWS::S3::Bucket",
        {
            "corsRules[].id": "CorsConfiguration.CorsRules[].Id",
            "corsRules[].allowedMethods": "CorsConfiguration.CorsRules[].AllowedMethods",
            "corsRules[].maxAgeSeconds": "CorsConfiguration.CorsRules[].MaxAge",
        },
    ),
    "aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration": TypeMapping(
        "AWS::S3::Bucket", {"status": "AccelerateConfiguration.AccelerationStatus"}
    ),
    "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration": TypeMapping(
        "AWS::S3::Bucket", {"redirectAllRequestsTo.protocol": "WebsiteConfiguration.RedirectAllRequestsTo.Protocol"}
    ),
    "aws:s3/bucketLogging:BucketLogging": unchecked("only the target bucket and a key prefix"),
    "aws:s3/bucketPolicy:BucketPolicy": unchecked("a policy document; its size is in the limits table"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": unchecked("only booleans and the bucket's name"),
    "aws:backup/vault:Vault": TypeMapping("AWS::Backup::BackupVault", {"name": "BackupVaultName"}),
    "aws:backup/plan:Plan": TypeMapping(
        "AWS::Backup::BackupPlan",
        {
            "name": "BackupPlan.BackupPlanName",
            "rules[].ruleName": "BackupPlan.BackupPlanRule[].RuleName",
            "rules[].schedule": "BackupPlan.BackupPlanRule[].ScheduleExpression",
            "rules[].startWindow": "BackupPlan.BackupPlanRule[].StartWindowMinutes",
            "rules[].completionWindow": "BackupPlan.BackupPlanRule[].CompletionWindowMinutes",
            "rules[].lifecycle.deleteAfter": "BackupPlan.BackupPlanRule[].Lifecycle.DeleteAfterDays",
            "rules[].lifecycle.coldStorageAfter": "BackupPlan.BackupPlanRule[].Lifecycle.MoveToColdStorageAfterDays",
        },
    ),
    "aws:backup/selection:Selection": TypeMapping("AWS::Backup::BackupSelection", {"name": "BackupSelection.SelectionName"}),
    "aws:secretsmanager/secret:Secret": TypeMapping("AWS::SecretsManager::Secret", {"name": "Name", "description": "Description"}),
    "aws:secretsmanager/secretVersion:SecretVersion": unchecked("the secret's value, never repeated in a report"),
    "aws:ssm/parameter:Parameter": TypeMapping(
        "AWS::SSM::Parameter", {"name": "Name", "tier": "Tier", "dataType": "DataType", "description": "Description"}
    ),
    "aws:kms/key:Key": TypeMapping(
        "AWS::KMS::Key",
        {
            "description": "Description",
            "keyUsage": "KeyUsage",
            "customerMasterKeySpec": "KeySpec",
            "deletionWindowInDays": "PendingWindowInDays",
            "rotationPeriodInDays": "RotationPeriodInDays",
        },
    ),
    "aws:kms/alias:Alias": TypeMapping("AWS::KMS::Alias", {"name": "AliasName"}),
    # Identity
    "aws:iam/role:Role": TypeMapping(
        "AWS::IAM::Role",
        {
            "name": "RoleName",
            "path": "Path",
            "description": "Description",
            "maxSessionDuration": "MaxSessionDuration",
            "inlinePolicies[].name": "Policies[].PolicyName",
        },
    ),
    "aws:iam/rolePolicy:RolePolicy": TypeMapping("AWS::IAM::RolePolicy", {"name": "PolicyName"}),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": unchecked("only references"),
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": unchecked("only references"),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": unchecked("only references"),
    "aws:iam/policyAttachment:PolicyAttachment": unchecked("only references"),
    "aws:iam/accessKey:AccessKey": unchecked("a reference and a secret, never repeated in a report"),
    "aws:iam/instanceProfile:InstanceProfile": TypeMapping("AWS::IAM::InstanceProfile", {"name": "InstanceProfileName", "path": "Path"}),
    "aws:iam/policy:Policy": TypeMapping(
        "AWS::IAM::ManagedPolicy", {"name": "ManagedPolicyName", "path": "Path", "description": "Description"}
    ),
    "aws:iam/user:User": TypeMapping("AWS::IAM::User", {"name": "UserName", "path": "Path"}),
    "aws:iam/userPolicy:UserPolicy": TypeMapping("AWS::IAM::UserPolicy", {"name": "PolicyName"}),
    "aws:iam/group:Group": TypeMapping("AWS::IAM::Group", {"name": "GroupName", "path": "Path"}),
    "aws:iam/groupPolicy:GroupPolicy": TypeMapping("AWS::IAM::GroupPolicy", {"name": "PolicyName"}),
    # Messaging, logs, monitoring, events
    "aws:sqs/queue:Queue": TypeMapping(
        "AWS::SQS::Queue",
        {
            "name": "QueueName",
            "fifoQueue": "FifoQueue",
            "contentBasedDeduplication": "ContentBasedDeduplication",
            "deduplicationScope": "DeduplicationScope",
            "fifoThroughputLimit": "FifoThroughputLimit",
            "delaySeconds": "DelaySeconds",
            "maxMessageSize": "MaximumMessageSize",
            "messageRetentionSeconds": "MessageRetentionPeriod",
            "receiveWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
            "visibilityTimeoutSeconds": "VisibilityTimeout",
            "kmsDataKeyReusePeriodSeconds": "KmsDataKeyReusePeriodSeconds",
        },
    ),
    "aws:sqs/queuePolicy:QueuePolicy": unchecked("a policy document and a reference"),
    "aws:sns/topic:Topic": TypeMapping("AWS::SNS::Topic", {"name": "TopicName", "displayName": "DisplayName", "fifoTopic": "FifoTopic"}),
    "aws:sns/topicSubscription:TopicSubscription": TypeMapping(
        "AWS::SNS::Subscription", {"protocol": "Protocol", "filterPolicyScope": "FilterPolicyScope"}
    ),
    "aws:cloudwatch/logGroup:LogGroup": TypeMapping(
        "AWS::Logs::LogGroup", {"name": "LogGroupName", "retentionInDays": "RetentionInDays", "logGroupClass": "LogGroupClass"}
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": TypeMapping(
        "AWS::CloudWatch::Alarm",
        {
            "name": "AlarmName",
            "alarmDescription": "AlarmDescription",
            "comparisonOperator": "ComparisonOperator",
            "evaluationPeriods": "EvaluationPeriods",
            "datapointsToAlarm": "DatapointsToAlarm",
            "metricName": "MetricName",
            "namespace": "Namespace",
            "period": "Period",
            "statistic": "Statistic",
            "extendedStatistic": "ExtendedStatistic",
            "treatMissingData": "TreatMissingData",
            "unit": "Unit",
            "metricQueries[].id": "Metrics[].Id",
            "metricQueries[].metric.period": "Metrics[].MetricStat.Period",
        },
    ),
    "aws:cloudwatch/eventRule:EventRule": TypeMapping(
        "AWS::Events::Rule", {"name": "Name", "description": "Description", "scheduleExpression": "ScheduleExpression", "state": "State"}
    ),
    "aws:cloudwatch/eventTarget:EventTarget": TypeMapping(
        "AWS::Events::Rule",
        {
            "targetId": "Targets[0].Id",
            "retryPolicy.maximumEventAgeInSeconds": "Targets[0].RetryPolicy.MaximumEventAgeInSeconds",
            "retryPolicy.maximumRetryAttempts": "Targets[0].RetryPolicy.MaximumRetryAttempts",
        },
    ),
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": TypeMapping("AWS::Logs::DeliverySource", {"name": "Name", "logType": "LogType"}),
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": TypeMapping(
        "AWS::Logs::DeliveryDestination", {"name": "Name", "outputFormat": "OutputFormat"}
    ),
    "aws:cloudwatch/logDelivery:LogDelivery": TypeMapping(
        "AWS::Logs::Delivery",
        {"deliverySourceName": "DeliverySourceName", "fieldDelimiter": "FieldDelimiter", "recordFields": "RecordFields"},
    ),
    "aws:cloudtrail/trail:Trail": TypeMapping("AWS::CloudTrail::Trail", {"name": "TrailName", "s3KeyPrefix": "S3KeyPrefix"}),
    "aws:budgets/budget:Budget": TypeMapping(
        "AWS::Budgets::Budget",
        {
            "name": "Budget.BudgetName",
            "budgetType": "Budget.BudgetType",
            "timeUnit": "Budget.TimeUnit",
            "notifications[].comparisonOperator": "NotificationsWithSubscribers[].Notification.ComparisonOperator",
            "notifications[].notificationType": "NotificationsWithSubscribers[].Notification.NotificationType",
            "notifications[].thresholdType": "NotificationsWithSubscribers[].Notification.ThresholdType",
        },
    ),
}
"""Pulumi type token -> its mapping."""


def mapping_for(resource_type: str) -> Optional[TypeMapping]:
    """The mapping of a type, None for a type without one (not checked)."""
    return MAPPINGS.get(resource_type)
