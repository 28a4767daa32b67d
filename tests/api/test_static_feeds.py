"""The published feeds as files (``ROTA_STATIC_FEEDS_DIR``): the very bytes the service sends, the
current version under the current token only, never a half-written version, and nginx with the
shipped configuration (``deploy/nginx/``) answering polls from them and asking the service for
the rest. (Every rota here comes from a job, which verifies it before storing it.)"""

from __future__ import annotations

import email.utils
import gzip
import os
import shutil
import stat
import subprocess
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from api import static_feeds
from api.errors import ServiceMisconfigured
from api.local_server import LocalServer, free_loopback_port, local_server, uvicorn_command
from api.main import create_app
from api.settings import Settings
from api.static_feeds import FEEDS, VERSIONS, StaticFeeds
from bench.nginx import check_config, in_front_config, main_config, running_nginx, shipped
from tests.api.test_http import ADMIN_TOKEN, AUTH, settings, solve_and_publish, tiny_yaml, upload
from tests.web.helpers import librarian_of, post_form
from tests.web.test_publish_pages import CHANGES, solve

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = ["settings"]  # the fixture, used by name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def files_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"static_feeds_dir": tmp_path / "static"})


@pytest.fixture
def root(files_settings: Settings) -> Path:
    """The folder the service keeps the files in."""
    assert files_settings.static_feeds_dir is not None
    return files_settings.static_feeds_dir


@pytest.fixture
def client(files_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(files_settings)) as client:
        yield client


def _token(feed_base: str) -> str:
    return feed_base.strip("/").split("/")[-1]


def _files(root: Path, token: str) -> dict[str, bytes]:
    folder = root / FEEDS / token
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())} if folder.exists() else {}


def test_publishing_writes_each_feed_as_the_service_sends_it(client: TestClient, root: Path) -> None:
    base = solve_and_publish(client)
    files = _files(root, _token(base))
    feeds = [name for name in files if name.endswith(".ics")]
    assert "library.ics" in feeds and any(name.startswith("class-") for name in feeds)
    for name in feeds:
        plain = client.get(base + name, headers={"Accept-Encoding": "identity"})
        assert files[name] == plain.content
        modified = email.utils.parsedate_to_datetime(plain.headers["Last-Modified"])
        assert (root / FEEDS / _token(base) / name).stat().st_mtime == modified.timestamp()
        if f"{name}.gz" in files:  # the same gzipped bytes the service sends (nginx's gzip_static)
            with client.stream("GET", base + name, headers={"Accept-Encoding": "gzip"}) as zipped:
                assert zipped.headers["Content-Encoding"] == "gzip"
                assert b"".join(zipped.iter_raw()) == files[f"{name}.gz"]
            assert gzip.decompress(files[f"{name}.gz"]) == files[name]
        else:
            assert len(files[name]) < 1024
    assert any(name.endswith(".gz") for name in files)


def test_nobody_can_list_the_tokens(client: TestClient, root: Path) -> None:
    solve_and_publish(client)
    for folder in (root, root / FEEDS, root / VERSIONS):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o711, folder
    for version in (root / VERSIONS).iterdir():
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in version.iterdir())


def test_a_rotated_token_stops_being_served_from_the_files(client: TestClient, root: Path) -> None:
    old = _token(solve_and_publish(client))
    before = _files(root, old)
    rotated = client.post("/schools/tiny/feed-token", headers=AUTH)
    assert rotated.status_code == 200
    new = _token(rotated.json()["feed_url"])
    assert not (root / FEEDS / old).exists()
    assert _files(root, new) == before
    assert client.get(f"/feeds/{old}/library.ics").status_code == 404
    assert len(list((root / VERSIONS).iterdir())) == 1


def test_a_new_version_replaces_the_old_files_with_a_later_time(client: TestClient, root: Path) -> None:
    base = solve_and_publish(client)
    link = root / FEEDS / _token(base)
    first_target = os.readlink(link)
    # As if the first version had been published in the same second as the next: a rota solved again
    # is the same rota, of the same sizes, and nginx's validators (time and size) would then say 304
    # to a poll of the old version. The next version's time must move on past it.
    later = int(time.time()) + 100
    for path in link.iterdir():
        os.utime(path, (later, later))
    assert solve_and_publish(client) == base
    assert os.readlink(link) != first_target
    assert (link / "library.ics").stat().st_mtime == later + 1
    assert [p.name for p in (root / VERSIONS).iterdir()] == [Path(os.readlink(link)).name]


def test_sync_leaves_only_what_the_database_says(client: TestClient, root: Path) -> None:
    assert upload(client, "unpublished").status_code == 201
    token = _token(solve_and_publish(client))
    (root / FEEDS / "aStrayTokenOfAnOldDatabase").symlink_to(f"../{VERSIONS}/tiny.1.1")
    (root / FEEDS / ".new-0123").symlink_to("nowhere")
    (root / VERSIONS / "tiny.9.9").mkdir()
    (root / VERSIONS / ".new-4567").mkdir()
    state = client.app.state.service  # type: ignore[attr-defined]
    report = state.static_feeds.sync(state.session_factory, state.feed_cache)
    assert report.dropped == 1 and report.written == []
    assert sorted(p.name for p in (root / FEEDS).iterdir()) == [token]
    assert [p.name for p in (root / VERSIONS).iterdir()] == [Path(os.readlink(root / FEEDS / token)).name]


def test_sync_heals_a_link_whose_folder_was_removed(client: TestClient, root: Path) -> None:
    token = _token(solve_and_publish(client))
    shutil.rmtree((root / FEEDS / token).resolve())  # the version folder, removed by hand
    assert not (root / FEEDS / token).exists()
    state = client.app.state.service  # type: ignore[attr-defined]
    assert state.static_feeds.sync(state.session_factory, state.feed_cache).written == ["tiny"]
    assert _files(root, token)["library.ics"] == client.get(f"/feeds/{token}/library.ics").content


def test_a_failed_write_leaves_the_service_answering(
    client: TestClient, root: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:

    def full_disk(path: Path, body: bytes, mtime: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(static_feeds, "_write_file", full_disk)
    base = solve_and_publish(client)
    assert "could not be brought up to date" in caplog.text
    assert list((root / FEEDS).iterdir()) == [] and list((root / VERSIONS).iterdir()) == []
    assert client.get(base + "library.ics").status_code == 200  # nginx falls through to this
    monkeypatch.undo()
    state = client.app.state.service  # type: ignore[attr-defined]
    assert state.static_feeds.sync(state.session_factory, state.feed_cache).written == ["tiny"]
    assert _files(root, _token(base))["library.ics"] == client.get(base + "library.ics").content


def test_start_up_writes_what_was_published_before(settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(settings)) as plain:
        token = _token(solve_and_publish(plain))
    root = tmp_path / "later"
    with TestClient(create_app(settings.model_copy(update={"static_feeds_dir": root}))):
        deadline = time.monotonic() + 20
        while not (root / FEEDS / token / "library.ics").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (root / FEEDS / token / "library.ics").exists()


def test_an_unwritable_folder_stops_the_start_with_one_line(settings: Settings, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    bad = settings.model_copy(update={"static_feeds_dir": blocker / "static"})
    with pytest.raises(ServiceMisconfigured, match="cannot make ROTA_STATIC_FEEDS_DIR"):
        bad.check()


def test_two_syncs_at_once_leave_one_consistent_tree(client: TestClient, root: Path) -> None:
    token = _token(solve_and_publish(client))
    state = client.app.state.service  # type: ignore[attr-defined]
    other = StaticFeeds(root)  # as another server process on this machine would hold it
    (root / FEEDS / token).unlink()

    threads = [
        threading.Thread(target=files.sync, args=(state.session_factory, state.feed_cache))
        for files in (state.static_feeds, other, state.static_feeds, other)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.name for p in (root / FEEDS).iterdir()] == [token]
    assert [p.name for p in (root / VERSIONS).iterdir()] == [Path(os.readlink(root / FEEDS / token)).name]
    assert _files(root, token)["library.ics"] == client.get(f"/feeds/{token}/library.ics").content


# --- nginx with the shipped configuration --------------------------------------------------------


@pytest.fixture
def world() -> Iterator[Path]:
    """A folder nginx's worker (another user when the tests run as root) can walk into."""
    folder = Path(tempfile.mkdtemp(prefix="rota-nginx-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def behind_nginx(world: Path) -> Iterator[tuple[str, LocalServer]]:
    """``rota``'s server with ROTA_STATIC_FEEDS_DIR, behind nginx with the shipped locations: the
    nginx address and the server."""
    static, log = world / "static", world / "server.log"
    settings = {"ROTA_STATIC_FEEDS_DIR": str(static), "ROTA_JOB_TIME_LIMIT_SECONDS": "20"}
    with local_server(world / "data", ADMIN_TOKEN, uvicorn_command, log, ROOT, settings) as app:
        port = free_loopback_port()
        config = in_front_config(world, static, app.base_url.removeprefix("http://"), port)
        with running_nginx(world, config, port, "/health") as front:
            yield front, app


def _from_service(through_nginx: httpx.Response, direct: httpx.Response, status: int) -> bool:
    """Whether nginx passed on the service's own answer (its page, not nginx's)."""
    assert through_nginx.status_code == direct.status_code == status
    assert "text/html" in through_nginx.headers["Content-Type"]
    return through_nginx.content == direct.content


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 20
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} was not written"
        time.sleep(0.05)


def test_nginx_answers_polls_from_the_files_and_asks_the_service_for_the_rest(
    behind_nginx: tuple[str, LocalServer], world: Path
) -> None:
    front, app = behind_nginx
    service = app.base_url
    with httpx.Client(base_url=front, headers=AUTH, timeout=30) as admin:
        unknown = "/feeds/unknown-token/library.ics"
        assert _from_service(admin.get(unknown), httpx.get(service + unknown), 404)
        uploaded = admin.put(
            "/schools/tiny/scenario",
            content=tiny_yaml(),
            headers={"Content-Type": "application/yaml"},
        )
        assert uploaded.status_code == 201, uploaded.text
        job = admin.post("/schools/tiny/solves").json()
        deadline = time.monotonic() + 60
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.1)
            job = admin.get(job["url"]).json()
        assert job["status"] == "succeeded", job
        token = _token(admin.get("/schools/tiny").json()["feed_url"])
        # Before the publish the token's address falls through to the service: "nothing published".
        assert admin.get(f"/feeds/{token}/library.ics").status_code == 404
        assert admin.post(f"/schools/tiny/rotas/{job['rota_version']}/publish").status_code == 200
        _wait_for(world / "static" / FEEDS / token / "library.ics")
    url = f"/feeds/{token}/library.ics"
    direct = httpx.get(service + url, headers={"Accept-Encoding": "identity"})
    with httpx.Client(base_url=front) as calendar_app:
        plain = calendar_app.get(url, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200
        assert plain.content == direct.content
        assert not plain.headers["ETag"].startswith('W/"')  # nginx's own validator: the file answered
        assert plain.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert plain.headers["Last-Modified"] == direct.headers["Last-Modified"]
        for name in ("Cache-Control", "Referrer-Policy", "X-Robots-Tag"):
            assert plain.headers[name] == direct.headers[name], name
        identity = {"Accept-Encoding": "identity"}
        assert (
            calendar_app.get(url, headers=identity | {"If-None-Match": plain.headers["ETag"]}).status_code
            == 304
        )
        since = {"If-Modified-Since": plain.headers["Last-Modified"]}
        assert calendar_app.get(url, headers=identity | since).status_code == 304
        with calendar_app.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as zipped:
            assert zipped.headers["Content-Encoding"] == "gzip"
            assert "Accept-Encoding" in zipped.headers["Vary"]
            assert gzip.decompress(b"".join(zipped.iter_raw())) == direct.content
        # An app that takes gzip polls with the gzipped file's own validator.
        again = {"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}
        assert calendar_app.get(url, headers=again).status_code == 304
        page = calendar_app.get(f"/feeds/{token}/")  # the teachers' page: the service's
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
        missing = f"/feeds/{token}/no-such-feed.ics"
        assert _from_service(calendar_app.get(missing), httpx.get(service + missing), 404)
        assert calendar_app.get(f"/feeds/{token}/../../versions/").status_code == 404
    with httpx.Client(base_url=front, headers=AUTH, timeout=30) as admin:
        rotated = admin.post("/schools/tiny/feed-token")
        assert rotated.status_code == 200
        new = _token(rotated.json()["feed_url"])
        assert _from_service(httpx.get(front + url), httpx.get(service + url), 404)
        _wait_for(world / "static" / FEEDS / new / "library.ics")
        moved = httpx.get(f"{front}/feeds/{new}/library.ics", headers={"Accept-Encoding": "identity"})
        assert moved.status_code == 200 and moved.content == direct.content
        assert not moved.headers["ETag"].startswith('W/"')
    # The service stopped (a restart, a crash): the published feeds are still answered, from the files.
    app.process.terminate()
    app.process.wait(15)
    down = httpx.get(f"{front}/feeds/{new}/library.ics", headers={"Accept-Encoding": "identity"})
    assert down.status_code == 200 and down.content == direct.content
    assert httpx.get(f"{front}/feeds/{new}/").status_code == 502  # the teachers' page needs the service


def test_the_shipped_site_passes_nginx_own_check(world: Path) -> None:
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test"),
            *("-keyout", str(world / "key.pem"), "-out", str(world / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    for name in ("rota-locations.conf", "rota-proxy.conf"):
        (world / name).write_text(shipped(name, world, world / "static"))
    site = (
        shipped("rota-site.conf", world, world / "static")
        .replace("/etc/letsencrypt/live/library.school.example/fullchain.pem", str(world / "cert.pem"))
        .replace("/etc/letsencrypt/live/library.school.example/privkey.pem", str(world / "key.pem"))
        .replace("listen 80;", f"listen 127.0.0.1:{free_loopback_port()};")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{free_loopback_port()} ssl http2;")
    )
    check = check_config(world, main_config(world, site))
    assert check.returncode == 0, check.stderr
    assert "syntax is ok" in check.stderr


def test_the_web_apps_publish_and_rotate_keep_the_files_too(tmp_path: Path) -> None:
    root = tmp_path / "static"
    with librarian_of(tmp_path, static_feeds_dir=root) as client:
        number = solve(client)
        assert post_form(client, CHANGES, f"/app/s/tiny/rotas/{number}/publish", {}).status_code == 303
        old = _token(client.get("/schools/tiny", headers=AUTH).json()["feed_url"])
        files = _files(root, old)
        assert files["library.ics"] == client.get(f"/feeds/{old}/library.ics").content
        page = "/app/s/tiny/teachers"
        assert post_form(client, page, f"{page}/feed-token", {"confirm": "yes"}).status_code == 303
        new = _token(client.get("/schools/tiny", headers=AUTH).json()["feed_url"])
        assert new != old and not (root / FEEDS / old).exists()
        assert _files(root, new) == files
