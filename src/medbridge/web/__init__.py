"""Server-rendered pages (Jinja2), Chinese first with an English switch."""
