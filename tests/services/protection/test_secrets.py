import keyring
from keyring.backends.fail import Keyring as NoKeyring

from sellerdesk.services.protection import secrets


def test_secrets_go_to_the_os_keyring():
    assert secrets.set_secret("refresh-token", "Atzr|marker") is True
    assert keyring.get_password("SellerDesk", "refresh-token") == "Atzr|marker"
    assert secrets.get_secret("refresh-token") == "Atzr|marker"
    assert secrets.keyring_available()


def test_without_a_keyring_secrets_live_in_memory_and_it_is_said_once(caplog):
    keyring.set_keyring(NoKeyring())
    assert secrets.set_secret("refresh-token", "Atzr|marker") is False
    assert secrets.get_secret("refresh-token") == "Atzr|marker"
    assert secrets.set_secret("buyer-reference-key", "ab" * 32) is False
    assert secrets.get_secret("buyer-reference-key") == "ab" * 32   # kept for the session
    assert not secrets.keyring_available()
    assert secrets.backend_name() == "this session's memory"
    warnings = [r for r in caplog.records if "No OS keyring" in r.getMessage()]
    assert len(warnings) == 1


def test_the_buyer_key_is_made_once_and_kept(sqlite_url):
    from sellerdesk.services.database import open_database
    from sellerdesk.services.protection.shared_keys import ensure_buyer_reference_key
    with open_database(sqlite_url) as db:
        key = ensure_buyer_reference_key(db.engine)
        assert len(key) == 32
        assert ensure_buyer_reference_key(db.engine) == key
    assert bytes.fromhex(keyring.get_password("SellerDesk", "buyer-reference-key")) == key
