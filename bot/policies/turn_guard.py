"""Every turn ends by listening: a guard in front of the dialogue policies.

Rasa's RulePolicy predicts the core fallback action whenever no rule applies,
including right after the fallback itself. With a fallback that is a plain
response (``utter_fallback``, which, unlike ``action_default_fallback``, does
not revert the user's message), a message no rule covers ("yes" after an
answer) got the fallback ten times until Rasa's circuit breaker tripped.

This policy abstains (all zeros) except when a turn is going wrong; then it
predicts ``action_listen`` with full confidence and a priority above the
RulePolicy's, so the turn ends:

* the last action was the core fallback action (it is never followed by another);
* the last action already ran earlier in this turn (a repeat; forms excepted,
  since a form runs again after an interruption is answered);
* the turn already has ``max_actions`` actions.

The decision is a plain function, ``reason_to_listen``, table-tested.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

FALLBACK_ENDS_TURN = "fallback_ends_turn"
REPEATED_ACTION = "repeated_action"
TOO_MANY_ACTIONS = "too_many_actions"


def actions_this_turn(events: Sequence[Any]) -> List[str]:
    """Names of the actions run since the latest user message, oldest first."""
    names: List[str] = []
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted):
            if event.action_name in (ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME):
                break
            if event.action_name:
                names.append(event.action_name)
    return names[::-1]


def reason_to_listen(
    actions: Sequence[str], fallback_action: str, loops: Sequence[str], max_actions: int
) -> Optional[str]:
    """Why the turn must end now, or None to let the other policies decide."""
    if not actions:
        return None
    last = actions[-1]
    if last == fallback_action:
        return FALLBACK_ENDS_TURN
    if last not in loops and last in actions[:-1]:
        return REPEATED_ACTION
    if len(actions) >= max_actions:
        return TOO_MANY_ACTIONS
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class TurnGuardPolicy(Policy):
    """Predicts ``action_listen`` when a turn loops (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Above RulePolicy (6): it must win when it speaks.
        return {"priority": 7, "fallback_action": "utter_fallback", "max_actions": 8}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        reason = reason_to_listen(
            actions_this_turn(tracker.events),
            self.config["fallback_action"],
            domain.form_names,
            self.config["max_actions"],
        )
        if reason is None:
            return self._prediction(probabilities)
        if reason != FALLBACK_ENDS_TURN:
            logger.warning("turn guard: %s, listening for sender %s", reason, tracker.sender_id)
        probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        # A loop's own happy-path prediction is a "no user" prediction; this must outrank it too.
        return self._prediction(probabilities, is_no_user_prediction=True)
