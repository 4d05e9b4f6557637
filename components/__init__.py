"""Reusable Pulumi components for the architectures of the book Amazon Web Services in Action.

In this repository the folder is `components/`; the wheel installs it as the package `awsinaction`
(so it never collides with a consumer project's own `components/` folder). Import a component
from its module, e.g. `from awsinaction.network import Network, NetworkArgs`.

To publish a new component: import it here and append it to ALL_COMPONENTS. That one list feeds
the multi-language plugin (provider/), the committed schema (schema/awsinaction.json) and the tests.
"""

import pulumi

from .cache import Cache
from .content_delivery import ContentDelivery
from .database import Database
from .ec2_owner_tagger import Ec2OwnerTagger
from .file_system import SharedFileSystem
from .imagery import Imagery
from .load_balancer import LoadBalancer
from .network import Network
from .nosql_table import NoSqlTable
from .queue import Queue
from .recoverable_server import RecoverableServer
from .volume_backups import VolumeBackups
from .web_fleet import WebFleet
from .web_shop import WebShop
from .website_health_check import WebsiteHealthCheck

__version__ = "0.1.0"
"""The package version (read by pyproject.toml, the plugin and the schema); bump it with a CHANGELOG entry."""

ALL_COMPONENTS: list[type[pulumi.ComponentResource]] = [
    Cache,
    ContentDelivery,
    Database,
    Ec2OwnerTagger,
    Imagery,
    LoadBalancer,
    Network,
    NoSqlTable,
    Queue,
    RecoverableServer,
    SharedFileSystem,
    VolumeBackups,
    WebFleet,
    WebShop,
    WebsiteHealthCheck,
]
"""Every component served to other Pulumi languages; the order is irrelevant (the schema is sorted)."""

__all__ = ["ALL_COMPONENTS", "__version__"]
