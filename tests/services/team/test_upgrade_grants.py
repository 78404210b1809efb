"""A team upgraded by its owner opening the new release: the tables a migration adds are
shared with the team's logins at once, as `team init` shares them, not only after the
owner thinks to run `team init` again."""

from alembic import command
from alembic.config import Config

from sellerdesk.services import policies, policy_drafts
from sellerdesk.services.database import open_database
from sellerdesk.store.engine import database_url, make_engine, writing
from sellerdesk.store.migrate import MIGRATIONS_DIR
from tests.helpers.teams import as_login, make_team


def test_an_agent_proposes_a_draft_on_a_team_its_owner_just_upgraded(postgres, tmp_path):
    url, _ = make_team(postgres, tmp_path, ana={"role": "agent"})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(database_url(url))
    with writing(engine) as conn:        # the team as the release before drafts left it
        config.attributes["connection"] = conn
        command.downgrade(config, "0021")
    engine.dispose()
    with open_database(url) as owner:    # the owner opens it: the schema moves to 0022
        current = policies.policy_version_text(owner.engine, 1)
    with open_database(as_login(url, "ana")) as ana:
        draft = policy_drafts.save_draft(
            ana.engine, current.replace("percent = 30", "percent = 45", 1),
            note="damaged at 45 %", by=None)
        assert [d.id for d in policy_drafts.drafts(ana.engine)] == [draft.id]
        assert draft.created_by == "ana"
