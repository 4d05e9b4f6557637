"""Stack config of the ops section: defaults are off and safe, bad values are refused in one line naming the key."""

import pytest

from settings import ConfigError, load_settings

BAD = [
    ("alarmEmail", "ops", "awsinaction:alarmEmail: 'ops' is not an e-mail address"),
    ("healthCheckExpected", "", "awsinaction:healthCheckExpected: '' must be non-empty text"),
    ("healthCheckPath", "shop", "awsinaction:healthCheckPath: 'shop' is not a URL path"),
    ("healthCheckPath", "/a b", "awsinaction:healthCheckPath: '/a b' is not a URL path"),
    ("healthCheckEnabled", "maybe", "awsinaction:healthCheckEnabled: 'maybe' is not a boolean"),
    ("ownerTaggerCreateTrail", "1", "awsinaction:ownerTaggerCreateTrail: '1' is not a boolean"),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD, ids=[f"{k}={v}" for k, v, _ in BAD])
def test_bad_ops_values_are_refused(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings("awsinaction", "dev", {key: value})
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_automations_are_off_by_default() -> None:
    ops = load_settings("awsinaction", "dev", {}).ops
    assert ops.health_check_enabled is False and ops.owner_tagger_enabled is False
    assert ops.owner_tagger_create_trail is True
    assert ops.alarm_email is None
    assert (ops.health_check_path, ops.health_check_expected) == ("/", "</html>")


def test_ops_values_are_typed() -> None:
    raw = {"alarmEmail": "ops@example.com", "healthCheckEnabled": "true", "healthCheckExpected": "Shop", "healthCheckPath": "/shop/",
           "ownerTaggerEnabled": "true", "ownerTaggerCreateTrail": "false"}
    ops = load_settings("awsinaction", "prod", raw).ops
    assert ops.alarm_email == "ops@example.com"
    assert ops.health_check_enabled is True and ops.owner_tagger_enabled is True and ops.owner_tagger_create_trail is False
    assert (ops.health_check_path, ops.health_check_expected) == ("/shop/", "Shop")
