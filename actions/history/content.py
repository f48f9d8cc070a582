"""Choose the walk-through's words (loaded by actions/content.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from actions.content import OTHER_REGION, UNKNOWN, form_content, load_content, support_content
from actions.history.assessment import Assessment, Pattern
from actions.history.walkthrough import Understood, clinic_questions


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


def format_understood(items: Understood) -> str:
    """ "Here is what I understood: ..." from walkthrough.understood."""
    words = form_content()["understood"]
    labels = form_content()["summary"]["labels"]
    lines = [words["heading"]]
    for key, values in items:
        forms = words["items"][key]
        text = forms["one"] if values.get("n") == 1 and "one" in forms else forms["other"]
        if key == "unknown":
            values = {"label": labels[values["slot"]].lower()}
        if key == "transfers_split":
            lines[-1] += " " + text.format(**values)
            continue
        lines.append("- " + text.format(**values))
    lines.append(words["question"])
    return "\n".join(lines)


def understood_buttons() -> List[Dict[str, str]]:
    return form_content()["understood"]["buttons"]


def change_choices() -> Dict[str, Any]:
    """The text and buttons offered after a second "no" to the summary."""
    return form_content()["change_choices"]


def flag_lines(assessment: Assessment) -> List[str]:
    """One line per flag, in the YAML's order."""
    lines = guidance_content()["flags"]
    return [lines[key].strip() for key in lines if key in assessment.flag_values]


def format_summary(answers: Dict[str, Any], pattern: Pattern, flags: Tuple[str, ...] = ()) -> str:
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
    questions = clinic_questions(guidance_for(pattern)["questions"], answers, flags)
    lines.extend(f"- {question}" for question in questions)
    lines.append(summary["closing"].strip())
    return "\n".join(lines)
