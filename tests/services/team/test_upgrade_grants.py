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


def test_the_database_itself_keeps_a_draft_to_its_author_supervisors_and_owner(postgres,
                                                                                 tmp_path):
    """The rules are the app's and the database's: Ben, an agent, cannot withdraw Ana's
    draft even with SQL of his own; Cy, a supervisor, can; no agent makes one current."""
    import sqlalchemy as sa

    from sellerdesk.store.engine import reading
    url, _ = make_team(postgres, tmp_path, ana={"role": "agent"}, ben={"role": "agent"},
                       cy={"role": "supervisor"})
    with open_database(url) as owner:
        current = policies.policy_version_text(owner.engine, 1)
    with open_database(as_login(url, "ana")) as ana:
        draft = policy_drafts.save_draft(
            ana.engine, current.replace("percent = 30", "percent = 45", 1),
            note="damaged at 45 %", by=None)
    withdraw = sa.text("UPDATE policy_draft SET withdrawn_by = current_user, "
                       "withdrawn_at = now() WHERE id = :d")
    with open_database(as_login(url, "ben")) as ben:
        with writing(ben.engine) as conn:
            assert conn.execute(withdraw, {"d": draft.id}).rowcount == 0
        with reading(ben.engine) as conn:
            assert conn.execute(sa.text("SELECT withdrawn_by FROM policy_draft")).all() \
                == [(None,)]
    with open_database(as_login(url, "cy")) as cy:
        with writing(cy.engine) as conn:
            assert conn.execute(withdraw, {"d": draft.id}).rowcount == 1
        assert policy_drafts.policy_draft(cy.engine, draft.id).state_text == "withdrawn by cy"
