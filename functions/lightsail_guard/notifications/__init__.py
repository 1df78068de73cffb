"""What reaches people: alert and report text, and the channels that carry it."""
