"""Our speed fix to Rasa's action-response validation keeps Rasa's behaviour."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.nlu  # noqa: F401 - applies the fix, as loading the model does
from bot import rasa_patches

VALID = {
    "events": [{"event": "slot", "name": "embryo_transfers", "value": 3}],
    "responses": [{"text": "How many?", "buttons": [{"title": "1", "payload": "1"}]}],
}
INVALID = [{"events": [{"event": "no_such_event"}]}, {"responses": "not a list"}, {"events": [{"name": "x"}]}]


def test_the_fix_is_in_place():
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result


def test_the_patch_refuses_another_rasa_version(monkeypatch):
    monkeypatch.setattr(rasa_patches, "_applied", False)
    original = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)
    assert rasa_patches.apply("3.6.20") is False and rasa_patches.apply("3.7.0") is False
    assert rasa_patches._applied is False
    assert rasa_patches.apply(rasa_patches.WRITTEN_FOR_RASA) is True


def test_the_patch_was_written_for_the_pinned_rasa():
    from rasa.version import __version__

    assert __version__ == rasa_patches.WRITTEN_FOR_RASA


def test_a_valid_response_passes():
    assert RemoteAction("action_x", None)._validate_action_result(VALID) is True


@pytest.mark.parametrize("result", INVALID, ids=["unknown-event", "responses-not-list", "event-without-type"])
def test_an_invalid_response_raises_what_rasa_raises(result):
    with pytest.raises(jsonschema.ValidationError) as ours:
        RemoteAction("action_x", None)._validate_action_result(result)
    with pytest.raises(jsonschema.ValidationError) as plain:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(plain.value.message)
    assert "Failed to validate Action server response" in ours.value.message
