"""Local rules of the suggestion workflow (they vary by place). Defaults from domain.md; each can be set in the
environment, e.g. RULE_ANSWER_MONTHS=3."""

from dataclasses import dataclass, field

from renda.env import env, envint, envlist


@dataclass(frozen=True)
class Rules:
    answer_months: int = field(default_factory=lambda: envint("RULE_ANSWER_MONTHS", 3))
    # The answer deadline may be extended to at most this many months after assignment (with approval).
    max_answer_months: int = field(default_factory=lambda: envint("RULE_MAX_ANSWER_MONTHS", 6))
    # A wrongly assigned item may be returned within this window after signing: amount and unit (days|workdays).
    return_window: int = field(default_factory=lambda: envint("RULE_RETURN_WINDOW", 10))
    return_window_unit: str = field(default_factory=lambda: env("RULE_RETURN_WINDOW_UNIT", "days"))
    opinion_months: int = field(default_factory=lambda: envint("RULE_OPINION_MONTHS", 1))
    rehandle_months: int = field(default_factory=lambda: envint("RULE_REHANDLE_MONTHS", 1))
    max_rehandle_rounds: int = field(default_factory=lambda: envint("RULE_MAX_REHANDLE_ROUNDS", 1))
    reminder_days: tuple[int, ...] = field(
        default_factory=lambda: tuple(int(x) for x in envlist("RULE_REMINDER_DAYS", "15,5,1"))
    )
    rating_reminder_days: int = field(default_factory=lambda: envint("RULE_RATING_REMINDER_DAYS", 7))
    # Items never rated are deemed rated after this many working days (0: never).
    rating_deemed_workdays: int = field(default_factory=lambda: envint("RULE_RATING_DEEMED_WORKDAYS", 0))
    result_classes: str = field(default_factory=lambda: env("RULE_RESULT_CLASSES", "ABCD"))
    disclose_within_workdays: int = field(default_factory=lambda: envint("RULE_DISCLOSE_WITHIN_WORKDAYS", 20))


def rules() -> Rules:
    return Rules()
