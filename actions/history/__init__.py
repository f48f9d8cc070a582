"""The history walk-through: plain decision logic (parsing, assessment, content
choice) and the thin rasa_sdk actions that use it."""
