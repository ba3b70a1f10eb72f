"""The bus's AsyncAPI document, as `orderflow-asyncapi` generates it from the code (the same
text as the committed docs/asyncapi.yaml), and a page an operator reads it on: every topic, its
key, the events on it, who sends them and which consumer groups read which."""

import functools
from html import escape

from orderflow_asyncapi import CHANNELS, render, service_subscriptions


@functools.cache
def document() -> str:
    return render()


@functools.cache
def page() -> str:
    readers: dict[str, list[tuple[str, str, str]]] = {}
    for service, subscriptions in sorted(service_subscriptions().items()):
        for topic, event_type, use_case in subscriptions.routes():
            readers.setdefault(topic, []).append((service, event_type, use_case))
    rows = []
    for channel in sorted(CHANNELS, key=lambda c: c.topic):
        sent = "<br>".join(
            f"<b>{escape(sender)}</b>: {escape(', '.join(events))}"
            for sender, events in channel.senders.items()
        )
        read = [
            f"<b>{escape(service)}</b>: {escape(event)} → {escape(use_case)}"
            for service, event, use_case in readers.get(channel.topic, [])
        ] + [f"<b>{escape(partner)}</b> (partner)" for partner in channel.partner_readers]
        rows.append(
            f'<tr data-topic="{escape(channel.topic)}"><td><code>{escape(channel.topic)}</code>'
            f'<br><span class="muted">key: {escape(channel.key)}; dead letters:'
            f" {escape(channel.topic)}.dlq</span></td><td>{sent}</td>"
            f"<td>{'<br>'.join(read) or '<span class=muted>none</span>'}</td></tr>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>orderflow: the event bus</title>
<link rel="stylesheet" href="/static/console.css"></head>
<body><header><h1>orderflow</h1><nav><a href="/">console</a>
<a href="/asyncapi.yaml">asyncapi.yaml</a></nav></header>
<main><h2>The event bus: topics, events, producers and consumers</h2>
<p class="muted">From the AsyncAPI 3.0 document generated from libs/contracts and the services'
subscriptions (<a href="/asyncapi.yaml">/asyncapi.yaml</a>, committed as docs/asyncapi.yaml).
Every record is a JSON envelope; its headers carry type, version, correlation_id,
causation_id, source and a W3C traceparent.</p>
<table data-testid="topics"><thead><tr><th>topic</th><th>events, by producer</th>
<th>consumers: event → use case</th></tr></thead><tbody>
{"".join(rows)}
</tbody></table></main></body></html>"""
