"""Answers -> what a person reads: plain text for the console, embeds for Discord."""
