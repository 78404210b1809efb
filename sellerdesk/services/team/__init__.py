"""The shared PostgreSQL desk: setting one up (its schema, logins, roles, a single desk's
data moved in) and joining one from this computer."""
