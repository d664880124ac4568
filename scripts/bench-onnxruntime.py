#!/usr/bin/env python3
"""onnxruntime baseline for `make bench`: sentences/s of all-MiniLM-L6-v2 (fp32 ONNX graph from
scripts/minilm-onnx-fp32.py) on CPU, tokenizer (Hugging Face `tokenizers`, tokenizer.json, truncation 256),
padding to the longest text of each batch, mean pooling over the attention mask and L2 normalisation included.

Runs batch sizes in file order (the same batches clusterd-bench uses) and, as the baseline's best case, with the
texts sorted by length first (less padding). Checks the graph against the golden fixture first. Prints progress
on stderr and, last on stdout, one JSON list of results for clusterd-bench.

usage: bench-onnxruntime.py MODEL_ONNX MODEL_DIR TEXTS_JSONL GOLDEN_JSON [--threads 2] [--batch 1,32] [--limit 1000]
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
    parser.add_argument("--batch", default="1,32")
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(f"{args.model_dir}/tokenizer.json")
    tokenizer.enable_truncation(max_length=256)
    tokenizer.no_padding()

    def embed(texts: list[str]) -> np.ndarray:
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

    texts = [json.loads(line)["text"] for line in open(args.texts) if line.strip()][: args.limit]
    by_length = sorted(texts, key=lambda text: len(tokenizer.encode(text).ids))
    embed(texts[:64])  # warm-up

    def rate(items: list[str], batch: int) -> float:
        start = time.perf_counter()
        for index in range(0, len(items), batch):
            embed(items[index : index + batch])
        return len(items) / (time.perf_counter() - start)

    batches = [int(b) for b in args.batch.split(",")]
    name = f"onnxruntime {ort.__version__} (CPU, intra_op {args.threads} threads)"
    results = [
        {"name": name, "model": args.model, "rates": {str(b): rate(texts, b) for b in batches}},
        {
            "name": name + ", texts sorted by length",
            "model": args.model,
            "rates": {str(b): rate(by_length, b) for b in batches if b > 1},
        },
    ]
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
