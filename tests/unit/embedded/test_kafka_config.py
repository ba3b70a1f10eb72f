import base64
import hashlib
from unittest import mock

import pytest
from orderflow_embedded.kafka import broker, jars


def test_a_cluster_id_is_16_bytes_of_url_safe_base64_never_read_as_an_option():
    dashed = mock.Mock(bytes=b"\xfb" + bytes(15))  # encodes to "-w..."
    plain = mock.Mock(bytes=bytes(16))
    with mock.patch.object(broker.uuid, "uuid4", side_effect=[dashed, plain]):
        cluster_id = broker.cluster_id()
    assert cluster_id == "AAAAAAAAAAAAAAAAAAAAAA"
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_every_locked_jar_is_pinned_to_a_version_and_a_sha256():
    locked = jars.locked_jars()
    assert any(jar.artifact == "kafka_2.13" for jar in locked)
    assert len({jar.file_name for jar in locked}) == len(locked)
    assert all(jar.version for jar in locked)
    assert all(
        len(jar.sha256) == 64 and set(jar.sha256) <= set("0123456789abcdef") for jar in locked
    )


def repository_with(tmp_path, jar_bytes: bytes) -> tuple[str, jars.Jar]:
    jar = jars.Jar("org.example", "thing", "1.0", hashlib.sha256(jar_bytes).hexdigest())
    folder = tmp_path / "repo" / "org" / "example" / "thing" / "1.0"
    folder.mkdir(parents=True)
    (folder / "thing-1.0.jar").write_bytes(jar_bytes)
    return (tmp_path / "repo").as_uri(), jar


def test_fetch_downloads_a_missing_jar_once_and_keeps_it(tmp_path, monkeypatch):
    repository, jar = repository_with(tmp_path, b"PK jar bytes")
    monkeypatch.setattr(jars, "locked_jars", lambda: [jar])
    home = tmp_path / "kafka"
    assert jars.fetch(home, repository) == 1
    assert jars.fetch(home, repository) == 0
    assert (home / "thing-1.0.jar").read_bytes() == b"PK jar bytes"
    assert jars.classpath(home) == str(home / "thing-1.0.jar")


def test_a_jar_whose_checksum_differs_is_refused_and_not_kept(tmp_path, monkeypatch):
    repository, jar = repository_with(tmp_path, b"tampered")
    pinned = jars.Jar(jar.group, jar.artifact, jar.version, hashlib.sha256(b"real").hexdigest())
    monkeypatch.setattr(jars, "locked_jars", lambda: [pinned])
    with pytest.raises(RuntimeError, match="sha256"):
        jars.fetch(tmp_path / "kafka", repository)
    assert not (tmp_path / "kafka" / "thing-1.0.jar").exists()


def test_a_broker_without_its_jars_says_how_to_fetch_them(tmp_path):
    with pytest.raises(jars.KafkaNotInstalled, match="make setup"):
        jars.classpath(tmp_path)
