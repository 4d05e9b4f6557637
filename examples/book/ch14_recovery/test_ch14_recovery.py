"""Chapter 14 program: a group of one over two AZs, JENKINS_HOME on EFS, a private name that follows the server."""

import base64
from pathlib import Path

import book_checks
from book_checks import (  # noqa: F401 - the checks every program passes, collected here
    test_every_resource_is_tagged,
    test_passes_the_policy_packs,
    test_preview_registers_the_same_resources,
    test_readme_shows_the_estimate,
)
from conftest import resources

from policies.offline.check import CheckResult


def test_one_server_over_two_azs_with_its_home_on_efs_and_a_name_in_the_private_zone(checked: CheckResult) -> None:
    [group] = resources(checked, "aws:autoscaling/group:Group")
    assert (group.inputs["minSize"], group.inputs["maxSize"], len(group.inputs["vpcZoneIdentifiers"])) == (1, 1, 2)
    assert len(resources(checked, "aws:efs/mountTarget:MountTarget")) == 2
    [zone] = resources(checked, "aws:route53/zone:Zone")
    assert zone.inputs["name"] == "ch14.internal" and zone.inputs["vpcs"]
    [template] = [t for t in resources(checked, "aws:ec2/launchTemplate:LaunchTemplate") if t.name == "jenkins-servers"]
    script = base64.b64decode(template.inputs["userData"]).decode()
    assert script.index("efs _netdev,tls") < script.index("server_boot.py\" dns") < script.index("dnf install -y jenkins")
    assert "--name 'jenkins.ch14.internal'" in script
    rules = resources(checked, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    ingress = [r for r in rules if r.name.startswith("jenkins-servers")]
    assert [(r.inputs["fromPort"], r.inputs["cidrIpv4"]) for r in ingress] == [(8080, "10.14.0.0/16")]
    assert len(resources(checked, "aws:sns/topic:Topic")) == 1  # the file system's and the server's alarms share a topic


def test_bad_config_is_one_line(program: Path) -> None:
    book_checks.assert_bad_config_is_one_line(program, {"ch14-recovery:strategy": "hope"}, "ch14-recovery:strategy: 'hope' is not allowed")
    book_checks.assert_bad_config_is_one_line(program, {"ch14-recovery:privateDomain": "Bad_Domain"}, "ch14-recovery:privateDomain: ")
