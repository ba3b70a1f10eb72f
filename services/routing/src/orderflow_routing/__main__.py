from orderflow_runtime import run

from orderflow_routing.app import create_spec
from orderflow_routing.config import Settings


def main() -> None:
    settings = Settings()
    run(create_spec(settings), settings)


if __name__ == "__main__":
    main()
