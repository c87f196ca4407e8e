"""How well `consultlens discover` finds human labels, next to TF-IDF + k-means.

For each label of a multi-label file, the best F1 of any discovered group (a group's members taken
as the comments predicted to have the label), averaged over labels; the same for scikit-learn's
TF-IDF (word 1-2-grams, English stop words, min_df 2, max_df 0.5) + k-means (10 starts) with as
many groups as labels, at three seeds.

    python3 tools/score_discovery.py ../shared/datasets/careopinion_multilabel_text_labels.csv \
        target/release/consultlens

Needs pandas and scikit-learn. The file needs `text` and `labels` (separated by `;`) columns and no
identifier column, so that response keys are spreadsheet rows.
"""

import json
import subprocess
import sys

import pandas as pd
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer


def mean_best_f1(groups, labels, names):
    total = 0.0
    for name in names:
        truth = {index for index, own in enumerate(labels) if name in own}
        best = 0.0
        for group in groups:
            found = len(truth & group)
            if found:
                precision, recall = found / len(group), found / len(truth)
                best = max(best, 2 * precision * recall / (precision + recall))
        total += best
    return total / len(names)


def main(path, binary):
    data = pd.read_csv(path)
    labels = [{label.strip() for label in cell.split(";") if label.strip()} for cell in data["labels"]]
    names = sorted(set().union(*labels))
    count = len(names)
    run = subprocess.run(
        [binary, "discover", path, "--column", "text", "--groups", str(count), "--json"],
        capture_output=True, text=True, check=True,
    )
    groups = json.loads(run.stdout)["groups"]
    # The keys are spreadsheet rows: the first data row is row 2.
    ours = [{int(member) - 2 for member in group["members"]} for group in groups]
    print(f"discover: {len(ours)} groups, mean best F1 {mean_best_f1(ours, labels, names):.4f}")
    features = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=2, max_df=0.5)
    matrix = features.fit_transform(data["text"])
    for seed in (0, 1, 2):
        clusters = KMeans(n_clusters=count, n_init=10, random_state=seed).fit(matrix).labels_
        found = [{int(index) for index in (clusters == cluster).nonzero()[0]} for cluster in range(count)]
        print(f"TF-IDF + k-means, seed {seed}: mean best F1 {mean_best_f1(found, labels, names):.4f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
