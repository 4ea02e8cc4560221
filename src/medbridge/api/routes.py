from fastapi import FastAPI


def register_api(app: FastAPI) -> None:
    pass
