"""The policy lab: try a policy on past issues, and watch what the desk concedes (#26)."""
