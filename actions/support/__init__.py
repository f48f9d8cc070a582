"""Support actions: warmth for distress, support services, the session-start disclaimer."""
