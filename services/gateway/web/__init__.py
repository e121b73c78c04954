"""The gateway's web edge: the JSON API (``api/``), the pages (``pages/``), the schemas
that read what comes in (``schemas/``), the views that render what goes out, the errors
mapped in one place, the messages in zh-CN and English, and the hardened HTTP server."""
