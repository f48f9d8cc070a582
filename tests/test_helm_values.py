"""The Kubernetes path on paper: Helm values parse and wire PostgreSQL, Redis and replicas."""

from __future__ import annotations

import yaml

from tests.helpers.project import ROOT

HELM = ROOT / "deploy" / "helm"


def load(name: str) -> dict:
    return yaml.safe_load((HELM / name).read_text())


def test_rasa_values_scale_out_on_postgresql_and_redis():
    values = load("rasa-values.yml")
    assert values["replicaCount"] >= 2
    endpoints = values["applicationSettings"]["endpoints"]
    tracker = endpoints["trackerStore"]
    assert tracker["enabled"] and tracker["dialect"] == "postgresql"
    assert tracker["type"] == "bot.tracker_store.PrivacyAwareSQLTrackerStore"
    assert endpoints["lockStore"]["enabled"] and endpoints["lockStore"]["type"] == "bot.lock_store.AtomicRedisLockStore"
    assert endpoints["action"]["endpointURL"].endswith("/webhook")
    assert values["postgresql"]["install"] and values["redis"]["install"]
    assert "bot.channels.rest.RestInput" in values["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    # The chart provides these variables when it installs PostgreSQL and Redis.
    assert tracker["url"] == "${DB_HOST}" and endpoints["lockStore"]["url"] == "${REDIS_HOST}"
    assert values["applicationSettings"]["enableAPI"] and values["applicationSettings"]["token"]


def test_action_server_values_have_replicas():
    values = load("action-server-values.yml")
    assert values["replicaCount"] >= 2
    assert values["applicationSettings"]["port"] == 5055
