"""Route modules of the web app; each exposes ``routers`` (see mokmin.web.app.ROUTE_MODULES)."""
