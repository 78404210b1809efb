"""The courtesy-credit policy: `policy show|import|export|history|diff|restore|budget|
consistency|backtest|drafts|draft save|apply|withdraw`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sellerdesk.cli.common import emit, iso_date, open_desk, positive


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    policy = commands.add_parser("policy", parents=[common], help="the courtesy-credit policy")
    policy_cmds = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    show = policy_cmds.add_parser("show", parents=[common], help="print the policy in force")
    show.set_defaults(handler=cmd_policy)
    pin = policy_cmds.add_parser("import", parents=[common], help="save FILE as a new version")
    pin.add_argument("file", type=Path)
    pin.add_argument("--staff", metavar="NAME")
    pin.set_defaults(handler=cmd_policy)
    pout = policy_cmds.add_parser("export", parents=[common], help="write the policy to FILE")
    pout.add_argument("file", type=Path)
    pout.set_defaults(handler=cmd_policy)
    history = policy_cmds.add_parser("history", parents=[common],
                                     help="every saved version: who saved it and when, newest "
                                          "first")
    history.set_defaults(handler=cmd_policy_history)
    pdiff = policy_cmds.add_parser("diff", parents=[common],
                                   help="what changed from version A to version B")
    pdiff.add_argument("older", type=positive, metavar="A")
    pdiff.add_argument("newer", type=positive, metavar="B")
    pdiff.set_defaults(handler=cmd_policy_diff)
    pback = policy_cmds.add_parser("restore", parents=[common],
                                   help="make an old VERSION current again (saved as a new one)")
    pback.add_argument("version", type=positive, metavar="VERSION")
    pback.add_argument("--staff", metavar="NAME")
    pback.set_defaults(handler=cmd_policy)
    pbudget = policy_cmds.add_parser("budget", parents=[common],
                                     help="credits as a share of sales and each agent's share "
                                          "of issues credited, against the policy's [budget]")
    pbudget.set_defaults(handler=cmd_policy_budget)
    pcons = policy_cmds.add_parser("consistency", parents=[common],
                                   help="alike cases decided alike? each agent against the "
                                        "policy and colleagues, outliers with their issues")
    pcons.add_argument("--from", dest="start", type=iso_date, metavar="YYYY-MM-DD")
    pcons.add_argument("--to", dest="end", type=iso_date, metavar="YYYY-MM-DD")
    pcons.set_defaults(handler=cmd_policy_consistency)
    _add_draft_commands(policy_cmds, common)
    ptest = policy_cmds.add_parser("backtest", parents=[common],
                                   help="what the draft policy in FILE would have given on the "
                                        "issues logged in a range (default: the last 90 days)")
    ptest.add_argument("file", type=Path)
    ptest.add_argument("--from", dest="start", type=iso_date, metavar="YYYY-MM-DD")
    ptest.add_argument("--to", dest="end", type=iso_date, metavar="YYYY-MM-DD")
    ptest.set_defaults(handler=cmd_policy_backtest)


def cmd_policy(args: argparse.Namespace) -> int:
    from sellerdesk.services import policies
    from sellerdesk.services.staff import default_staff_name
    with open_desk(args) as db:
        if args.policy_command == "import":
            version, policy = policies.import_policy(db.engine, args.file,
                                                     by=args.staff or default_staff_name())
            text = f"Saved “{policy.name}” as policy version {version}"
        elif args.policy_command == "export":
            version, policy = policies.export_policy(db.engine, args.file)
            text = f"Wrote policy version {version} to {args.file}"
        elif args.policy_command == "restore":
            version, policy = policies.restore_policy(db.engine, args.version,
                                                      by=args.staff or default_staff_name())
            text = (f"Version {args.version} (“{policy.name}”) is in use again, as policy "
                    f"version {version}")
        else:
            version, policy = policies.ensure_active_policy(db.engine)
            text = f"# policy version {version}\n{policy.text.rstrip()}"
    emit(args, {"version": version, "name": policy.name, "text": policy.text}, text)
    return 0


def cmd_policy_history(args: argparse.Namespace) -> int:
    from sellerdesk.services import policies
    with open_desk(args) as db:
        policies.ensure_policy(db.engine)
        versions = policies.policy_versions(db.engine)
    emit(args, [{"version": v.version, "name": v.name, "saved_by": v.created_by,
                 "saved_at": v.created_at.isoformat() + "Z", "restored_from": v.restored_from,
                 "why": v.why}
                for v in versions],
         "\n".join(f"{v.version:>4}  {v.created_at:%Y-%m-%d %H:%M} UTC  {v.created_by:<12} "
                   f"{v.name}" + (f"  ({v.note})" if v.note else "") for v in versions))
    return 0


def cmd_policy_diff(args: argparse.Namespace) -> int:
    from sellerdesk.services import policies
    with open_desk(args) as db:
        diff = policies.policy_diff(db.engine, args.older, args.newer)
    emit(args, {"from": args.older, "to": args.newer, "diff": diff},
         diff or f"Version {args.older} and version {args.newer} are the same text.")
    return 0


def _add_draft_commands(policy_cmds: Any, common: argparse.ArgumentParser) -> None:
    """Policy as a reviewed change: a draft saved unapplied with a note, made current by
    an owner (with the reason) or withdrawn."""
    listing = policy_cmds.add_parser("drafts", parents=[common],
                                     help="every draft: its note, author, base version and "
                                          "what became of it, newest first")
    listing.set_defaults(handler=cmd_policy_drafts)
    draft = policy_cmds.add_parser("draft", parents=[common],
                                   help="save a draft for review, make one current, or "
                                        "withdraw one")
    draft_cmds = draft.add_subparsers(dest="draft_command", metavar="ACTION", required=True)
    save = draft_cmds.add_parser("save", parents=[common],
                                 help="keep FILE as a draft, unapplied, with a note for its "
                                      "reviewers")
    save.add_argument("file", type=Path)
    save.add_argument("--note", required=True, metavar="TEXT",
                      help="what it changes and why")
    save.add_argument("--staff", metavar="NAME")
    save.set_defaults(handler=cmd_policy_draft)
    apply = draft_cmds.add_parser("apply", parents=[common],
                                  help="make draft ID the policy in force (an owner; asks the "
                                       "PIN on a single desk)")
    apply.add_argument("draft_id", type=positive, metavar="ID")
    apply.add_argument("--why", required=True, metavar="TEXT",
                       help="kept with the new version")
    apply.add_argument("--anyway", action="store_true",
                       help="apply a draft based on an older version than the one in force")
    apply.add_argument("--staff", metavar="NAME")
    apply.set_defaults(handler=cmd_policy_draft)
    withdraw = draft_cmds.add_parser("withdraw", parents=[common],
                                     help="take draft ID back (its author, a supervisor or "
                                          "an owner)")
    withdraw.add_argument("draft_id", type=positive, metavar="ID")
    withdraw.add_argument("--staff", metavar="NAME")
    withdraw.set_defaults(handler=cmd_policy_draft)


def cmd_policy_drafts(args: argparse.Namespace) -> int:
    from sellerdesk.services import policy_drafts
    with open_desk(args) as db:
        drafts = policy_drafts.drafts(db.engine)
    emit(args, [d.as_json() for d in drafts],
         "\n".join(f"{d.id:>4}  {d.created_at:%Y-%m-%d %H:%M} UTC  {d.created_by:<12} "
                   f"on version {d.based_on:<4} {d.state_text}\n      {d.note}"
                   for d in drafts) or "No policy drafts.")
    return 0


def cmd_policy_draft(args: argparse.Namespace) -> int:
    from sellerdesk.services import policy_drafts
    from sellerdesk.services.staff import default_staff_name
    by = args.staff or default_staff_name()
    with open_desk(args) as db:
        if args.draft_command == "save":
            draft = policy_drafts.save_draft_file(db.engine, args.file, note=args.note, by=by)
            text = (f"Saved “{draft.name}” as policy draft {draft.id}, based on version "
                    f"{draft.based_on}; nothing changes until an owner applies it")
        elif args.draft_command == "apply":
            version, _ = policy_drafts.apply_draft(db.engine, args.draft_id, by=by,
                                                   why=args.why, anyway=args.anyway)
            draft = policy_drafts.policy_draft(db.engine, args.draft_id)
            text = (f"Policy draft {draft.id} is in force as policy version {version}: new "
                    "suggestions use it from now on")
        else:
            draft = policy_drafts.withdraw_draft(db.engine, args.draft_id, by=by)
            text = f"Policy draft {draft.id} withdrawn"
    emit(args, draft.as_json(), text)
    return 0


def cmd_policy_budget(args: argparse.Namespace) -> int:
    from sellerdesk.services.policy_lab.budget import budget_report
    with open_desk(args) as db:
        report = budget_report(db.engine)
    emit(args, report.as_json(), "\n".join(report.lines()))
    return 0


def cmd_policy_consistency(args: argparse.Namespace) -> int:
    from sellerdesk.services.policy_lab.consistency import consistency_report
    with open_desk(args) as db:
        report = consistency_report(db.engine, start=args.start, end=args.end)
    emit(args, report.as_json(), "\n".join(report.lines()))
    return 0


def cmd_policy_backtest(args: argparse.Namespace) -> int:
    from sellerdesk.cli.common import interactive, stderr_progress
    from sellerdesk.services.policy_lab.backtest import backtest_file, default_range
    first, last = default_range()
    start = args.start or (first if args.end is None else args.end - (last - first))
    end = args.end or max(last, start)
    progress = stderr_progress(interactive(args))
    with open_desk(args) as db:
        result = backtest_file(db.engine, args.file, start=start, end=end, progress=progress)
    if progress:
        print(file=sys.stderr)
    emit(args, result.as_json(), _backtest_text(result))
    return 0


def _backtest_text(result: Any) -> str:
    """A short table: per currency, the issues, what was given, what the policy then and
    the draft suggest, each as a share of that currency's sales; then approvals, caps,
    the issues the draft leaves without a rule or could not work out, and the estimated
    effect on defects and the ODR."""
    from sellerdesk.core.money import Money
    head = (f"Backtest of “{result.policy_name}” on the issues logged from {result.start} "
            f"to {result.end}")
    if result.empty:
        return f"{head}:\n{result.message}"

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.2%}"
    lines = [f"{head}:", f"{'currency':<9}{'issues':>7}{'given':>14}{'policy then':>14}"
                         f"{'draft':>14}   share of sales (given / then / draft)"]
    for currency, costs in result.totals.items():
        shares = result.shares(currency)
        lines.append(
            f"{currency:<9}{costs.issues:>7}"
            + "".join(f"{Money.from_minor(m, currency).display():>14}"
                      for m in (costs.given, costs.then, costs.draft))
            + f"   {share(shares['given'])} / {share(shares['suggested_then'])} / "
              f"{share(shares['draft'])}")
    approvals, caps = result.approvals(), result.caps_hit()
    lines.append(f"Needing approval: {approvals['then']} then, {approvals['draft']} under the "
                 f"draft. Capped: {caps['then']} then, {caps['draft']} under the draft.")
    missing = result.without_rule()
    if missing:
        lines.append("The draft has no rule for: " + ", ".join(
            f"issue {o.issue_id} ({o.issue_type})" for o in missing) + ".")
    for outcome in result.problems():
        lines.append(f"Issue {outcome.issue_id}: {outcome.note}.")
    if result.estimate is not None:     # with its interval, sample and method
        lines.extend(result.estimate.lines())
    return "\n".join(lines)
