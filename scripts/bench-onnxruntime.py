#!/usr/bin/env python3
"""onnxruntime baseline for `make bench`: all-MiniLM-L6-v2 (fp32 ONNX graph from scripts/minilm-onnx-fp32.py)
on CPU, tokenizer (Hugging Face `tokenizers`, tokenizer.json, truncation 256), padding to the longest text of each
batch, mean pooling over the attention mask and L2 normalisation included in every timing.

Two sessions: onnxruntime's default (its intra-op threads spin while waiting for work) and with spinning off,
which is much faster when other processes compete for the cores; clusterd-bench compares against the faster.

Checks the graph against the golden fixture first, prints one JSON line {"name", "model", "lowest_cosine",
"variants"}, then serves timing requests from clusterd-bench on stdin so the engines can alternate over slices of
the texts (fair on a shared machine): `time BATCH START END SORTED VARIANT` embeds texts[START:END] in batches of
BATCH (sorted by token count first when SORTED is 1, the baseline's best case) with session VARIANT (an index
into "variants") and prints the seconds taken; `quit` ends.

usage: bench-onnxruntime.py MODEL_ONNX MODEL_DIR TEXTS_JSONL GOLDEN_JSON [--threads 2]
"""
import argparse
import json
import sys
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("model_dir")
    parser.add_argument("texts")
    parser.add_argument("golden")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    variants = {"spinning": "1", "no spinning": "0"}
    sessions = []
    for spinning in variants.values():
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", spinning)
        sessions.append(ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"]))
    tokenizer = Tokenizer.from_file(f"{args.model_dir}/tokenizer.json")
    tokenizer.enable_truncation(max_length=256)
    tokenizer.no_padding()

    def embed(texts: list[str], session=sessions[0]) -> np.ndarray:
        encodings = tokenizer.encode_batch(texts)
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros((len(texts), length), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    golden = json.load(open(args.golden))["sentences"]
    lowest = 1.0
    for sentence in golden:
        vector = embed([sentence["text"]])[0]
        reference = np.asarray(sentence["embedding"])
        lowest = min(lowest, float(vector @ reference / np.linalg.norm(reference)))
    print(f"onnxruntime graph: lowest cosine to the golden embeddings {lowest:.7f}", file=sys.stderr)
    if lowest < 0.999:
        print("the fp32 graph does not match the reference", file=sys.stderr)
        return 1

    texts = [json.loads(line)["text"] for line in open(args.texts) if line.strip()]
    counts = [len(tokenizer.encode(text).ids) for text in texts]
    for each in sessions:
        embed(texts[:64], each)  # warm-up
    name = f"onnxruntime {ort.__version__} (CPU, intra_op {args.threads} threads)"
    print(
        json.dumps({"name": name, "model": args.model, "lowest_cosine": lowest, "variants": list(variants)}),
        flush=True,
    )
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        batch, start, end, by_length, variant = (int(word) for word in words[1:6])
        items = list(range(start, min(end, len(texts))))
        if by_length:
            items.sort(key=lambda index: counts[index])
        began = time.perf_counter()
        for index in range(0, len(items), batch):
            embed([texts[i] for i in items[index : index + batch]], sessions[variant])
        print(f"{time.perf_counter() - began:.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
