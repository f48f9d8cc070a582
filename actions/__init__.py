"""Custom actions served by the rasa_sdk action server (``make run`` starts it).

The action server imports this package and its submodules; the walk-through's
actions are in ``actions.history.actions``.
"""
