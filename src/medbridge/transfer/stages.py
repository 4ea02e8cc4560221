"""The rules a deal's stage moves obey, as a pure function so they can be tested one by one.

- Forward moves may skip stages (not every license needs an NDA); skipped stages simply have
  no duration in the cycle-time figures.
- Moving backwards (negotiation → due diligence) needs a reason, and so does reopening a lost deal.
- "lost" can end any open stage, and needs a reason (why it was lost).
- "closed" (the contract fully executed) needs the deal to have been signed first.
- A closed deal is final.
- Dates are monotone: a move is dated on or after the previous one, and not in the future.
"""

from __future__ import annotations

from datetime import date

from medbridge.transfer.models import ALL_DEAL_STAGES, DEAL_STAGES, LOST

SIGNED = DEAL_STAGES.index("signed")


def transition_errors(current: str, target: str, on: date, last_on: date | None, reason: str,
                      today: date, reached_signed: bool) -> list[dict]:
    """What is wrong with moving a deal from `current` to `target` on `on` (empty: allowed)."""
    errors = []
    if target not in ALL_DEAL_STAGES:
        return [{"field": "stage", "message": f"未知阶段“{target}” / unknown stage; one of {', '.join(ALL_DEAL_STAGES)}"}]
    if target == current:
        errors.append({"field": "stage", "message": "已处于该阶段 / the deal is already at this stage"})
    elif current == "closed":
        errors.append({"field": "stage", "message": "已结束的交易不能再变更 / a closed deal is final"})
    elif target == LOST and not reason:
        errors.append({"field": "reason", "message": "请说明未成交的原因 / say why the deal was lost"})
    elif current == LOST and not reason:
        errors.append({"field": "reason", "message": "重新启动未成交的交易需说明原因 / reopening a lost deal needs a reason"})
    elif target != LOST and current != LOST and DEAL_STAGES.index(target) < DEAL_STAGES.index(current) and not reason:
        errors.append({"field": "reason", "message": "退回到之前的阶段需说明原因 / moving back needs a reason"})
    if target == "closed" and not reached_signed and current != "closed":
        errors.append({"field": "stage", "message": "签约之后才能结束 / a deal is closed only after it was signed"})
    if last_on is not None and on < last_on:
        errors.append({"field": "happened_on", "message": f"日期不能早于上一次变更（{last_on.isoformat()}） / "
                                                         f"the date cannot be before the previous move"})
    if on > today:
        errors.append({"field": "happened_on", "message": "日期不能在未来 / the date cannot be in the future"})
    return errors


def stage_index(stage: str) -> int:
    """Order of a stage for sorting and funnels; lost sorts after every open stage."""
    return ALL_DEAL_STAGES.index(stage) if stage in ALL_DEAL_STAGES else -1


def furthest_stage(stages: list[str]) -> str:
    """The furthest stage (by order, lost aside) a deal ever reached."""
    reached = [s for s in stages if s in DEAL_STAGES]
    return max(reached, key=DEAL_STAGES.index) if reached else DEAL_STAGES[0]
