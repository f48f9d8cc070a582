"""Support actions: warmth for distress and support services."""
