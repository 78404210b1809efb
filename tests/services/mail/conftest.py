import pytest
import time_machine

from tests.helpers.mail_desk import NOW
from tests.helpers.stored_orders import lamp_and_mugs


@pytest.fixture
def desk(sqlite_database, tmp_path):
    """A desk with the lamp-and-mugs orders, its clock held at NOW."""
    lamp_and_mugs(sqlite_database.engine, tmp_path)
    with time_machine.travel(NOW, tick=False):
        yield sqlite_database.engine
