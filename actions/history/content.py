"""Choose the walk-through's words (loaded by actions/content.py)."""

from __future__ import annotations

from typing import Any, Dict, List

from actions.content import OTHER_REGION, UNKNOWN, form_content, load_content, support_content
from actions.history.assessment import Pattern


def guidance_content() -> Dict[str, Any]:
    return load_content("guidance")


def guidance_for(pattern: Pattern) -> Dict[str, Any]:
    return guidance_content()["patterns"][pattern.value]


def related_topic_buttons(pattern: Pattern) -> List[Dict[str, str]]:
    titles = form_content()["topic_titles"]
    return [{"title": titles[key], "payload": f"/faq/{key}"} for key in guidance_for(pattern)["related"]]


def format_prefilled(answers: Dict[str, Any]) -> str:
    """ "From what you wrote, I've noted: ..." for answers taken from the user's own account."""
    summary = form_content()["summary"]
    items = [f"{summary['labels'][slot].lower()}: {_shown(slot, value)}" for slot, value in answers.items()]
    return form_content()["prefilled"].strip().format(items="; ".join(items))


def _shown(slot: str, value: Any) -> str:
    return str(value) if isinstance(value, int) else form_content()["summary"]["values"].get(str(value), str(value))


def format_summary(answers: Dict[str, Any], pattern: Pattern) -> str:
    """The message a user can take to the clinic: their answers and questions to ask."""
    summary = form_content()["summary"]
    value_names = summary["values"]
    lines = [summary["heading"]]
    for slot, label in summary["labels"].items():
        value = answers.get(slot)
        if value is None:
            continue  # not asked
        shown = value_names.get(str(value), str(value)) if not isinstance(value, int) else str(value)
        if slot == "user_region" and value not in (UNKNOWN, OTHER_REGION):
            shown = support_content()["regions"].get(value, {}).get("label", str(value))
        lines.append(f"- {label}: {shown}")
    lines.append(summary["questions_heading"])
    lines.extend(f"- {question}" for question in guidance_for(pattern)["questions"])
    lines.append(summary["closing"].strip())
    return "\n".join(lines)
