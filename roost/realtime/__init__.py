"""Realtime plumbing with no knowledge of records: brokers, clients, subscriptions, wire formats.

`api/realtime*.py` decides who may see what; this package only moves bytes."""

from roost.realtime.broker import Broker
from roost.realtime.clients import Client, ClientRegistry, new_instance_id
from roost.realtime.memory import MemoryBroker
from roost.realtime.subscriptions import Subscription, parse_subscription

__all__ = [
    "Broker",
    "Client",
    "ClientRegistry",
    "MemoryBroker",
    "Subscription",
    "new_instance_id",
    "parse_subscription",
]
