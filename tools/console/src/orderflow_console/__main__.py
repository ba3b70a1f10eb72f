"""`python -m orderflow_console`: the console on CONSOLE_HTTP_PORT (127.0.0.1)."""

import uvicorn

from orderflow_console.app import create_app
from orderflow_console.config import ConsoleSettings


def main() -> None:
    settings = ConsoleSettings.from_env()
    uvicorn.run(
        create_app(settings), host="127.0.0.1", port=settings.http_port, log_level="warning"
    )


if __name__ == "__main__":
    main()
