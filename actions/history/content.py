"""Load the walk-through's content (YAML under actions/content/) and choose from it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from actions.history.answers import OTHER_REGION, UNKNOWN
from actions.history.assessment import Pattern

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"


@lru_cache(maxsize=None)
def load_content(name: str) -> Dict[str, Any]:
    with (CONTENT_DIR / f"{name}.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def form_content() -> Dict[str, Any]:
    return load_content("history_form")


def guidance_content() -> Dict[str, Any]:
    return load_content("guidance")


def support_content() -> Dict[str, Any]:
    return load_content("support_resources")


def region_aliases() -> Dict[str, List[str]]:
    return {key: region["aliases"] for key, region in support_content()["regions"].items()}


def resources_for(region: Optional[str]) -> List[Tuple[str, List[str]]]:
    """[(region label, [resources])]: both UK and US lines while the region is unknown."""
    regions = support_content()["regions"]
    if region in (None, UNKNOWN):
        keys = support_content()["unknown_region"]
    elif region in regions:
        keys = [region]
    else:
        keys = [OTHER_REGION]
    return [(regions[key]["label"], regions[key]["resources"]) for key in keys]


def guidance_for(pattern: Pattern) -> Dict[str, Any]:
    return guidance_content()["patterns"][pattern.value]


def related_topic_buttons(pattern: Pattern) -> List[Dict[str, str]]:
    titles = form_content()["topic_titles"]
    return [{"title": titles[key], "payload": f"/faq/{key}"} for key in guidance_for(pattern)["related"]]


def format_resources(region: Optional[str]) -> str:
    lines = [support_content()["intro"].strip()]
    for label, resources in resources_for(region):
        lines.append(f"In {label}:")
        lines.extend(f"- {resource}" for resource in resources)
    return "\n".join(lines)


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
