"""The web application: JSON API under /api, pages everywhere else."""

from __future__ import annotations

from fastapi import FastAPI

from medbridge import __version__
from medbridge.config import get_settings
from medbridge.db import Database


def create_app(database: Database | None = None) -> FastAPI:
    settings = get_settings()
    database = database or Database(settings.database_url)
    app = FastAPI(title="MedBridge 医桥", version=__version__,
                  description="医工协同、成果转化平台 API / Medical technology transfer platform API. "
                              "Anyone may read what is public; writes need `Authorization: Bearer TOKEN` "
                              "(`medbridge users token NAME`) or a signed-in session with its X-CSRF-Token.")
    app.state.database = database
    app.state.settings = settings

    from medbridge.api.routes import register_api
    from medbridge.api.security import (BODY_OVERHEAD, ApiErrorMiddleware, BodyLimitMiddleware,
                                        SecurityHeadersMiddleware)
    from medbridge.web.routes import register_pages

    register_api(app)
    register_pages(app)
    # The last added runs first: the security headers go on every response, the body limit's 413
    # and the API's 500 included.
    app.add_middleware(BodyLimitMiddleware, limit=lambda: app.state.settings.max_upload_bytes + BODY_OVERHEAD)
    app.add_middleware(ApiErrorMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
