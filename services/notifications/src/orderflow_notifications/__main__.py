from orderflow_runtime import run

from orderflow_notifications.app import create_spec
from orderflow_notifications.config import Settings


def main() -> None:
    settings = Settings()
    run(create_spec(settings), settings)


if __name__ == "__main__":
    main()
