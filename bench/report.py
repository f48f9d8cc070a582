"""Write the results: JSON (everything), a short Markdown report, a latency plot."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Dict, List

import matplotlib

matplotlib.use("Agg")  # no screen here
import matplotlib.pyplot as plt  # noqa: E402

TARGET_NAMES = {
    "faq_accuracy_points_above_tfidf": "FAQ accuracy, points above the TF-IDF baseline",
    "p95_ms_at_10_users": "p95 per message with 10 users (ms)",
    "errors_at_50_users": "errors with 50 users",
    "saturation_messages_per_second": "saturation throughput (messages/s)",
    "full_turn_over_parse_p50": "full turn / NLU parse alone, at p50",
}


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}"


def plot_latency(results: Dict[str, Any], path: Path) -> None:
    paced = results["load"]["paced"]
    figure, (cdf, bars) = plt.subplots(1, 2, figsize=(11, 4.2))
    for users, run in paced.items():
        values = sorted(run.get("latencies_ms") or [])
        if values:
            cdf.plot(values, [(i + 1) / len(values) for i in range(len(values))], label=f"{users} users")
    cdf.axvline(250, color="grey", linestyle="--", linewidth=1, label="250 ms target (p95, 10 users)")
    cdf.set_xscale("log")
    cdf.set_xlabel("latency per message (ms, log scale)")
    cdf.set_ylabel("share of messages")
    cdf.set_title("REST, 2 s think time")
    cdf.legend()
    levels = list(paced)
    width = 0.25
    for offset, key in enumerate(("p50_ms", "p95_ms", "p99_ms")):
        bars.bar(
            [i + (offset - 1) * width for i in range(len(levels))],
            [paced[level][key] or 0 for level in levels],
            width,
            label=key.replace("_ms", ""),
        )
    bars.axhline(results["load"]["parse_floor"]["p50_ms"], color="black", linestyle=":", label="NLU parse alone (p50)")
    bars.set_xticks(range(len(levels)), [f"{level} users" for level in levels])
    bars.set_ylabel("ms")
    bars.set_title("Percentiles by concurrency")
    bars.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def markdown(results: Dict[str, Any]) -> str:
    u, load, training = results["understanding"], results["load"], results["training"]
    lines: List[str] = [
        "# Benchmark report",
        "",
        f"Commit `{results['machine']['git_commit']}`, {results['machine']['date']}, "
        f"{results['machine']['cpus']} CPUs, Python {results['machine']['python']}. "
        "Written by `make bench` (bench/run.py); all figures in `latest.json`.",
        "",
        "## Targets",
        "",
        "| target | figure | goal | met |",
        "| --- | --- | --- | --- |",
    ]
    for name, verdict in results["targets"].items():
        comparison = (
            "≥"
            if name in ("faq_accuracy_points_above_tfidf", "saturation_messages_per_second")
            else ("=" if name == "errors_at_50_users" else "<")
        )
        lines.append(
            f"| {TARGET_NAMES[name]} | {verdict['value']} | {comparison} {verdict['target']} | "
            f"{'yes' if verdict['met'] else '**no**'} |"
        )
    lines += [
        "",
        "## Understanding (held-out set, same training data for all three)",
        "",
        f"{u['data']['held_out_examples']} held-out messages, {u['data']['training_examples']} training examples.",
        "",
        "| model | FAQ top-1 accuracy | FAQ macro-F1 | out-of-scope rejected |",
        "| --- | --- | --- | --- |",
    ]
    names = {
        "ours": "ours (config.yml)",
        "tfidf_logreg": "TF-IDF + logistic regression",
        "rasa_init": "`rasa init` default pipeline",
    }
    for key, label in names.items():
        if key not in u:
            lines.append(f"| {label} | not measured in this run | | |")
            continue
        scored = u[key]
        lines.append(
            f"| {label} | {scored['faq_correct']}/{scored['faq_total']} = {scored['faq_accuracy']:.1%} | "
            f"{scored['faq_macro_f1']:.3f} | {scored['out_of_scope_rejected']}/{scored['out_of_scope_total']}"
            f" = {scored['out_of_scope_rejection']:.0%} |"
        )
    lines += [
        "",
        "## Understanding: the real-voice set (tests/nlu/real_voice.yml)",
        "",
        "Messages written the way patients write (stories, jargon, typos, several questions). The baselines "
        "have no safety net, so their safety figures show what the classifier alone would do.",
        "",
        "| model | FAQ top-1 | behaviours | crisis recall | urgent recall | same-day | false alarms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, label in names.items():
        voiced = u.get(key, {}).get("real_voice")
        if not voiced:
            continue
        m = voiced["measures"]

        def rate(name: str, m=m) -> str:
            return f"{m[name]['passed']}/{m[name]['total']} = {m[name]['rate']:.0%}" if name in m else "–"

        lines.append(
            f"| {label} | {rate('faq_top1')} | {rate('behaviours')} | {rate('crisis_recall')} | "
            f"{rate('urgent_recall')} | {rate('same_day_recall')} | {voiced['false_alarm_rate']:.0%} |"
        )
    if u["ours"].get("real_voice"):
        lines += [
            "",
            "Ours by tag: "
            + ", ".join(
                f"{tag} {v['rate']:.0%} of {v['total']}" for tag, v in u["ours"]["real_voice"]["by_tag"].items()
            ),
        ]
    lines += _components_lines(results.get("components"), u)
    lines += ["", "Our held-out misses (true → predicted):", ""]
    lines += [f"- {pair} ×{count}" for pair, count in u["ours"]["confusions"].items()] or ["- none"]
    if u["ours"]["out_of_scope_accepted_as"]:
        lines += [
            "",
            "Out-of-scope messages we accepted, as: "
            + ", ".join(f"{label} ×{count}" for label, count in u["ours"]["out_of_scope_accepted_as"].items()),
        ]
    lines += [
        "",
        "## Latency and throughput (REST, both servers as `make run` starts them)",
        "",
        f"Each simulated user plays conversations from a realistic mix (60% FAQ questions, 25% full history "
        f"walk-throughs, 15% small talk). Paced runs wait {load['think_seconds']:.0f} s between a reply and "
        f"the next message, {load['paced_seconds_per_level']:.0f} s per level; closed-loop runs do not wait, "
        f"{load['closed_loop_seconds_per_level']:.0f} s per level.",
        "",
        "| run | messages | errors | p50 ms | p95 ms | p99 ms | messages/s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind, label in (("paced", "paced"), ("closed_loop", "closed loop")):
        for users, run in load[kind].items():
            lines.append(
                f"| {users} users, {label} | {run['messages']} | {run['errors']} | {_ms(run['p50_ms'])} | "
                f"{_ms(run['p95_ms'])} | {_ms(run['p99_ms'])} | {run['messages_per_second']} |"
            )
    floor = load["parse_floor"]
    lines += [
        f"| NLU parse alone (`/model/parse`) | {floor['messages']} | {floor['errors']} | {_ms(floor['p50_ms'])} | "
        f"{_ms(floor['p95_ms'])} | {_ms(floor['p99_ms'])} | {floor['messages_per_second']} |",
        "",
        f"Saturation: {load['saturation_messages_per_second']} messages/s. "
        f"A full turn takes {results['targets']['full_turn_over_parse_p50']['value']}× the parsing floor at p50.",
        "",
        "![latency](latency.png)",
        "",
        "Where the time goes and what was changed because of it: [profiling.md](profiling.md).",
        "",
        "## Resources",
        "",
        f"- Peak memory (VmHWM) after the load runs: Rasa server {load['peak_memory_mb']['rasa_server']} MB, "
        f"action server {load['peak_memory_mb']['action_server']} MB (after start-up: "
        f"{load['memory_after_start_mb']['rasa_server']} MB and {load['memory_after_start_mb']['action_server']} MB).",
        f"- Model size: {results['model_size_mb']} MB.",
        _training_line(training),
        (
            f"- `rasa init` pipeline, NLU only: {u['rasa_init']['training_seconds']} s to train."
            if "rasa_init" in u
            else "- `rasa init` pipeline: left out of this run (`--without-rasa-init`)."
        ),
        f"- Start to first answer: {load['start_to_first_answer_seconds']} s.",
        "",
    ]
    return "\n".join(lines)


def _components_lines(components: Any, u: Dict[str, Any]) -> List[str]:
    """What the sentence encoder buys and costs, and what the language check costs."""
    if not components:
        return []
    encoder, language = components["sentence_encoder"], components["language_check"]
    ours, plain = u["ours"], u["tfidf_logreg"]
    voiced = {key: u[key].get("real_voice", {}).get("measures", {}).get("faq_top1") for key in ("ours", "tfidf_logreg")}
    lines = [
        "",
        "### The sentence encoder and the language check",
        "",
        "Without the encoder, the classifier is the TF-IDF baseline above (the same logistic regression on "
        "word and character n-grams; it also lacks our glossary and question focus). Memory and time are "
        "measured each in a fresh process, on the 240 real-voice messages one at a time (bench/components.py).",
        "",
        "| | held-out FAQ | real-voice FAQ | memory added | time per message p50 / p95 |",
        "| --- | --- | --- | --- | --- |",
        f"| with all-MiniLM-L6-v2 (ours) | {ours['faq_accuracy']:.1%} | "
        f"{voiced['ours']['rate']:.0%} | {encoder['memory_added_mb']} MB | "
        f"{encoder['p50_ms']} / {encoder['p95_ms']} ms |",
        f"| without (TF-IDF + logistic regression) | {plain['faq_accuracy']:.1%} | "
        f"{voiced['tfidf_logreg']['rate']:.0%} | – | – |",
        f"| language check (lingua, low accuracy, 10 languages) | | | {language['memory_added_mb']} MB | "
        f"{language['p50_ms']} / {language['p95_ms']} ms |",
    ]
    return lines


def _training_line(training: Dict[str, Any]) -> str:
    if training.get("skipped"):
        return "- Training: not measured in this run (`--skip-training`)."
    line = (
        f"- Training: {training['from_scratch_seconds']} s from scratch (empty cache); "
        f"{training['after_one_faq_answer_changed_seconds']} s after changing one FAQ answer "
        f"(`{training['changed_answer']}`)"
    )
    return line + (f", times reused from the run of {training['reused_from']}." if training.get("reused_from") else ".")


def write_report(results: Dict[str, Any], out_dir: Path) -> None:
    plot_latency(results, out_dir / "latency.png")
    compact = copy.deepcopy(results)
    for run in compact["load"]["paced"].values():
        run.pop("latencies_ms", None)  # in the plot; too long for the JSON
    (out_dir / "latest.json").write_text(json.dumps(compact, indent=2) + "\n")
    (out_dir / "report.md").write_text(markdown(results))
