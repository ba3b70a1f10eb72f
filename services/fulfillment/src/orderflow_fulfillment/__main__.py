from orderflow_runtime import run

from orderflow_fulfillment.app import create_spec
from orderflow_fulfillment.config import Settings


def main() -> None:
    settings = Settings()
    run(create_spec(settings), settings)


if __name__ == "__main__":
    main()
