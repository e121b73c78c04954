"""The server-rendered pages: the one form and tracking (``pages.py``), the staff console,
the managers' dashboard and the API's own documentation page; they work without scripts."""
