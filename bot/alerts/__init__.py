"""Feeds and breaking-news alerts, without Discord: parse (items, identity, breaking), poller,
outbox (exactly-once delivery to sinks), console sink, service façade and the `feeds` CLI."""
