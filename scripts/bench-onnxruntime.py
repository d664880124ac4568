#!/usr/bin/env python3
"""onnxruntime baseline for `make bench`: all-MiniLM-L6-v2 (fp32 ONNX graph from scripts/minilm-onnx-fp32.py)
on CPU, tokenizer (Hugging Face `tokenizers`, tokenizer.json, truncation 256), padding to the longest text of each
batch, mean pooling over the attention mask and L2 normalisation included in every timing.

Three variants: onnxruntime's default (its intra-op threads spin while waiting for work), with spinning off
(much faster when other processes compete for the cores), and two worker processes of one intra-op thread each
taking every other text of a slice and batching its half (the form that ran fastest on two cores, as two analysis
workers would); clusterd-bench compares against the fastest.

Checks the graph against the golden fixture first, prints one JSON line {"name", "model", "lowest_cosine",
"variants"}, then serves timing requests from clusterd-bench on stdin so the engines can alternate over slices of
the texts (fair on a shared machine): `time BATCH START END SORTED VARIANT` embeds texts[START:END] in batches of
BATCH (when SORTED is 1, positions START:END of every text in order of token count, ties by position, as
clusterd-bench's sorted rows take them: the baseline's best case, its batches padded least) with session VARIANT (an index
into "variants") and prints the seconds taken; `quit` ends.

usage: bench-onnxruntime.py MODEL_ONNX MODEL_DIR TEXTS_JSONL GOLDEN_JSON [--threads 2]
"""
import argparse
import json
import multiprocessing
import sys
import time
from multiprocessing.connection import Connection

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def make_embedder(model: str, model_dir: str, threads: int, spinning: str):
    """The embedding function of one onnxruntime session: tokenizer, padding, pooling and normalisation included."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", spinning)
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
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

    return embed, tokenizer


def worker(connection: Connection, model: str, model_dir: str) -> None:
    """One process of the two-process variant: one intra-op thread; embeds each list of batches it is sent, then
    answers; None ends it."""
    embed, _ = make_embedder(model, model_dir, 1, "1")
    embed(["warm up"])
    connection.send("ready")
    while (batches := connection.recv()) is not None:
        for batch in batches:
            embed(batch)
        connection.send("done")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("model_dir")
    parser.add_argument("texts")
    parser.add_argument("golden")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    variants = {"spinning": "1", "no spinning": "0"}
    embedders = [make_embedder(args.model, args.model_dir, args.threads, spinning) for spinning in variants.values()]
    tokenizer = embedders[0][1]
    sessions = [embedder for embedder, _ in embedders]
    context = multiprocessing.get_context("spawn")
    pipes = [context.Pipe() for _ in range(2)]
    workers = [context.Process(target=worker, args=(child, args.model, args.model_dir)) for _, child in pipes]
    for process in workers:
        process.start()
    for parent, _ in pipes:
        assert parent.recv() == "ready"
    two_processes = "2 processes × 1 thread"

    def embed(texts: list[str], session=sessions[0]) -> np.ndarray:
        return session(texts)

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
    length_order = sorted(range(len(texts)), key=lambda index: (counts[index], index))
    for each in sessions:
        embed(texts[:64], each)  # warm-up
    name = f"onnxruntime {ort.__version__} (CPU, intra_op {args.threads} threads)"
    print(
        json.dumps(
            {
                "name": name,
                "model": args.model,
                "lowest_cosine": lowest,
                "variants": list(variants) + [two_processes],
            }
        ),
        flush=True,
    )
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        batch, start, end, by_length, variant = (int(word) for word in words[1:6])
        items = length_order[start:end] if by_length else list(range(start, min(end, len(texts))))

        def batched(indices: list[int]) -> list[list[str]]:
            return [[texts[i] for i in indices[index : index + batch]] for index in range(0, len(indices), batch)]

        # The two processes take every other text (of the sorted order when sorted), each batching its own half: an
        # even split of texts and tokens at every batch size (dealing out whole batches left one process 64 texts of
        # a 100-text slice at batch 32 and the other 36).
        batches = batched(items)
        halves = [batched(items[turn::2]) for turn in range(2)]
        began = time.perf_counter()
        if variant < len(sessions):
            for each in batches:
                embed(each, sessions[variant])
        else:
            for (parent, _), half in zip(pipes, halves):
                parent.send(half)
            for parent, _ in pipes:
                parent.recv()
        print(f"{time.perf_counter() - began:.6f}", flush=True)
    for parent, _ in pipes:
        parent.send(None)
    for process in workers:
        process.join(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
