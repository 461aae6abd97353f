"""Page text -> document model -> endpoint model: the readers (markdown, crawler export, HTML) and extraction.

The only side that knows what a page looks like; nothing on the wire side imports it.
"""
