"""The action server's words: YAML under actions/content/, loaded once.

Shared by the walk-through (actions/history/) and support (actions/support/);
neither reaches into the other for its words.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

CONTENT_DIR = Path(__file__).resolve().parent / "content"
# Answer values the content files use as keys.
UNKNOWN = "unknown"
OTHER_REGION = "other"


@lru_cache(maxsize=None)
def load_content(name: str) -> Dict[str, Any]:
    with (CONTENT_DIR / f"{name}.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def form_content() -> Dict[str, Any]:
    return load_content("history_form")


def support_content() -> Dict[str, Any]:
    return load_content("support_resources")


def region_aliases() -> Dict[str, List[str]]:
    return {key: region["aliases"] for key, region in support_content()["regions"].items()}


def region_aliases_in_sentences() -> Dict[str, List[str]]:
    """The aliases that name a place even inside a longer message."""
    answer_only = set(support_content()["answer_only_aliases"])
    return {key: [name for name in names if name not in answer_only] for key, names in region_aliases().items()}


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


def format_resources(region: Optional[str]) -> str:
    lines = [support_content()["intro"].strip()]
    for label, resources in resources_for(region):
        lines.append(f"In {label}:")
        lines.extend(f"- {resource}" for resource in resources)
    return "\n".join(lines)
