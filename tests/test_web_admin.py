"""Admin pages (users, API keys, the city profile) and the staff account page, through a signed-in browser."""

from __future__ import annotations

import re

import pytest

from mokmin.guard.audit import open_log
from mokmin.profile import bundled_profile_path
from mokmin.web.app import create_app
from web_helpers import PASSWORD, admin_client, close_app, make_app, sign_in, staff_client, WebClient


@pytest.fixture
def app():
    app = make_app()
    yield app
    close_app(app)


def access_records(app, action: str) -> list[dict]:
    return [r for r in open_log(app.state.services.settings).records()
            if r["kind"] == "access" and r["details"]["action"] == action]


# ---- users ---------------------------------------------------------------------------------------------------
def test_admin_creates_a_user_who_can_sign_in_and_the_change_is_audited(app):
    boss = admin_client(app)
    page = boss.post_form("/admin/users", {"username": "lee", "password": "new-secret-42", "role": "staff",
                                           "display_name": "이주무관", "department": "홍보과"})
    assert page.status_code == 200
    assert "lee 계정을 만들었습니다" in page.text
    lee = app.state.services.users.by_username("lee")
    assert (lee.role, lee.display_name, lee.department) == ("staff", "이주무관", "홍보과")
    assert sign_in(WebClient(app, follow_redirects=False), "lee", "new-secret-42").status_code == 303
    [rec] = access_records(app, "user.create")
    assert rec["actor"] == "web:boss" and "lee" in rec["details"]["target"]


def test_user_list_shows_every_account(app):
    boss = admin_client(app)
    app.state.services.users.create("park", PASSWORD, "staff", display_name="박팀장")
    page = boss.get("/admin/users")
    assert page.status_code == 200
    assert 'id="user-table"' in page.text and "park" in page.text and "박팀장" in page.text and "boss" in page.text


def test_create_with_a_weak_password_shows_the_policy_message_and_creates_nothing(app):
    boss = admin_client(app)
    page = boss.post_form("/admin/users", {"username": "weak", "password": "short1", "role": "staff"})
    assert page.status_code == 400
    assert "비밀번호가 너무 짧습니다" in page.text
    assert app.state.services.users.by_username("weak") is None
    page = boss.post_form("/admin/users", {"username": "weak", "password": "onlyletterslong", "role": "staff"})
    assert "너무 단순합니다" in page.text


def test_role_change_and_last_admin_protection_shown_as_a_message(app):
    boss = admin_client(app)
    users = app.state.services.users
    me = users.by_username("boss")
    page = boss.post_form(f"/admin/users/{me.id}/role", {"role": "staff"})
    assert page.status_code == 400
    assert "마지막 관리자" in page.text
    assert users.get(me.id).role == "admin"
    assert access_records(app, "user.role")[-1]["details"]["ok"] is False

    kim = users.create("kim", PASSWORD, "staff")
    page = boss.post_form(f"/admin/users/{kim.id}/role", {"role": "admin"})
    assert page.status_code == 200 and "관리자(으)로 바꿨습니다" in page.text
    assert users.get(kim.id).role == "admin"
    # with a second admin, the first may step down
    page = boss.post_form(f"/admin/users/{me.id}/role", {"role": "staff"})
    assert page.status_code == 200
    assert users.get(me.id).role == "staff"
    # … and the changed session is over (role changes end sessions)
    assert boss.get("/admin/users").status_code in (303, 401)


def test_unknown_role_is_refused(app):
    boss = admin_client(app)
    kim = app.state.services.users.create("kim", PASSWORD, "staff")
    page = boss.post_form(f"/admin/users/{kim.id}/role", {"role": "superuser"})
    assert page.status_code == 400 and "알 수 없는 역할" in page.text
    assert app.state.services.users.get(kim.id).role == "staff"


def test_deactivate_ends_sessions_and_keys_then_reactivate(app):
    boss = admin_client(app)
    kim = staff_client(app, "kim")
    key = app.state.services.users.create_api_key(kim.user, "bot", "staff")
    assert kim.get("/staff").status_code == 200
    page = boss.post_form(f"/admin/users/{kim.user.id}/active", {"active": "0"})
    assert page.status_code == 200 and "비활성화했습니다" in page.text
    assert kim.get("/staff").status_code == 303  # signed out: back to the sign-in page
    assert WebClient(app).get("/staff", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert sign_in(WebClient(app, follow_redirects=False), "kim").status_code == 401
    boss.post_form(f"/admin/users/{kim.user.id}/active", {"active": "1"})
    assert sign_in(WebClient(app, follow_redirects=False), "kim").status_code == 303
    assert [r["details"]["target"] for r in access_records(app, "user.active")] == ["kim → inactive",
                                                                                    "kim → active"]


def test_last_admin_cannot_be_deactivated(app):
    boss = admin_client(app)
    me = boss.user
    page = boss.post_form(f"/admin/users/{me.id}/active", {"active": "0"})
    assert page.status_code == 400 and "마지막 관리자" in page.text
    assert app.state.services.users.get(me.id).active


def test_reset_password_signs_the_user_out_and_the_new_one_works(app):
    boss = admin_client(app)
    kim = staff_client(app, "kim")
    page = boss.post_form(f"/admin/users/{kim.user.id}/password", {"password": "reset-pass-99"})
    assert page.status_code == 200 and "비밀번호를 바꿨습니다" in page.text
    assert kim.get("/staff").status_code == 303
    assert sign_in(WebClient(app, follow_redirects=False), "kim", PASSWORD).status_code == 401
    assert sign_in(WebClient(app, follow_redirects=False), "kim", "reset-pass-99").status_code == 303
    assert access_records(app, "user.password_reset")[0]["details"]["target"] == "kim"


def test_admin_forms_need_the_csrf_token(app):
    boss = admin_client(app)
    response = boss.post("/admin/users", data={"username": "x", "password": "abcdefgh12", "role": "staff"})
    assert response.status_code == 403
    assert app.state.services.users.by_username("x") is None


# ---- API keys ------------------------------------------------------------------------------------------------
def test_api_key_is_shown_once_works_with_its_scope_and_can_be_revoked(app):
    boss = admin_client(app)
    kim = app.state.services.users.create("kim", PASSWORD, "staff")
    page = boss.post_form("/admin/keys", {"user_id": str(kim.id), "name": "민원 연동", "scope": "public"})
    assert page.status_code == 200
    key = re.search(r'<code id="new-key">(mk-[^<]+)</code>', page.text).group(1)
    assert app.state.services.users.api_key(key) == (kim, "public")
    listing = boss.get("/admin/keys").text
    assert key not in listing  # never shown again
    [row] = app.state.services.users.api_keys_of(kim.id)
    assert row["scope"] == "public" and row["name"] == "민원 연동"
    assert f'id="key-{row["key_id"]}"' in listing

    # a public key is no staff key
    robot = WebClient(app, headers={"Authorization": f"Bearer {key}"}, follow_redirects=False)
    assert robot.get("/staff").status_code == 401

    page = boss.post_form(f"/admin/keys/{kim.id}/{row['key_id']}/revoke")
    assert page.status_code == 200 and "폐기했습니다" in page.text
    assert app.state.services.users.api_key(key) is None
    targets = [r["details"]["target"] for r in access_records(app, "api_key.create")]
    assert targets == ["kim (public) 민원 연동"]
    assert len(access_records(app, "api_key.revoke")) == 1


def test_staff_scope_key_reaches_staff_routes(app):
    boss = admin_client(app)
    kim = app.state.services.users.create("kim", PASSWORD, "staff")
    page = boss.post_form("/admin/keys", {"user_id": str(kim.id), "name": "", "scope": "staff"})
    key = re.search(r'<code id="new-key">(mk-[^<]+)</code>', page.text).group(1)
    robot = WebClient(app, headers={"Authorization": f"Bearer {key}"})
    assert robot.get("/staff").status_code == 200


def test_revoking_an_unknown_key_or_bad_scope_is_a_message(app):
    boss = admin_client(app)
    page = boss.post_form(f"/admin/keys/{boss.user.id}/deadbeefdead/revoke")
    assert page.status_code == 400 and "그런 API 키가 없습니다" in page.text
    page = boss.post_form("/admin/keys", {"user_id": str(boss.user.id), "name": "x", "scope": "root"})
    assert page.status_code == 400 and "알 수 없는 범위" in page.text
    assert app.state.services.users.api_keys_of(boss.user.id) == []


def test_short_key_prefix_cannot_revoke_by_wildcard(app):
    boss = admin_client(app)
    key = app.state.services.users.create_api_key(boss.user, "a", "staff")
    page = boss.post_form(f"/admin/keys/{boss.user.id}/{'%25' * 12}/revoke")  # "%" would match any key in LIKE
    assert page.status_code == 400
    assert app.state.services.users.api_key(key) is not None


# ---- the city profile ----------------------------------------------------------------------------------------
def _edited_bundled(new_name: str) -> str:
    text = bundled_profile_path().read_text(encoding="utf-8")
    assert 'name = "당진시"' in text
    return text.replace('name = "당진시"', f'name = "{new_name}"', 1)


def test_profile_page_shows_the_bundled_profile(app):
    page = admin_client(app).get("/admin/profile")
    assert page.status_code == 200
    assert 'id="profile-toml"' in page.text and "[organization]" in page.text and "당진시" in page.text


def test_profile_save_validates_saves_atomically_with_backup_and_applies_at_once(app):
    boss = admin_client(app)
    home = app.state.services.settings.home
    first = _edited_bundled("가람시")
    page = boss.post_form("/admin/profile", {"toml": first})
    assert page.status_code == 200 and "가람시" in page.text
    assert (home / "profile.toml").read_text(encoding="utf-8") == first
    assert not (home / "profile.toml.bak").exists()  # nothing to keep the first time
    assert app.state.services.profile.organization.name == "가람시"
    assert "가람시" in boss.get("/staff").text  # the page header uses the running profile

    second = _edited_bundled("나래시")
    boss.post_form("/admin/profile", {"toml": second})
    assert (home / "profile.toml").read_text(encoding="utf-8") == second
    assert (home / "profile.toml.bak").read_text(encoding="utf-8") == first
    assert not list(home.glob("profile.toml.*.tmp"))
    assert len(access_records(app, "profile.update")) == 2

    # a new app on the same home (settings.profile unset) loads the saved profile
    again = create_app(app.state.services.settings)
    try:
        assert again.state.services.profile.organization.name == "나래시"
    finally:
        again.state.services.close()


@pytest.mark.parametrize("bad, message", [
    ('[organization\nname = "x"', "TOML 문법이 틀렸습니다"),
    ('ai_disclosure = "x"\n', "organization"),  # a required table is missing
    ('ai_disclosure = "x"\n[organization]\nname = "x"\nmayor = "y"\n', "organization.mayor"),
])
def test_bad_profile_gets_a_korean_error_and_nothing_is_saved(app, bad, message):
    boss = admin_client(app)
    page = boss.post_form("/admin/profile", {"toml": bad})
    assert page.status_code == 400
    assert message in page.text and "기관 프로필" in page.text
    assert not (app.state.services.settings.home / "profile.toml").exists()
    assert app.state.services.profile.organization.name == "당진시"
    assert access_records(app, "profile.update")[-1]["details"]["ok"] is False


def test_configured_profile_path_is_used_and_flagged_on_the_page(tmp_path):
    configured = tmp_path / "city.toml"
    configured.write_text(_edited_bundled("다온시"), encoding="utf-8")
    app = make_app(profile=configured)
    try:
        assert app.state.services.profile.organization.name == "다온시"
        page = admin_client(app).get("/admin/profile")
        assert 'id="profile-configured"' in page.text and "다온시" in page.text
    finally:
        close_app(app)


# ---- staff account -------------------------------------------------------------------------------------------
def test_staff_changes_own_password_other_sessions_end_this_one_stays(app):
    kim = staff_client(app, "kim")
    other_browser = staff_client(app, "kim")
    page = kim.post_form("/staff/account", {"current_password": PASSWORD, "new_password": "fresh-pass-31",
                                            "new_password_again": "fresh-pass-31"})
    assert page.status_code == 200 and "비밀번호를 바꿨습니다" in page.text
    assert kim.get("/staff").status_code == 200  # new session cookie
    assert other_browser.get("/staff").status_code == 303
    assert sign_in(WebClient(app, follow_redirects=False), "kim", "fresh-pass-31").status_code == 303
    assert access_records(app, "user.password_change")[0]["actor"] == "web:kim"


@pytest.mark.parametrize("form, message", [
    ({"current_password": "wrong-pass-1", "new_password": "fresh-pass-31", "new_password_again": "fresh-pass-31"},
     "지금 비밀번호가 맞지 않습니다"),
    ({"current_password": PASSWORD, "new_password": "fresh-pass-31", "new_password_again": "fresh-pass-32"},
     "두 칸이 서로 다릅니다"),
    ({"current_password": PASSWORD, "new_password": "short1", "new_password_again": "short1"},
     "너무 짧습니다"),
])
def test_password_change_refusals(app, form, message):
    kim = staff_client(app, "kim")
    page = kim.post_form("/staff/account", form)
    assert page.status_code == 400 and message in page.text
    assert sign_in(WebClient(app, follow_redirects=False), "kim", PASSWORD).status_code == 303


def test_staff_cannot_open_admin_pages_and_citizens_are_sent_to_sign_in(app):
    kim = staff_client(app, "kim")
    for path in ("/admin/users", "/admin/keys", "/admin/profile"):
        assert kim.get(path).status_code == 403
        assert WebClient(app, follow_redirects=False).get(path).status_code == 303
    assert kim.post_form("/admin/users", {"username": "evil", "password": "evil-pass-12",
                                          "role": "admin"}).status_code == 403
    assert app.state.services.users.by_username("evil") is None
