"""Escaping text for the XML parts kpicli writes or scans by hand.

Our own few lines rather than xml.sax.saxutils, which imports urllib.request (25 ms of every run).
"""

from __future__ import annotations


def escape(text: str, *, quote: bool = False) -> str:
    """&, < and > (and " for attribute values) as entities."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def unescape(text: str) -> str:
    """The five predefined entities back to characters (&amp; last, so &amp;lt; stays &lt;)."""
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))
