"""`python -m orderflow_console`: the console on CONSOLE_HOST (127.0.0.1) : CONSOLE_HTTP_PORT."""

import uvicorn

from orderflow_console.app import create_app
from orderflow_console.config import ConsoleSettings


def main() -> None:
    settings = ConsoleSettings.from_env()
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.http_port, log_level="warning"
    )


if __name__ == "__main__":
    main()
