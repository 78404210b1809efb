"""A single desk's staff for tests: the owner with their PIN given, then colleagues added
by that owner — as Desk › Staff does it (services.staff_admin, services.protection.pins)."""

from sellerdesk.services import staff_admin

PIN = "2468-test"


def owner_at_work(engine, name: str = "Ana") -> None:
    """`name` owns the desk (its first person, if nobody works there yet) and has given
    their PIN, so an owner's and supervisor's acts go through for the next 15 minutes."""
    staff_admin.give_pin(engine, name, PIN)


def hire(engine, name: str, role: str = "agent", limits: str = "", *,
         owner: str = "Ana") -> None:
    owner_at_work(engine, owner)
    staff_admin.save_staff(engine, name=name, role=role, approval_limits=limits, staff=owner)
    if role != "agent":
        staff_admin.give_pin(engine, name, PIN)
