"""A reviewer sets up an authenticator app from the admin, logs in with its code and with a
recovery code, and an administrator resets it (the server runs with DEBUG on, where a
second factor is optional: whoever has one must use it)."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp

REVIEWER2 = ("reviewer2", "kidal-reviewer2-2023")
ADMIN = ("admin", "kidal-admin-2023")


def next_code(secret):
    """The code the app will show in the next 30-second step: the code used to confirm the
    app is never accepted twice, and the next one is within django-otp's tolerance."""
    return f"{totp(secret, t0=-30):06d}"


def log_out(visitor):
    visitor.page.click("#logout-form button")
    visitor.page.wait_for_load_state()


@pytest.mark.browser
def test_setting_up_and_using_a_second_factor(visitors):
    person, admin = visitors("reviewer2"), visitors("admin")
    person.log_in(*REVIEWER2)

    # 1. From any admin page, the user tools lead to the setup page: a QR code drawn by the
    # site itself, and the key as text.
    person.page.click("#user-tools a:has-text('Second factor')")
    person.page.wait_for_load_state()
    qr = person.page.locator("#second-factor-qr")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    assert qr.get_attribute("src").startswith("/admin/")
    secret = b32decode(person.page.inner_text("#second-factor-secret").replace(" ", ""))
    person.screenshot("20-second-factor-setup")

    # 2. Confirming with the app's code shows the recovery codes, once.
    person.page.fill("#id_code", f"{totp(secret):06d}")
    person.page.click("button[type=submit]:has-text('Confirm')")
    person.page.wait_for_load_state()
    codes = person.page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    person.screenshot("21-second-factor-recovery-codes")

    # 3. The password alone no longer opens the desk; the password and a code do.
    log_out(person)
    person.goto("/admin/login/")
    person.page.fill("#id_username", REVIEWER2[0])
    person.page.fill("#id_password", REVIEWER2[1])
    person.page.click("input[type=submit]")
    person.page.wait_for_load_state()
    assert "/admin/login/" in person.page.url
    assert "Enter the six-digit code" in person.page.inner_text(".errornote")
    person.screenshot("22-login-asks-for-the-code")
    person.log_in(*REVIEWER2, code=next_code(secret))
    assert "Review queue" in person.page.inner_text("#content")

    # 4. A recovery code works in place of the app's code.
    log_out(person)
    person.log_in(*REVIEWER2, code=codes[0])

    # 5. An administrator resets it (a lost phone): the password alone works again here,
    # where DEBUG makes the second factor optional.
    admin.log_in(*ADMIN)
    admin.goto("/admin/auth/user/?q=reviewer2")
    admin.page.check("input[name=_selected_action]")
    admin.page.select_option("select[name=action]", "reset_second_factor")
    admin.page.click("button[name=index]")
    admin.page.wait_for_load_state()
    assert "was reset" in admin.page.inner_text(".messagelist")
    log_out(person)
    person.log_in(*REVIEWER2)
