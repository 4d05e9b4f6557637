"""JUnit XML for CI servers: a test suite per pack, a test case per policy and resource it judged.

- failure: a mandatory violation (what makes the check exit 1);
- passed: the policy judged the resource and found nothing; an advisory violation passes too, with the
  finding in system-out, so the test report agrees with the exit status;
- skipped: the policy is disabled, not applicable, or judged no resource of this stack.
A resource policy "judged" a resource when it read its properties; a stack policy judges the stack.
With --compare, a suite `cost-change` holds one case that fails when the increase passes the limit.
"""

from typing import Optional
from xml.etree import ElementTree

from ..analyze import Diagnostic, PackResult, PolicyMeta
from ..check import CheckResult
from ..cost_diff import CostDiff
from .common import STACK_NAME, by_urn, one_line, resource_label, source_of
from .text import render_diff


class _Counts:
    def __init__(self) -> None:
        self.tests = self.failures = self.skipped = 0

    def attributes(self) -> dict[str, str]:
        return {"tests": str(self.tests), "failures": str(self.failures), "errors": "0", "skipped": str(self.skipped)}


def _case(
    suite: ElementTree.Element, counts: _Counts, classname: str, name: str, location: Optional[tuple[str, int]] = None
) -> ElementTree.Element:
    case = ElementTree.SubElement(suite, "testcase", classname=classname, name=name, time="0")
    if location:
        case.set("file", location[0])
        case.set("line", str(location[1]))
    counts.tests += 1
    return case


def _skip(case: ElementTree.Element, counts: _Counts, message: str) -> None:
    ElementTree.SubElement(case, "skipped", message=message)
    counts.skipped += 1


def _outcome(case: ElementTree.Element, counts: _Counts, found: list[Diagnostic], meta: PolicyMeta) -> None:
    mandatory = [d for d in found if d.level == "mandatory"]
    if mandatory:
        failure = ElementTree.SubElement(case, "failure", type="mandatory", message=one_line(mandatory[0].detail)[:500])
        failure.text = "\n".join(one_line(d.detail) for d in mandatory) + (f"\nRemediation: {meta.remediation}" if meta.remediation else "")
        counts.failures += 1
    advisory = [d for d in found if d.level != "mandatory"]
    if advisory:
        ElementTree.SubElement(case, "system-out").text = "\n".join(f"advisory: {one_line(d.detail)}" for d in advisory)


def _pack_suite(root: ElementTree.Element, result: CheckResult, pack: PackResult, index: dict) -> _Counts:
    suite = ElementTree.SubElement(root, "testsuite", name=pack.pack)
    properties = ElementTree.SubElement(suite, "properties")
    ElementTree.SubElement(properties, "property", name="stack", value=result.stack)
    ElementTree.SubElement(properties, "property", name="version", value=pack.version)
    counts = _Counts()
    not_applicable = dict(pack.not_applicable)
    for meta in pack.policies:
        classname = f"{pack.pack}.{meta.name}"
        found: dict[str, list[Diagnostic]] = {}
        for d in pack.diagnostics:
            if d.policy == meta.name:
                found.setdefault(d.urn, []).append(d)
        if meta.level == "disabled" or (meta.name in not_applicable and not found):
            reason = "disabled by the pack config" if meta.level == "disabled" else f"not applicable: {not_applicable[meta.name]}"
            _skip(_case(suite, counts, classname, meta.name), counts, reason)
            continue
        if meta.kind == "resource":
            urns = [r.urn for r in result.resources if (meta.name, r.urn) in pack.judged or r.urn in found]
            urns += [urn for urn in found if urn not in urns]
        else:
            urns = list(found) or [""]
        if not urns:
            _skip(_case(suite, counts, classname, meta.name), counts, "no resource of this stack is of a kind this policy judges")
            continue
        for urn in urns:
            label = STACK_NAME if not urn else resource_label(result, urn, index)
            case = _case(suite, counts, classname, f"{meta.name}: {label}", source_of(result, urn, index))
            _outcome(case, counts, found.get(urn, []), meta)
    suite.attrib.update(counts.attributes())
    return counts


def _cost_suite(root: ElementTree.Element, diff: CostDiff) -> _Counts:
    suite = ElementTree.SubElement(root, "testsuite", name="cost-change")
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in (
        ("base", diff.base_file),
        ("base_monthly_usd", diff.base_total),
        ("monthly_usd", diff.head_total),
        ("delta_usd", diff.delta_usd),
    ):
        ElementTree.SubElement(properties, "property", name=name, value=str(value))
    counts = _Counts()
    case = _case(suite, counts, "cost-change", "monthly cost change within the limit" if diff.limited else "monthly cost change")
    if diff.over_limit():
        ElementTree.SubElement(case, "failure", type="cost-increase", message=diff.over_limit())
        counts.failures += 1
    ElementTree.SubElement(case, "system-out").text = "\n".join(render_diff(diff))
    suite.attrib.update(counts.attributes())
    return counts


def render(result: CheckResult, diff: Optional[CostDiff] = None) -> str:
    root = ElementTree.Element("testsuites", name=f"awsinaction-check {result.stack}", time=f"{result.seconds:.3f}")
    index = by_urn(result)
    totals = _Counts()
    suites = [_pack_suite(root, result, pack, index) for pack in result.packs]
    if diff is not None:
        suites.append(_cost_suite(root, diff))
    for counts in suites:
        totals.tests += counts.tests
        totals.failures += counts.failures
        totals.skipped += counts.skipped
    root.attrib.update(totals.attributes())
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode")
