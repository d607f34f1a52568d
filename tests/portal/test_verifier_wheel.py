"""The offline verifier's wheel (judicial_verify/portal/verifier_wheel.py): the tlog package
alone, its dependencies stated, a valid wheel, the same bytes from the same sources."""

import base64
import csv
import hashlib
import io
import shutil
import zipfile
from email.parser import Parser
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import parse_wheel_filename

from judicial_verify.portal.verifier_wheel import SOURCES, Wheel, wheel_build


def _files(wheel: Wheel) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(wheel.data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _metadata(wheel: Wheel) -> list[tuple[str, str]]:
    (name,) = (n for n in _files(wheel) if n.endswith(".dist-info/METADATA"))
    return Parser().parsestr(_files(wheel)[name].decode()).items()


def _copy_of_sources(tmp_path: Path) -> Path:
    copy = tmp_path / "elsewhere" / "tlog"
    shutil.copytree(SOURCES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_it_holds_the_tlog_package_and_nothing_else_of_the_project() -> None:
    wheel = wheel_build()
    name, version, _, tags = parse_wheel_filename(wheel.filename)
    assert name == "judicial-verify-tlog"
    assert {str(t) for t in tags} == {"py3-none-any"}
    dist_info = f"judicial_verify_tlog-{version}.dist-info"
    sources = {f"judicial_verify/tlog/{p.name}" for p in SOURCES.glob("*.py")}
    assert "judicial_verify/tlog/cli.py" in sources
    assert "judicial_verify/tlog/__main__.py" in sources
    # No judicial_verify/__init__.py: the package above tlog is a namespace where installed.
    assert set(_files(wheel)) == sources | {
        f"{dist_info}/METADATA",
        f"{dist_info}/WHEEL",
        f"{dist_info}/RECORD",
    }
    assert list(_files(wheel))[-1] == f"{dist_info}/RECORD"


def test_its_record_gives_every_other_files_hash_and_size() -> None:
    files = _files(wheel_build())
    (record_name,) = (n for n in files if n.endswith("/RECORD"))
    rows = list(csv.reader(io.StringIO(files[record_name].decode())))
    assert {row[0] for row in rows} == set(files)
    for name, hashed, size in rows:
        if name == record_name:
            assert (hashed, size) == ("", "")
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(files[name]).digest()).rstrip(b"=")
        assert hashed == f"sha256={digest.decode()}"
        assert int(size) == len(files[name])


def test_its_metadata_states_the_python_and_the_two_core_dependencies() -> None:
    wheel = wheel_build()
    metadata = _metadata(wheel)
    _, version, _, _ = parse_wheel_filename(wheel.filename)
    assert ("Name", "judicial-verify-tlog") in metadata
    assert ("Version", str(version)) in metadata
    assert ("Requires-Python", ">=3.11") in metadata
    requires = [Requirement(v) for k, v in metadata if k == "Requires-Dist"]
    # Whatever extras offer, what every installation gets is these two.
    assert sorted(r.name for r in requires if r.marker is None) == ["cryptography", "rfc8785"]


def test_its_dependencies_admit_the_versions_the_project_tests_with() -> None:
    pins = {}
    for line in (Path(settings.BASE_DIR) / "requirements.txt").read_text().splitlines():
        name, _, pinned = line.partition("==")
        pins[name.strip().lower()] = pinned.strip()
    for key, value in _metadata(wheel_build()):
        if key == "Requires-Dist":
            requirement = Requirement(value)
            assert requirement.specifier.contains(pins[requirement.name]), value


def test_an_extra_is_stated_as_pip_reads_one() -> None:
    metadata = _metadata(wheel_build(extras={"fingerprint": ["pypdfium2>=5"]}))
    assert ("Provides-Extra", "fingerprint") in metadata
    (optional,) = (Requirement(v) for k, v in metadata if k == "Requires-Dist" and "pypdfium2" in v)
    assert optional.marker is not None
    assert optional.marker.evaluate({"extra": "fingerprint"})
    assert not optional.marker.evaluate({"extra": ""})


def test_the_same_sources_anywhere_make_the_same_bytes(tmp_path: Path) -> None:
    wheel = wheel_build()
    assert wheel_build() == wheel
    # Another checkout: other paths and file times, the same wheel and SHA-256.
    elsewhere = wheel_build(sources=_copy_of_sources(tmp_path))
    assert elsewhere == wheel
    assert elsewhere.sha256 == hashlib.sha256(wheel.data).hexdigest()


def test_other_sources_make_a_wheel_of_another_name(tmp_path: Path) -> None:
    copy = _copy_of_sources(tmp_path)
    with (copy / "cli.py").open("a") as cli:
        cli.write("\n# changed\n")
    assert wheel_build(sources=copy).filename != wheel_build().filename
    assert wheel_build(requires=("cryptography>=50",)).filename != wheel_build().filename
