"""A team database for tests: `team init` by the cluster's superuser (the owner), one
order of 80.00, and the colleagues asked for. Returns the owner's URL and the team key."""

from pathlib import Path

from sellerdesk.services.imports.orders import import_orders
from sellerdesk.services.protection.shared_keys import team_key_text
from sellerdesk.services.team.setup import add_user, team_init
from tests.helpers.reports import row, write

ORDER = "114-3941689-8772232"


def make_team(postgres, folder: Path, **colleagues: dict) -> tuple[str, str]:
    url = postgres.new_database()
    db, _ = team_init(url)
    with db:
        report = write(folder / f"team-{url.rsplit('/', 1)[-1][:20]}.txt",
                       [row(ORDER, price="80.00")])
        import_orders(db.engine, report)
        for name, options in colleagues.items():
            add_user(db.engine, name, **options)
        key = team_key_text(db.engine)
    assert key is not None
    return url, key


def as_login(url: str, login: str) -> str:
    return url.replace("sellerdesk@", f"{login}@", 1)
