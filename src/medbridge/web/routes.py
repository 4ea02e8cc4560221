"""Pages. (Being written: see the web helper's task.)"""

from fastapi import FastAPI


def register_pages(app: FastAPI) -> None:
    pass
