"""Cost models of compute: EC2 instances and auto-scaling groups (weighted by their schedules), CPU credits,
EKS, ECS on Fargate and Lambda."""

import re
from typing import Any, Optional

from ._props import get, is_true, items, known, number
from .costing import Context, Cost, MissingPriceError
from .schedule import Action, average_capacity

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SCHEDULE = "aws:autoscaling/schedule:Schedule"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
T_FAMILIES = ("t2", "t3", "t3a", "t4g")


def _volume(ctx: Context, size: float, kind: str) -> Cost:
    return size * ctx.price("ebsGbMonth", kind), f"{size:.0f} GB {kind}"


def cpu_credits(ctx: Context, resource: Any, instance_type: str, mode: Optional[str]) -> Cost:
    """Surplus CPU credits of a burstable instance in unlimited mode (t3/t3a/t4g's default; t2's is standard)."""
    family = instance_type.partition(".")[0]
    surplus = ctx.use(resource, "cpuCreditSurplusVcpuHours")
    unlimited = mode == "unlimited" or (mode is None and family in ("t3", "t3a", "t4g"))
    if family not in T_FAMILIES or not unlimited or surplus <= 0:
        return 0.0, ""
    return surplus * ctx.price("ec2CpuCreditVcpuHour", family), f"{surplus:g} surplus vCPU-h"


def instance_costs(
    ctx: Context, resource: Any, instance_type: str, volumes: list[tuple[float, str]], public_ip: bool, mode: Optional[str]
) -> Cost:
    """One instance running all month: compute, its EBS volumes, its public IPv4 address and surplus CPU credits."""
    total = ctx.price("ec2InstanceHour", instance_type) * ctx.hours
    parts = [f"{instance_type} x {ctx.hours:.0f} h"]
    for size, kind in volumes:
        cost, text = _volume(ctx, size, kind)
        total += cost
        parts.append(text)
    if public_ip:
        total += ctx.price("publicIpv4Hour") * ctx.hours
        parts.append("public IPv4")
    credits, text = cpu_credits(ctx, resource, instance_type, mode)
    if credits:
        total += credits
        parts.append(text)
    return total, " + ".join(parts)


def instance(resource: Any, ctx: Context) -> Cost:
    props = resource.props
    root = get(props, "rootBlockDevice", default={})
    volumes = [(number(get(root, "volumeSize"), ctx.use(resource, "amiRootVolumeGb") or 8.0), get(root, "volumeType", default="gp3"))]
    volumes += [(number(get(d, "volumeSize"), 8.0), get(d, "volumeType", default="gp2")) for d in items(get(props, "ebsBlockDevices"))]
    mode = get(props, "creditSpecification", "cpuCredits")
    return instance_costs(ctx, resource, get(props, "instanceType"), volumes, is_true(get(props, "associatePublicIpAddress")), mode)


def _launch_template(resource: Any, ctx: Context) -> Optional[Any]:
    refs = ctx.stack.refs(resource, "launchTemplate", "id", types=(LAUNCH_TEMPLATE,))
    if not refs:
        refs = ctx.stack.refs(
            resource, "mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification", "launchTemplateId", types=(LAUNCH_TEMPLATE,)
        )
    return refs[0] if refs else None


def _size(value: Any) -> Optional[float]:
    """A scheduled size: None for -1 (unchanged) or unset."""
    size = number(value, -1.0)
    return None if size < 0 else size


def _schedules(resource: Any, ctx: Context) -> list[Action]:
    """The recurring scheduled actions of a group (by reference, or by the group's name)."""
    names = {known(resource.props, key) for key in ("name", "id")}
    found = []
    for schedule in ctx.stack.of_type(SCHEDULE):
        refs = ctx.stack.refs(schedule, "autoscalingGroupName")
        if any(r.urn == resource.urn for r in refs) or known(schedule.props, "autoscalingGroupName") in names:
            recurrence = get(schedule.props, "recurrence")
            if isinstance(recurrence, str) and recurrence:
                sizes = (_size(get(schedule.props, key)) for key in ("minSize", "maxSize", "desiredCapacity"))
                found.append(Action(recurrence, *sizes))
    return found


def autoscaling_group(resource: Any, ctx: Context) -> Cost:
    props = resource.props
    low, high = number(get(props, "minSize")), number(get(props, "maxSize"))
    desired = number(get(props, "desiredCapacity"), low)
    actions = _schedules(resource, ctx)
    try:
        count = average_capacity(low, high, desired, actions)
    except ValueError as error:
        raise MissingPriceError(f"the schedule of {resource.name} ({error})") from None
    template = _launch_template(resource, ctx)
    overrides = items(get(props, "mixedInstancesPolicy", "launchTemplate", "overrides"))
    instance_type = get(overrides[0], "instanceType") if overrides else None
    volumes: list[tuple[float, str]] = []
    public_ip, mode = False, None
    if template is not None:
        instance_type = instance_type or get(template.props, "instanceType")
        for mapping in items(get(template.props, "blockDeviceMappings")):
            ebs = get(mapping, "ebs")
            if ebs is not None:
                volumes.append(
                    (number(get(ebs, "volumeSize"), ctx.use(resource, "amiRootVolumeGb")), get(ebs, "volumeType", default="gp3"))
                )
        public_ip = any(is_true(get(i, "associatePublicIpAddress")) for i in items(get(template.props, "networkInterfaces")))
        mode = get(template.props, "creditSpecification", "cpuCredits")
    if not volumes:
        volumes = [(ctx.use(resource, "amiRootVolumeGb"), "gp3")]
    if not instance_type:
        raise MissingPriceError(f"instance type of {resource.name} (no launch template found)")
    each, detail = instance_costs(ctx, resource, instance_type, volumes, public_ip, mode)
    weighted = f" on average, weighted by {len(actions)} scheduled action(s)" if actions else ""
    return count * each, f"{count:.2f} x ({detail}){weighted}" if actions else f"{count:.0f} x ({detail})"


def eks_cluster(resource: Any, ctx: Context) -> Cost:
    return ctx.price("eks", "clusterHour") * ctx.hours, f"control plane x {ctx.hours:.0f} h"


def eks_node_group(resource: Any, ctx: Context) -> Cost:
    props = resource.props
    count = number(get(props, "scalingConfig", "desiredSize"), 1.0)
    types = [str(t) for t in items(get(props, "instanceTypes"))] or ["t3.medium"]
    size = number(get(props, "diskSize"), 20.0)
    each, detail = instance_costs(ctx, resource, types[0], [(size, "gp3")], False, None)
    return count * each, f"{count:.0f} x ({detail})"


def _task_size(value: Any) -> float:
    """A task's cpu (units) or memory (MiB) as written: "256", "0.25 vCPU", "512", "1 GB"."""
    text = str(value or "")
    match = re.match(r"^\s*([\d.]+)\s*(vcpu|gb)?", text, re.I)
    if not match:
        return 0.0
    amount = float(match.group(1))
    return amount * 1024 if match.group(2) else amount


def fargate_service(resource: Any, ctx: Context) -> Optional[Cost]:
    props = resource.props
    launch = get(props, "launchType")
    providers = [str(get(p, "capacityProvider")) for p in items(get(props, "capacityProviderStrategies"))]
    if launch != "FARGATE" and not any(p.startswith("FARGATE") for p in providers):
        return None  # tasks on EC2 container instances are priced with those instances
    tasks = ctx.use(resource, "fargateTasks") or number(get(props, "desiredCount"), 1.0)
    definitions = ctx.stack.refs(resource, "taskDefinition", types=(TASK_DEFINITION,))
    if not definitions:
        raise MissingPriceError(f"task size of {resource.name} (its task definition is not in the stack)")
    definition = definitions[0].props
    vcpu, gb = _task_size(get(definition, "cpu")) / 1024, _task_size(get(definition, "memory")) / 1024
    arm = str(get(definition, "runtimePlatform", "cpuArchitecture", default="X86_64")).upper() == "ARM64"
    hourly = vcpu * ctx.price("fargate", "armVcpuHour" if arm else "vcpuHour") + gb * ctx.price("fargate", "armGbHour" if arm else "gbHour")
    return tasks * hourly * ctx.hours, f"{tasks:g} task(s) x {vcpu:g} vCPU + {gb:g} GB x {ctx.hours:.0f} h"


def lambda_function(resource: Any, ctx: Context) -> Cost:
    props = resource.props
    requests = ctx.use(resource, "lambdaRequestsPerMonth")
    seconds = ctx.use(resource, "lambdaAverageDurationMs") / 1000
    memory_gb = number(get(props, "memorySize"), 128.0) / 1024
    arm = "arm64" in [str(a) for a in items(get(props, "architectures"))]
    gb_seconds = requests * seconds * memory_gb
    cost = requests / 1e6 * ctx.price("lambda", "requestsPerMillion") + gb_seconds * ctx.price(
        "lambda", "gbSecondArm" if arm else "gbSecondX86"
    )
    return cost, f"{requests:,.0f} requests x {seconds * 1000:g} ms x {memory_gb * 1024:.0f} MB"
