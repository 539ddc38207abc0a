"""Local accounts: the store's accounts, the `kb user` commands, sign-in and roles on the web."""
from __future__ import annotations

import pytest

from kb.accounts import AccountError, Accounts
from kb.store import Store

PASSWORD = "a long enough secret"


@pytest.fixture
def accounts(tmp_path):
    store = Store(tmp_path / "kb.sqlite3")
    yield Accounts(store.db)
    store.close()


def test_an_account_signs_in_with_its_password_only(accounts):
    assert not accounts.any()
    accounts.add("ann", "editor", PASSWORD)
    assert accounts.any()
    assert accounts.verify("ann", PASSWORD).role == "editor"
    assert accounts.verify("ANN", PASSWORD).name == "ann"          # names are not case-sensitive
    assert accounts.verify("ann", PASSWORD + "x") is None
    assert accounts.verify("bob", PASSWORD) is None
    stored = accounts.db.execute("SELECT password_hash FROM accounts").fetchone()[0]
    assert stored.startswith("$argon2") and PASSWORD not in stored


def test_bad_names_roles_and_passwords_are_refused_with_a_reason(accounts):
    with pytest.raises(AccountError, match="cannot be an account name"):
        accounts.add("ann smith", "reader", PASSWORD)
    with pytest.raises(AccountError, match="not a role"):
        accounts.add("ann", "owner", PASSWORD)
    with pytest.raises(AccountError, match="too short"):
        accounts.add("ann", "reader", "short")
    with pytest.raises(AccountError, match="account's name"):
        accounts.add("annabelle1", "reader", "annabelle1")
    accounts.add("ann", "reader", PASSWORD)
    with pytest.raises(AccountError, match="already an account"):
        accounts.add("Ann", "admin", PASSWORD)
    assert [(a.name, a.role) for a in accounts.list()] == [("ann", "reader")]


def test_disable_stops_sign_in_and_reset_restores_it_with_a_new_password(accounts):
    accounts.add("ann", "reader", PASSWORD)
    before = accounts.get("ann").sessions
    assert accounts.disable("ann").disabled
    assert accounts.verify("ann", PASSWORD) is None
    assert accounts.get("ann").sessions > before                    # her open sessions end
    after = accounts.reset("ann", "another long secret", role="editor")
    assert not after.disabled and after.role == "editor"
    assert accounts.verify("ann", PASSWORD) is None
    assert accounts.verify("ann", "another long secret") is not None
    with pytest.raises(AccountError, match="no account"):
        accounts.disable("bob")


def test_roles_include_the_ones_below(accounts):
    reader = accounts.add("rita", "reader", PASSWORD)
    admin = accounts.add("adam", "admin", PASSWORD)
    assert reader.can("reader") and not reader.can("editor")
    assert admin.can("reader") and admin.can("editor") and admin.can("admin")


# -- the web app ---------------------------------------------------------------------------
import re  # noqa: E402

from kb.kb import KnowledgeBase  # noqa: E402
from web import access  # noqa: E402
from web.app import create_app  # noqa: E402
from web.ratelimit import AttemptLimiter  # noqa: E402

NOTE = """# Northshire self-evaluation 2024-25

## Leadership

Caseloads remain too high in two teams and recruitment of experienced social workers is difficult.
"""
ROLE_OF = {"rita": "reader", "eddie": "editor", "ada": "admin"}


def make_home(tmp_path, with_accounts=True):
    (tmp_path / "note.md").write_text(NOTE, encoding="utf-8")
    home = tmp_path / "kb"
    base = KnowledgeBase(home)
    assert base.ingest([tmp_path / "note.md"]).ok
    if with_accounts:
        for name, role in ROLE_OF.items():
            Accounts(base.store.db).add(name, role, PASSWORD)
    base.close()
    return home


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = create_app(make_home(tmp_path_factory.mktemp("acc")))
    application.config["TESTING"] = True
    yield application
    application.extensions["kb_jobs"].shutdown()


@pytest.fixture
def client(app):
    app.extensions.pop("kb_sign_in_limits", None)       # each test starts with no failed attempts
    return app.test_client()


def csrf(client, path="/sign-in") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name, password=PASSWORD, **kw):
    return client.post("/sign-in", data={"csrf_token": csrf(client), "name": name, "password": password,
                                         "next": kw.pop("next", "/")}, **kw)


def a_paragraph(app) -> str:
    return next(iter(app.extensions["kb_state"].kb().store.paragraphs()))["paragraph_id"]


def test_without_accounts_the_app_serves_this_computer_only(tmp_path):
    app = create_app(make_home(tmp_path, with_accounts=False))
    client = app.test_client()
    assert client.get("/").status_code == 200                 # loopback: no sign-in
    assert client.get("/upload").status_code == 200
    away = client.get("/", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert away.status_code == 403 and "kb user add" in away.get_data(as_text=True)
    app.extensions["kb_jobs"].shutdown()


def test_nobody_signed_in_is_sent_to_sign_in_or_refused(app, client):
    r = client.get("/search?q=caseloads")
    assert r.status_code == 303 and r.headers["Location"].startswith("/sign-in?next=/search")
    token = csrf(client)
    pid = a_paragraph(app)
    r = client.post(f"/paragraph/{pid}/tags", data={"csrf_token": token, "action": "accept"})
    assert r.status_code == 401
    r = client.get("/upload/x/status", headers={"Accept": "application/json"})
    assert r.status_code == 401 and "Sign in" in r.get_json()["error"]
    assert client.get("/static/style.css").status_code == 200


# (method, path, role needed); paths that do not exist still say whether access was granted:
# a refusal is 401 or 403, anything else got past the check.
ROUTES = [
    ("GET", "/", "reader"), ("GET", "/judgement/leadership", "reader"), ("GET", "/criterion/lead.workforce", "reader"),
    ("GET", "/documents", "reader"), ("GET", "/document/nope", "reader"), ("GET", "/paragraph/nope", "reader"),
    ("GET", "/search?q=caseloads", "reader"), ("GET", "/ask", "reader"), ("GET", "/compare", "reader"),
    ("GET", "/pack", "reader"), ("GET", "/pack.md?theme=nope", "reader"),
    ("GET", "/export/evidence.csv?target=leadership", "reader"), ("GET", "/export/search.csv?q=caseloads", "reader"),
    ("GET", "/upload", "editor"), ("POST", "/upload", "editor"), ("GET", "/upload/nope", "editor"),
    ("GET", "/upload/nope/status", "editor"), ("GET", "/document/nope/review", "editor"),
    ("POST", "/paragraph/nope/tags", "editor"), ("POST", "/document/nope/accept", "editor"),
    ("GET", "/document/nope/remove", "admin"), ("POST", "/document/nope/remove", "admin"),
    ("GET", "/audit", "admin"), ("GET", "/audit.csv", "admin"),
]


@pytest.mark.parametrize("name", list(ROLE_OF))
def test_each_role_on_each_route(app, client, name):
    assert sign_in(client, name).status_code == 303
    token = csrf(client, "/")
    for method, path, needed in ROUTES:
        r = client.get(path) if method == "GET" else client.post(path, data={"csrf_token": token})
        allowed = access.rank(ROLE_OF[name]) >= access.rank(needed)
        assert (r.status_code not in (401, 403)) == allowed, (name, method, path, r.status_code)
        if not allowed:
            assert f"Only an {needed}" in r.get_data(as_text=True)


def test_every_route_is_listed_and_an_unlisted_one_needs_an_admin(tmp_path):
    app = create_app(make_home(tmp_path))
    app.add_url_rule("/new-thing", "new_thing", lambda: "new")
    listed = {r.endpoint for r in app.url_map.iter_rules()} - {"new_thing"}
    assert listed <= set(access.ROLE_FOR) | access.PUBLIC, listed - set(access.ROLE_FOR) - access.PUBLIC
    client = app.test_client()
    sign_in(client, "eddie")
    assert client.get("/new-thing").status_code == 403
    client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    sign_in(client, "ada")
    assert client.get("/new-thing").get_data(as_text=True) == "new"
    app.extensions["kb_jobs"].shutdown()


def test_sign_in_sets_a_protected_cookie_secure_over_https(app, client):
    r = sign_in(client, "rita")
    assert r.status_code == 303 and r.headers["Location"] == "/"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Signed in as rita (reader)" in client.get("/").get_data(as_text=True)
    secure = app.test_client()
    r = sign_in(secure, "rita", base_url="https://localhost")
    assert "Secure" in r.headers["Set-Cookie"]


def test_a_wrong_password_or_a_disabled_account_is_refused(app, client):
    r = sign_in(client, "rita", "not her password")
    assert r.status_code == 401 and "do not match" in r.get_data(as_text=True)
    assert client.get("/").status_code == 303
    assert sign_in(client, "nobody").status_code == 401


def test_sign_in_goes_only_to_a_page_of_this_site(client):
    assert sign_in(client, "rita", next="//evil.example/x").headers["Location"] == "/"


def test_attempts_are_limited_per_account_and_per_address(app, client):
    clock = [1000.0]
    app.extensions["kb_sign_in_limits"] = (AttemptLimiter(5, 900, lambda: clock[0]),
                                           AttemptLimiter(20, 900, lambda: clock[0]))
    for _ in range(5):
        assert sign_in(client, "rita", "wrong guess").status_code == 401
    r = sign_in(client, "rita")                                      # even the right password
    assert r.status_code == 429 and "Too many failed attempts" in r.get_data(as_text=True)
    other = app.test_client()
    assert sign_in(other, "rita", environ_base={"REMOTE_ADDR": "127.0.0.9"}).status_code == 429
    assert sign_in(client, "eddie").status_code == 303               # another account is not held up
    clock[0] += 901
    assert sign_in(client, "rita").status_code == 303                # the window has passed
    for i in range(20):
        sign_in(other, f"guess{i}", "wrong guess", environ_base={"REMOTE_ADDR": "127.0.0.7"})
    assert sign_in(other, "ada", environ_base={"REMOTE_ADDR": "127.0.0.7"}).status_code == 429


def test_a_session_ends_when_idle_disabled_reset_or_signed_out(app, client):
    sign_in(client, "rita")
    with client.session_transaction() as s:
        s["seen"] -= int(access.IDLE_TIMEOUT.total_seconds()) + 1
    assert client.get("/").status_code == 303
    sign_in(client, "eddie")
    assert client.get("/").status_code == 200
    Accounts(app.extensions["kb_state"].kb().store.db).reset("eddie", PASSWORD)
    assert client.get("/").status_code == 303                        # a reset ends earlier sign-ins
    sign_in(client, "eddie")
    r = client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    assert r.status_code == 303 and client.get("/").status_code == 303


def test_disabling_an_account_ends_its_session(tmp_path):
    app = create_app(make_home(tmp_path))
    client = app.test_client()
    sign_in(client, "rita")
    assert client.get("/").status_code == 200
    Accounts(app.extensions["kb_state"].kb().store.db).disable("rita")
    assert client.get("/").status_code == 303
    assert sign_in(client, "rita").status_code == 401
    app.extensions["kb_jobs"].shutdown()


def test_the_signed_in_account_is_who_made_a_correction(app, client):
    sign_in(client, "eddie")
    pid = a_paragraph(app)
    r = client.post(f"/paragraph/{pid}/tags", data={"csrf_token": csrf(client, f"/paragraph/{pid}"),
                                                    "who": "Someone Else", "action": "accept"})
    assert r.status_code == 303
    history = app.extensions["kb_state"].kb().store.correction(pid)
    assert history["who"] == "eddie"


def test_a_reader_sees_no_correction_form_and_no_upload_link(app, client):
    sign_in(client, "rita")
    pid = a_paragraph(app)
    html = client.get(f"/paragraph/{pid}").get_data(as_text=True)
    assert "Check the tags" not in html and 'href="/upload"' not in html and 'href="/audit"' not in html


def test_a_trusted_proxy_header_signs_in_only_when_the_setting_names_it(tmp_path):
    app = create_app(make_home(tmp_path))
    client = app.test_client()
    assert client.get("/", headers={"X-Remote-User": "rita"}).status_code == 303     # off: ignored
    app.config["KB_TRUSTED_USER_HEADER"] = "X-Remote-User"
    assert client.get("/", headers={"X-Remote-User": "rita"}).status_code == 200
    assert client.get("/upload", headers={"X-Remote-User": "rita"}).status_code == 403
    assert client.get("/", headers={"X-Remote-User": "mallory"}).status_code == 303  # no such account
    app.extensions["kb_jobs"].shutdown()


# -- kb serve and kb user ------------------------------------------------------------------
def test_serving_beyond_this_computer_without_accounts_is_refused(tmp_path, capsys):
    from web.serve import serve
    assert serve(tmp_path / "kb", "0.0.0.0", 5999) == 2
    err = capsys.readouterr().err
    assert "no accounts" in err and "kb user add NAME --role admin" in err
    assert access.is_loopback("127.0.0.1") and access.is_loopback("::1") and access.is_loopback("localhost")
    assert not access.is_loopback("0.0.0.0") and not access.is_loopback("192.168.1.10")


def test_kb_user_commands(tmp_path, capsys, monkeypatch):
    import io
    from kb.cli import main
    home = str(tmp_path / "kb")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--home", home, "user", "add", "ann", "--role", "editor", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--home", home, "user", "add", "bob", "--role", "reader", "--password-stdin"]) == 2
    assert "too short" in capsys.readouterr().err
    assert main(["--home", home, "user", "list"]) == 0
    out = capsys.readouterr().out
    assert "ann" in out and "editor" in out and "bob" not in out
    assert main(["--home", home, "user", "disable", "ann"]) == 0
    store = Store(tmp_path / "kb" / "kb.sqlite3")
    assert Accounts(store.db).verify("ann", PASSWORD) is None
    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new secret\n"))
    assert main(["--home", home, "user", "reset", "ann", "--role", "admin", "--password-stdin"]) == 0
    assert Accounts(store.db).verify("ann", "a brand new secret").role == "admin"
    assert main(["--home", home, "user", "reset", "zed", "--password-stdin"]) == 2
    assert "no account 'zed'" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--home", home, "user", "add", "cy", "--role", "reader"]) == 2     # no terminal
    assert "--password-stdin" in capsys.readouterr().err
