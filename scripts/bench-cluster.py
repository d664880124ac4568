"""One Python peer of `make bench-cluster` on the bench's data file, in a process of its own.

usage: bench-cluster.py DATA.f32 DIMENSION K ENGINE MAX_ITER
ENGINE: sklearn (KMeans, n_init=1, k-means++), minibatch (MiniBatchKMeans, n_init=1), faiss (faiss.Kmeans,
spherical, then a nearest-centroid search of every row). Writes int32 labels to DATA.f32.ENGINE.labels and prints
one JSON line: engine, seconds (fit + labels, the load excluded), rss_kb (peak), or skipped.
"""

import json
import resource
import sys
import time

import numpy as np


def main() -> None:
    path, dimension, k, engine, max_iter = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    data = np.fromfile(path, dtype=np.float32).reshape(-1, dimension)
    started = time.perf_counter()
    if engine == "sklearn":
        from sklearn.cluster import KMeans

        name = "sklearn KMeans"
        labels = KMeans(n_clusters=k, n_init=1, max_iter=max_iter, random_state=0).fit_predict(data)
    elif engine == "minibatch":
        from sklearn.cluster import MiniBatchKMeans

        name = "sklearn MiniBatch"
        labels = MiniBatchKMeans(n_clusters=k, n_init=1, random_state=0, batch_size=4096).fit_predict(data)
    elif engine == "faiss":
        try:
            import faiss
        except ImportError:
            print(json.dumps({"engine": "faiss", "skipped": "faiss-cpu not installed"}))
            return
        name = "faiss"
        kmeans = faiss.Kmeans(dimension, k, niter=max_iter, seed=1, spherical=True)
        kmeans.train(data)
        labels = kmeans.index.search(data, 1)[1][:, 0]
    else:
        raise SystemExit(f"unknown engine {engine}")
    seconds = time.perf_counter() - started
    np.asarray(labels, dtype=np.int32).tofile(f"{path}.{engine}.labels")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"engine": name, "seconds": seconds, "rss_kb": rss}))


if __name__ == "__main__":
    main()
