"""What keeps the load driver harmless: loopback only, and every loop bounded.

The driver opens hundreds of websocket sessions; pointed at a town's production server it
would be an attack. So it refuses any host that is not this machine (127.0.0.0/8,
`localhost`, ::1), and every wait and every loop has a count or time limit.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
MAX_SESSIONS = 1200  # the 1,000-partner day and its projection screens
MAX_DURATION_S = 900.0
MAX_ACTIONS_PER_SESSION = 10_000
DEFAULT_ACTION_TIMEOUT_S = 60.0
DEFAULT_CONNECT_TIMEOUT_S = 20.0
MAX_MESSAGES_PER_RUN = 100_000


class LoadTestError(Exception):
    """Base of the driver's errors; the message is in French, for whoever runs it."""


class LoopbackOnlyError(LoadTestError):
    """The target is not this machine."""


class LimitError(LoadTestError):
    """A count or a duration beyond what the driver accepts."""


def is_loopback_host(host: str) -> bool:
    """True for `localhost`, 127.0.0.0/8 and ::1 (IPv4-mapped loopback included)."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def ensure_loopback(target: str) -> str:
    """Return the host of `target` (a URL or a bare host) if it is loopback; refuse otherwise."""
    text = target.strip()
    host = urlsplit(text).hostname if "://" in text else text
    if not host or not is_loopback_host(host):
        raise LoopbackOnlyError(
            f"Cible refusée : « {host or text} » n'est pas cette machine. Le pilote de charge ne "
            "vise que 127.0.0.0/8, localhost ou ::1, jamais un serveur distant."
        )
    return host


def check_count(name: str, value: int, maximum: int) -> int:
    if not 0 <= value <= maximum:
        raise LimitError(f"{name} : {value} hors des bornes (0 à {maximum}).")
    return value


def check_duration(name: str, seconds: float, maximum: float = MAX_DURATION_S) -> float:
    if not 0 < seconds <= maximum:
        raise LimitError(f"{name} : {seconds:g} s hors des bornes (plus de 0 et au plus {maximum:g} s).")
    return seconds


@dataclass
class Deadline:
    """A point in time (monotonic clock) after which a loop must stop."""

    seconds: float
    start: float = field(default_factory=time.monotonic)

    @property
    def remaining(self) -> float:
        return max(0.0, self.start + self.seconds - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.remaining <= 0.0
