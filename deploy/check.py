"""Validates docker-compose.yml and deploy/k8s/ without Docker or a cluster.

    .venv/bin/python deploy/check.py        (or: make check-deploy)

Catches what would otherwise surface only at deploy time: a misspelt setting (pydantic-settings
ignores unknown variables), a topic missing from the init job, two services sharing a
database, a Deployment without probes, a manifest kustomize does not know about, an operators'
console that does not reach a service or reads another keys file than the services.
Prints each check and exits 1 if any failed.
"""

import json
import re
import sys
from collections.abc import Callable, Iterable
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from orderflow_console.config import VARIABLES as CONSOLE_VARIABLES
from orderflow_contracts.setup import SellerSetup
from orderflow_contracts.topics import all_topics, topic_config
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
K8S_DIR = ROOT / "deploy" / "k8s"
KUSTOMIZATION = K8S_DIR / "kustomization.yaml"
INIT_SQL = ROOT / "deploy" / "postgres" / "init.sql"
SELLER_SETUP = ROOT / "simulators" / "src" / "orderflow_simulators" / "seller.json"
SERVICES = ("intake", "routing", "inventory", "fulfillment", "notifications")
CONSOLE = "console"  # the operators' web console (tools/console), built from the same Dockerfile
REQUIRED_DEPENDENCIES = {
    "kafka": "service_healthy",
    "topics": "service_completed_successfully",
    "postgres": "service_healthy",
}

Doc = dict[str, Any]
Check = Callable[[], list[str]]


# --- loading ------------------------------------------------------------------------------


def load_documents(path: Path) -> list[Doc]:
    with path.open() as stream:  # a stream, so parse errors name the file
        return [doc for doc in yaml.safe_load_all(stream) if doc is not None]


def k8s_documents() -> dict[str, list[Doc]]:
    """Every manifest in deploy/k8s by file name, kustomization.yaml included."""
    return {path.name: load_documents(path) for path in sorted(K8S_DIR.glob("*.yaml"))}


def of_kind(manifests: dict[str, list[Doc]], kind: str) -> list[Doc]:
    return [doc for docs in manifests.values() for doc in docs if doc.get("kind") == kind]


def by_name(docs: Iterable[Doc]) -> dict[str, Doc]:
    return {doc["metadata"]["name"]: doc for doc in docs}


def expected_topics() -> list[str]:
    setup = SellerSetup.load(SELLER_SETUP)
    return all_topics([location.location_id for location in setup.locations])


def built_services(compose: Doc) -> dict[str, Doc]:
    """The compose services built from this repository: the orderflow services and console."""
    return {name: spec for name, spec in compose["services"].items() if "build" in spec}


def orderflow_services(compose: Doc) -> dict[str, Doc]:
    """The five services (built, with a database and Settings of their own)."""
    return {name: spec for name, spec in built_services(compose).items() if name != CONSOLE}


def compose_environment(spec: Doc) -> dict[str, str | None]:
    environment = spec.get("environment") or {}
    if isinstance(environment, list):
        pairs = (item.partition("=") for item in environment)
        return {name: value if sep else None for name, sep, value in pairs}
    return {name: None if value is None else str(value) for name, value in environment.items()}


def container_environment(container: Doc, configmaps: dict[str, Doc]) -> dict[str, str | None]:
    """Variables a container gets from env (valueFrom counts as unknown) and envFrom maps."""
    environment: dict[str, str | None] = {}
    for source in container.get("envFrom", []):
        if ref := source.get("configMapRef"):
            data = configmaps.get(ref["name"], {}).get("data", {})
            prefix = source.get("prefix", "")
            environment |= {prefix + key: str(value) for key, value in data.items()}
    for variable in container.get("env", []):
        environment[variable["name"]] = variable.get("value")
    return environment


def containers(doc: Doc) -> list[Doc]:
    return list(doc["spec"]["template"]["spec"]["containers"])


def command_text(spec: Doc) -> str:
    """Entrypoint/command/args of a compose service or a k8s container, as one text."""
    parts: list[str] = []
    for key in ("entrypoint", "command", "args"):
        value = spec.get(key) or []
        parts.extend([value] if isinstance(value, str) else value)
    return "\n".join(parts)


# --- settings -----------------------------------------------------------------------------


def settings_fields(service: str) -> dict[str, FieldInfo]:
    settings = import_module(f"orderflow_{service}.config").Settings
    return dict(settings.model_fields)


def environment_problems(service: str, environment: dict[str, str | None], where: str) -> list[str]:
    """Each variable must be <SERVICE>_<field> of the service's Settings, with a valid value
    (the console's: one of those it reads)."""
    if service == CONSOLE:
        unknown = sorted(set(environment) - set(CONSOLE_VARIABLES))
        return [f"{where}: {name} is not read by orderflow_console" for name in unknown]
    if service not in SERVICES:
        return [f"{where}: {service!r} is not an orderflow service"]
    fields, prefix = settings_fields(service), f"{service.upper()}_"
    problems = []
    for name, value in environment.items():
        field = fields.get(name.removeprefix(prefix).lower()) if name.startswith(prefix) else None
        if field is None:
            problems.append(f"{where}: {name} is not a setting of orderflow_{service} ({prefix}*)")
        elif value is not None and "${" not in value:
            problems.extend(f"{where}: {name}={value!r}: {e}" for e in invalid(field, value))
    return problems


def invalid(field: FieldInfo, value: str) -> list[str]:
    """Why pydantic-settings would reject this value from the environment, if it would."""
    annotation: Any = field.annotation
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError as error:
        return [err["msg"] for err in error.errors()]
    return []


# --- topics -------------------------------------------------------------------------------


def topic_problems(script: str, where: str) -> list[str]:
    """Every topic must appear as a word of the script, on a line that sets its configs."""
    if not script:
        return [f"{where}: no topic creation command found"]
    lines = [line.split() for line in script.splitlines()]
    words = {word.strip("'\"") for line in lines for word in line}
    problems = [f"{where}: topic {t} is not created" for t in expected_topics() if t not in words]
    for topic in expected_topics():
        wanted = {f"{key}={value}" for key, value in topic_config(topic).items()}
        if not any(topic in line and wanted <= set(line) for line in lines):
            problems.append(f"{where}: {topic} is not created with {sorted(wanted)}")
    return problems


# --- compose checks -----------------------------------------------------------------------


def check_compose_files(compose: Doc) -> list[str]:
    """Dockerfiles, config files and bind-mounted files the compose file refers to exist."""
    paths = [
        Path(spec["build"].get("context", ".")) / spec["build"].get("dockerfile", "Dockerfile")
        for spec in built_services(compose).values()
    ]
    # a file named by a required variable (${NAME:?...}) is the operator's to give
    configs = compose.get("configs", {}).values()
    paths += [Path(config["file"]) for config in configs if "${" not in config["file"]]
    for spec in compose["services"].values():
        volumes = [v for v in spec.get("volumes", []) if isinstance(v, str)]
        paths += [Path(v.split(":")[0]) for v in volumes if v.startswith((".", "/"))]
    missing = sorted({path for path in paths if not (ROOT / path).exists()})
    return [f"compose: {path} does not exist" for path in missing]


def condition_of(spec: Doc, dependency: str) -> str | None:
    depends_on = spec.get("depends_on", {})
    if not isinstance(depends_on, dict):  # the short list form has no conditions
        return None
    return (depends_on.get(dependency) or {}).get("condition")


def check_compose_services(compose: Doc) -> list[str]:
    """Each built service builds its own image and waits for Kafka, topics and PostgreSQL."""
    problems = []
    for name, spec in built_services(compose).items():
        if spec["build"].get("args", {}).get("SERVICE") != name:
            problems.append(f"compose: {name} is not built with SERVICE={name}")
        if name == CONSOLE:
            continue
        for dependency, condition in REQUIRED_DEPENDENCIES.items():
            if condition_of(spec, dependency) != condition:
                problems.append(f"compose: {name} must depend on {dependency}: {condition}")
    missing = set(SERVICES) - set(built_services(compose))
    return problems + [f"compose: service {name} is missing" for name in sorted(missing)]


def check_compose_environment(compose: Doc) -> list[str]:
    problems = []
    for name, spec in built_services(compose).items():
        environment = compose_environment(spec)
        problems += environment_problems(name, environment, f"compose {name}")
    return problems


def check_compose_topics(compose: Doc) -> list[str]:
    topics = compose["services"].get("topics")
    if topics is None:
        return ["compose: no `topics` init service"]
    return topic_problems(command_text(topics), "compose topics")


def database_of(url: str) -> tuple[str, str]:
    """(host:port/database, user) of a DSN whose password may be a ${...} placeholder."""
    parts = urlsplit(re.sub(r"\$\{[^}]*\}", "secret", url))
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}", parts.username or ""


def check_compose_databases(compose: Doc) -> list[str]:
    """One database per service, created by init.sql and owned by the role that connects."""
    owners = dict(re.findall(r"CREATE DATABASE (\w+) OWNER (\w+)", INIT_SQL.read_text()))
    problems, seen = [], dict[str, str]()
    for name, spec in orderflow_services(compose).items():
        url = compose_environment(spec).get(f"{name.upper()}_DATABASE_URL")
        if not url:
            problems.append(f"compose: {name} has no {name.upper()}_DATABASE_URL")
            continue
        database, user = database_of(url)
        if database in seen:
            problems.append(f"compose: {name} and {seen[database]} share database {database}")
        seen[database] = name
        if owners.get(database.rsplit("/", 1)[-1]) != user:
            problems.append(f"compose: {database} is not created in init.sql owned by {user!r}")
    return problems


# --- kubernetes checks --------------------------------------------------------------------


def check_k8s_environment(manifests: dict[str, list[Doc]]) -> list[str]:
    configmaps = by_name(of_kind(manifests, "ConfigMap"))
    problems = []
    for deployment in of_kind(manifests, "Deployment"):
        service = deployment["metadata"]["name"]
        for container in containers(deployment):
            environment = container_environment(container, configmaps)
            problems += environment_problems(service, environment, f"k8s {service}")
    missing = set(SERVICES) - set(by_name(of_kind(manifests, "Deployment")))
    return problems + [f"k8s: no Deployment for {name}" for name in sorted(missing)]


def configmaps_used(deployment: Doc) -> set[str]:
    pod = deployment["spec"]["template"]["spec"]
    used = {
        volume["configMap"]["name"] for volume in pod.get("volumes", []) if "configMap" in volume
    }
    for container in containers(deployment):
        sources = container.get("envFrom", [])
        used |= {source["configMapRef"]["name"] for source in sources if "configMapRef" in source}
    return used


def secrets_used(deployment: Doc) -> set[tuple[str, str]]:
    variables = [variable for c in containers(deployment) for variable in c.get("env", [])]
    refs = [v["valueFrom"]["secretKeyRef"] for v in variables if "valueFrom" in v]
    return {(ref["name"], ref["key"]) for ref in refs}


def secret_volumes(deployment: Doc) -> set[str]:
    pod = deployment["spec"]["template"]["spec"]
    return {v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v}


def check_k8s_references(manifests: dict[str, list[Doc]]) -> list[str]:
    """ConfigMaps the Deployments use exist; Secrets they use are in secret.example.yaml."""
    configmaps = set(by_name(of_kind(manifests, "ConfigMap")))
    secrets = of_kind(manifests, "Secret")
    examples = {(s["metadata"]["name"], key) for s in secrets for key in s.get("stringData", {})}
    problems = []
    for deployment in of_kind(manifests, "Deployment"):
        missing = configmaps_used(deployment) - configmaps
        problems += [f"k8s: ConfigMap {name} does not exist" for name in sorted(missing)]
        unknown = secrets_used(deployment) - examples
        problems += [
            f"k8s: Secret {n}/{k} is not in secret.example.yaml" for n, k in sorted(unknown)
        ]
        unmounted = secret_volumes(deployment) - {name for name, _ in examples}
        problems += [f"k8s: Secret {n} is not in secret.example.yaml" for n in sorted(unmounted)]
    return problems


def check_k8s_probes(manifests: dict[str, list[Doc]]) -> list[str]:
    problems = []
    for deployment in of_kind(manifests, "Deployment"):
        for container in containers(deployment):
            for probe in ("readinessProbe", "livenessProbe"):
                path = container.get(probe, {}).get("httpGet", {}).get("path")
                if path != "/healthz":
                    where = f"{deployment['metadata']['name']}/{container['name']}"
                    problems.append(f"k8s: {where} has no {probe} on /healthz")
    return problems


def check_k8s_topics(manifests: dict[str, list[Doc]]) -> list[str]:
    jobs = of_kind(manifests, "Job")
    if not jobs:
        return ["k8s: no Job creating topics"]
    script = "\n".join(command_text(c) for job in jobs for c in containers(job))
    return topic_problems(script, "k8s topics job")


def check_k8s_seller_setup(manifests: dict[str, list[Doc]]) -> list[str]:
    """The seller-setup ConfigMap holds the same setup the topics were checked against."""
    configmap = by_name(of_kind(manifests, "ConfigMap")).get("seller-setup")
    if configmap is None:
        return ["k8s: no seller-setup ConfigMap"]
    shipped = json.loads(configmap["data"]["seller.json"])
    if shipped != json.loads(SELLER_SETUP.read_text()):
        return [f"k8s: seller-setup differs from {SELLER_SETUP.relative_to(ROOT)}"]
    return []


def check_kustomization(manifests: dict[str, list[Doc]]) -> list[str]:
    """Listed files exist; every other manifest but *.example.yaml is listed."""
    listed = manifests[KUSTOMIZATION.name][0].get("resources", [])
    problems = [
        f"kustomization: {name} does not exist" for name in listed if not (K8S_DIR / name).exists()
    ]
    unlisted = set(manifests) - set(listed) - {KUSTOMIZATION.name}
    for name in sorted(unlisted):
        if not name.endswith(".example.yaml"):
            problems.append(f"kustomization: {name} is not listed in resources")
    example_listed = [name for name in listed if name.endswith(".example.yaml")]
    return problems + [f"kustomization: {name} must not be deployed" for name in example_listed]


# --- the operators' console ---------------------------------------------------------------


def console_problems(
    console: dict[str, str | None],
    services: dict[str, dict[str, str | None]],
    address_of: Callable[[str], tuple[str, str] | None],
    where: str,
) -> list[str]:
    """The console reaches every service at the address and port it serves on, reads the
    broker the services read, and the keys file every service reads (one set of operators).
    `address_of(service)`: (host, port) the service is reached at, None if nowhere."""
    problems = []
    keys_file = console.get("CONSOLE_API_KEYS_FILE")
    if not keys_file:
        problems.append(f"{where}: the console has no CONSOLE_API_KEYS_FILE")
    for service in SERVICES:
        env = services.get(service, {})
        prefix = service.upper()
        url = console.get(f"CONSOLE_{prefix}_URL")
        reached = urlsplit(url) if url else None
        expected = address_of(service)
        if reached is None or expected is None:
            problems.append(f"{where}: the console does not reach {service}")
        elif (reached.hostname, str(reached.port or 80)) != expected:
            problems.append(f"{where}: CONSOLE_{prefix}_URL={url} is not {service} at {expected}")
        if env.get(f"{prefix}_API_KEYS_FILE") != keys_file:
            problems.append(f"{where}: {service} does not read the console's keys file {keys_file}")
        if env.get(f"{prefix}_KAFKA_BOOTSTRAP_SERVERS") != console.get(
            "CONSOLE_KAFKA_BOOTSTRAP_SERVERS"
        ):
            problems.append(f"{where}: the console's broker is not {service}'s")
    return problems


def check_compose_console(compose: Doc) -> list[str]:
    console = compose["services"].get(CONSOLE)
    if console is None or "build" not in console:
        return [f"compose: service {CONSOLE} is missing"]
    services = {
        name: compose_environment(spec) for name, spec in orderflow_services(compose).items()
    }

    def address_of(service: str) -> tuple[str, str] | None:
        port = services.get(service, {}).get(f"{service.upper()}_HTTP_PORT")
        return (service, port) if port else None

    problems = console_problems(compose_environment(console), services, address_of, "compose")
    problems += [
        f"compose: the console must wait for {service} to be healthy"
        for service in SERVICES
        if condition_of(console, service) != "service_healthy"
    ]
    keys = "api-keys"
    for name, spec in [*orderflow_services(compose).items(), (CONSOLE, console)]:
        if keys not in [c.get("source") for c in spec.get("configs", []) if isinstance(c, dict)]:
            problems.append(f"compose: {name} does not mount the {keys} config")
    return problems


def check_k8s_console(manifests: dict[str, list[Doc]]) -> list[str]:
    deployments = by_name(of_kind(manifests, "Deployment"))
    if CONSOLE not in deployments:
        return [f"k8s: no Deployment for {CONSOLE}"]
    configmaps = by_name(of_kind(manifests, "ConfigMap"))
    k8s_services = by_name(of_kind(manifests, "Service"))

    def environment(name: str) -> dict[str, str | None]:
        merged: dict[str, str | None] = {}
        for container in containers(deployments[name]) if name in deployments else []:
            merged |= container_environment(container, configmaps)
        return merged

    def address_of(service: str) -> tuple[str, str] | None:
        ports = k8s_services.get(service, {}).get("spec", {}).get("ports", [])
        return (service, str(ports[0]["port"])) if ports else None

    services = {service: environment(service) for service in SERVICES}
    problems = console_problems(environment(CONSOLE), services, address_of, "k8s")
    for name in (*SERVICES, CONSOLE):
        if name in deployments and "operator-keys" not in secret_volumes(deployments[name]):
            problems.append(f"k8s: {name} does not mount the operator-keys Secret")
    return problems


# --- main ---------------------------------------------------------------------------------


def checks(compose: Doc, manifests: dict[str, list[Doc]]) -> dict[str, Check]:
    return {
        "compose: referenced Dockerfile and files exist": lambda: check_compose_files(compose),
        "compose: services, build args and depends_on": lambda: check_compose_services(compose),
        "compose: env vars are Settings fields": lambda: check_compose_environment(compose),
        "compose: topics init creates every topic": lambda: check_compose_topics(compose),
        "compose: one database per service": lambda: check_compose_databases(compose),
        "compose: the console reaches every service, same keys": lambda: check_compose_console(
            compose
        ),
        "k8s: env vars are Settings fields": lambda: check_k8s_environment(manifests),
        "k8s: ConfigMaps and Secrets referenced exist": lambda: check_k8s_references(manifests),
        "k8s: Deployments have readiness and liveness probes": lambda: check_k8s_probes(manifests),
        "k8s: topics Job creates every topic": lambda: check_k8s_topics(manifests),
        "k8s: seller-setup matches the demo setup": lambda: check_k8s_seller_setup(manifests),
        "k8s: kustomization resources": lambda: check_kustomization(manifests),
        "k8s: the console reaches every service, same keys": lambda: check_k8s_console(manifests),
    }


def run(checks_by_name: dict[str, Check]) -> int:
    failed = 0
    for name, check in checks_by_name.items():
        problems = check()
        print(f"{'FAIL' if problems else 'ok  '}  {name}")
        for problem in problems:
            print(f"        - {problem}")
        failed += bool(problems)
    print(f"\n{len(checks_by_name) - failed} of {len(checks_by_name)} checks passed")
    return 1 if failed else 0


def main() -> int:
    try:
        compose = load_documents(COMPOSE_FILE)[0]
        manifests = k8s_documents()
    except (OSError, yaml.YAMLError) as error:
        print(f"FAIL  parsing: {error}")
        return 1
    print(f"parsed {COMPOSE_FILE.name} and {len(manifests)} files in {K8S_DIR.relative_to(ROOT)}")
    print(f"expecting {len(expected_topics())} topics from {SELLER_SETUP.relative_to(ROOT)}\n")
    return run(checks(compose, manifests))


if __name__ == "__main__":
    sys.exit(main())
